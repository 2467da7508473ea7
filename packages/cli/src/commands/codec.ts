/**
 * `kaizen encode`, `kaizen decode` and `kaizen convert`: JSON <-> KTOF over files and pipes.
 * Each input is its own job; a bad file is reported (file:line:column) and the others still run.
 */
import { existsSync } from 'node:fs';
import { extname } from 'node:path';
import type { Command } from 'commander';
import type { KaizenClient } from '@kaizen/sdk';
import { addRemoteFlags, clientFor, decodeText, encodeValue, type RemoteFlags } from '../client/index.js';
import { EXIT_CODES_HELP, usageError } from '../exit.js';
import { readChunks, readText, resolveSources, type Source } from '../io/input.js';
import { stringifyJson } from '@kaizen/ktof';
import { parseJson } from '../io/json-input.js';
import { assertSafeOutputs, outputPathFor, writeFileAtomic, writeStdout } from '../io/output.js';
import { createProgress, type Progress } from '../io/progress.js';
import { addDecodeFlags, addEncodeFlags, decodeSettings, encodeSettings, type CodecFlags, type DecodeSettings, type EncodeSettings } from '../options.js';
import { action, eachInput, report } from '../run.js';

type Direction = 'encode' | 'decode';

interface CodecCommandFlags extends CodecFlags, RemoteFlags {
  output?: string;
  outDir?: string;
  compact?: boolean;
  force?: boolean;
  progress?: boolean;
}

/** One input and where its result goes (`target` undefined: stdout). */
interface Job {
  source: Source;
  direction: Direction;
  target: string | undefined;
}

interface Settings {
  encode: EncodeSettings;
  decode: DecodeSettings;
  compact: boolean;
}

const EXTENSION: Record<Direction, string> = { encode: '.ktof', decode: '.json' };

/** Runs one job: read, convert, write. Failures are CliErrors. */
async function runJob(job: Job, client: KaizenClient, settings: Settings, progress: Progress): Promise<void> {
  const onBytes = (bytes: number) => progress.advance(bytes, job.source.name);
  let output: string;
  if (job.direction === 'encode') {
    const value = parseJson(await readText(job.source, onBytes), job.source.name);
    output = await encodeValue(client, value, settings.encode, job.source.name);
  } else {
    const value = await decodeText(client, readChunks(job.source, onBytes), settings.decode, job.source.name);
    output = stringifyJson(value, settings.compact ? undefined : 2);
  }
  if (job.target === undefined) await writeStdout(output, '\n');
  else await writeFileAtomic(job.target, output, '\n');
}

/** Runs every job in order (see eachInput), then reports each failure. */
async function runJobs(command: string, jobs: Job[], flags: CodecCommandFlags, settings: Settings): Promise<void> {
  const client = clientFor(flags);
  const totalBytes = jobs.reduce((sum, job) => sum + (job.source.size ?? 0), 0);
  const progress = createProgress({ totalBytes, files: jobs.length, enabled: flags.progress !== false });
  let failures: unknown[] = [];
  try {
    failures = await eachInput(jobs, (job) => runJob(job, client, settings, progress));
  } finally {
    progress.stop();
    await client.close();
  }
  for (const failure of failures) report(command, failure);
}

/** Jobs of encode/decode: stdout for one input, -o FILE, or --out-dir DIR for many. */
function plainJobs(sources: Source[], direction: Direction, flags: CodecCommandFlags): Job[] {
  if (flags.output !== undefined && flags.outDir !== undefined) throw usageError('use either -o FILE or --out-dir DIR, not both');
  if (flags.output !== undefined) {
    if (sources.length > 1) throw usageError(`-o names one output file but ${sources.length} inputs were given; use --out-dir DIR`);
    const jobs = [{ source: sources[0]!, direction, target: flags.output }];
    assertSafeOutputs(jobs);
    return jobs;
  }
  if (flags.outDir !== undefined) {
    const jobs = sources.map((source) => ({ source, direction, target: outputPathFor(source, EXTENSION[direction], flags.outDir) }));
    assertSafeOutputs(jobs);
    return jobs;
  }
  if (sources.length > 1) throw usageError(`${sources.length} inputs were given; write them with --out-dir DIR (stdout takes one input)`);
  return [{ source: sources[0]!, direction, target: undefined }];
}

