#!/usr/bin/env node
// The `kaizen` command. Each subcommand lives in its own module under commands/.
import { Command, CommanderError } from 'commander';
import { registerCodec } from './commands/codec.js';
import { registerStats } from './commands/stats.js';
import { registerCompletion } from './commands/completion.js';
import { registerMcp } from './mcp/command.js';
import { EXIT_CODES_HELP, ExitCode } from './exit.js';
import { CLI_VERSION } from './version.js';

const program = new Command('kaizen')
  .description('Kaizen: token-efficient LLM payloads (KTOF) from the terminal')
  .version(CLI_VERSION)
  .showHelpAfterError('(run with --help for usage)')
  .addHelpText('after', `\nRun \`kaizen <command> --help\` for the options of a command.\n${EXIT_CODES_HELP}`)
  // Usage errors exit 2 (commander's default is 1, which the CLI keeps for data errors).
  .exitOverride((error: CommanderError) => {
    const ok = error.exitCode === 0 || error.code === 'commander.helpDisplayed' || error.code === 'commander.version';
    process.exit(ok ? ExitCode.OK : ExitCode.USAGE);
  });

registerCodec(program);
registerStats(program);
registerMcp(program);
// `serve` and `keys` load the whole server (~200 ms); data commands in pipelines skip that.
const DATA_COMMANDS = new Set(['encode', 'decode', 'convert', 'stats', 'mcp', 'mcp-proxy']);
const invoked = process.argv.slice(2).find((arg) => !arg.startsWith('-'));
if (invoked === undefined || !DATA_COMMANDS.has(invoked)) {
  const [{ registerServe }, { registerKeys }] = await Promise.all([import('./commands/serve.js'), import('./commands/keys.js')]);
  registerServe(program);
  registerKeys(program);
}
registerCompletion(program);

// A closed stdout (`kaizen encode big.json | head`) is not an error.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw error;
});

await program.parseAsync(process.argv);
