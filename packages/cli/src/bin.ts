#!/usr/bin/env node
// The `kaizen` command. Each subcommand lives in its own module under commands/.
import { Command } from 'commander';
import { registerServe } from './commands/serve.js';
import { registerKeys } from './commands/keys.js';
import { registerCodec } from './commands/codec.js';
import { registerStats } from './commands/stats.js';
import { CLI_VERSION } from './version.js';

const program = new Command('kaizen')
  .description('Kaizen: token-efficient LLM payloads (KTOF) from the terminal')
  .version(CLI_VERSION);

registerServe(program);
registerKeys(program);
registerCodec(program);
registerStats(program);

await program.parseAsync(process.argv);