/** Jobs of convert: the direction comes from each file's extension. */
function convertJobs(sources: Source[], flags: CodecCommandFlags): Job[] {
  const jobs: Job[] = sources.map((source) => {
    if (source.path === undefined) throw usageError('convert works on files; for stdin use `kaizen encode` or `kaizen decode`');
    const ext = extname(source.path).toLowerCase();
    const direction: Direction | undefined = ext === '.json' ? 'encode' : ext === '.ktof' || ext === '.toon' ? 'decode' : undefined;
    if (!direction) throw usageError(`cannot tell which way to convert ${source.name}: expected .json, .ktof or .toon (use kaizen encode/decode for other names)`);
    return { source, direction, target: outputPathFor(source, EXTENSION[direction], flags.outDir) };
  });
  assertSafeOutputs(jobs);
  if (!flags.force) {
    const existing = jobs.filter((job) => existsSync(job.target!)).map((job) => job.target);
    if (existing.length) throw usageError(`would overwrite ${existing.join(', ')}; pass --force to replace`);
  }
  return jobs;
}

/** `kaizen encode` / `kaizen decode`: the named files (or stdin) in one direction. */
function plainCodecAction(direction: Direction) {
  return action(direction, async (files: string[], flags: CodecCommandFlags) => {
    const settings = settingsFrom(flags);
    const jobs = plainJobs(await resolveSources(files), direction, flags);
    await runJobs(direction, jobs, flags, settings);
  });
}

function settingsFrom(flags: CodecCommandFlags): Settings {
  return { encode: encodeSettings(flags), decode: decodeSettings(flags), compact: flags.compact === true };
}

function addOutputFlags(command: Command): Command {
  return command
    .option('-o, --output <file>', 'write the result to FILE instead of stdout (one input)')
    .option('--out-dir <dir>', 'write each result into DIR, named after its input')
    .option('--no-progress', 'never show a progress bar');
}

/** Registers `encode`, `decode` and `convert`. */
export function registerCodec(program: Command): void {
  const encodeCommand = program
    .command('encode')
    .description('Encode JSON as KTOF (stdin to stdout by default)')
    .argument('[files...]', 'JSON files; none or "-" reads stdin');
  addOutputFlags(encodeCommand);
  addEncodeFlags(encodeCommand);
  addRemoteFlags(encodeCommand);
  encodeCommand
    .addHelpText('after', `\nExamples:\n  cat data.json | kaizen encode\n  kaizen encode data.json -o data.ktof --delimiter tab\n  kaizen encode *.json --out-dir ktof/\n${EXIT_CODES_HELP}`)
    .action(plainCodecAction('encode'));

  const decodeCommand = program
    .command('decode')
    .description('Decode KTOF (or TOON, or JSON) back to JSON (stdin to stdout by default)')
    .argument('[files...]', 'KTOF files; none or "-" reads stdin');
  addOutputFlags(decodeCommand);
  addDecodeFlags(decodeCommand);
  decodeCommand.option('--compact', 'write compact JSON (default: indented by 2)');
  addRemoteFlags(decodeCommand);
  decodeCommand
    .addHelpText('after', `\nExamples:\n  kaizen decode data.ktof\n  pbpaste | kaizen decode --compact\n  kaizen decode --no-strict reply.ktof -o reply.json\n${EXIT_CODES_HELP}`)
    .action(plainCodecAction('decode'));

  const convertCommand = program
    .command('convert')
    .description('Convert files by extension: .json -> .ktof, .ktof/.toon -> .json (written next to each input)')
    .argument('<files...>', 'files ending in .json, .ktof or .toon')
    .option('--out-dir <dir>', 'write the results into DIR instead of next to the inputs')
    .option('-f, --force', 'replace output files that already exist')
    .option('--compact', 'write compact JSON when decoding')
    .option('--no-progress', 'never show a progress bar');
  addEncodeFlags(convertCommand);
  addDecodeFlags(convertCommand, false);
  addRemoteFlags(convertCommand);
  convertCommand
    .addHelpText('after', `\nExamples:\n  kaizen convert users.json            # writes users.ktof\n  kaizen convert reply.ktof -f         # writes reply.json, replacing it\n  kaizen convert data/*.json --out-dir out/\n${EXIT_CODES_HELP}`)
    .action(
      action('convert', async (files: string[], flags: CodecCommandFlags) => {
        const settings = settingsFrom(flags);
        const jobs = convertJobs(await resolveSources(files), flags);
        await runJobs('convert', jobs, flags, settings);
      }),
    );
}
