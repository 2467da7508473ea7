/**
 * `kaizen stats`: what each file costs as pretty JSON, compact JSON, TOON and KTOF, in bytes
 * and in tokens per model, with the savings against compact JSON (the baseline the server uses).
 */
import { extname } from 'node:path';
import type { Command } from 'commander';
import { needsExactJson, stringifyJson } from '@kaizen/ktof';
import type { KaizenClient } from '@kaizen/sdk';
import { addRemoteFlags, clientFor, decodeText, optimizeValue, type RemoteFlags } from '../client/index.js';
import { EXIT_CODES_HELP, usageError } from '../exit.js';
import { readChunks, readText, resolveSources, type Source } from '../io/input.js';
import { parseJson } from '../io/json-input.js';
import { writeStdout } from '../io/output.js';
import { createProgress } from '../io/progress.js';
import { addEncodeFlags, decodeSettings, encodeSettings, type CodecFlags, type EncodeSettings } from '../options.js';
import { action, eachInput, report } from '../run.js';
import { formatCount, formatSaving, renderTable } from '../table.js';

/** The models counted when --models is not given. */
export const DEFAULT_STATS_MODELS = ['gpt-4o', 'claude-sonnet-4'] as const;

/** The formats compared, in table order. */
export const FORMATS = ['json_pretty', 'json_compact', 'toon', 'ktof'] as const;
export type Format = (typeof FORMATS)[number];
const FORMAT_LABEL: Record<Format, string> = { json_pretty: 'JSON pretty', json_compact: 'JSON compact', toon: 'TOON', ktof: 'KTOF' };
const BASELINE: Format = 'json_compact';

/** Size of one format: UTF-8 bytes and tokens per model. */
export interface FormatSize {
  bytes: number;
  tokens: Record<string, number>;
}

/** Savings of one format against the baseline: 1 - size / baseline (negative: it costs more). */
export interface Saving {
  bytes: number;
  tokens: Record<string, number>;
}

/** The measurements of one file (or the total of all files). */
export interface FileStats {
  file: string;
  formats: Record<Format, FormatSize>;
  savings: Record<Format, Saving>;
}

/** What `kaizen stats --json` prints. */
export interface StatsReport {
  baseline: Format;
  models: string[];
  /** Per model: the tokenizer used and whether the count is an estimate. */
  tokenizers: Record<string, { encoding: string; estimated: boolean }>;
  engine: 'local' | 'remote';
  files: FileStats[];
  total: FileStats;
}

interface StatsFlags extends CodecFlags, RemoteFlags {
  models?: string;
  json?: boolean;
  progress?: boolean;
}

const ratio = (part: number, whole: number) => (whole === 0 ? 0 : Math.round((1 - part / whole) * 10_000) / 10_000);

function savingsOf(formats: Record<Format, FormatSize>, models: readonly string[]): Record<Format, Saving> {
  const base = formats[BASELINE];
  const out = {} as Record<Format, Saving>;
  for (const format of FORMATS) {
    const size = formats[format];
    out[format] = { bytes: ratio(size.bytes, base.bytes), tokens: Object.fromEntries(models.map((m) => [m, ratio(size.tokens[m]!, base.tokens[m]!)])) };
  }
  return out;
}

/** Reads a file as a JSON value: .ktof/.toon files are decoded, anything else parsed as JSON. */
async function readValue(source: Source, client: KaizenClient, onBytes: (n: number) => void): Promise<unknown> {
  const ext = source.path ? extname(source.path).toLowerCase() : '';
  if (ext === '.ktof' || ext === '.toon') return decodeText(client, readChunks(source, onBytes), decodeSettings({}), source.name);
  return parseJson(await readText(source, onBytes), source.name);
}

/**
 * The tokenizers and the TOON encoder, loaded when `stats` runs: every command loads this module
 * (to register `stats`), and encode or decode need neither.
 */
const loadTokens = () => import('@kaizen/tokens');
const loadToon = () => import('@toon-format/toon');

/** Counts tokens of `texts` for each model with the local tokenizers. */
async function countLocal(models: readonly string[], texts: Record<string, string>): Promise<Record<string, Record<string, number>>> {
  const { tokenCounter } = await loadTokens();
  const out: Record<string, Record<string, number>> = {};
  for (const model of models) {
    const count = await tokenCounter(model);
    out[model] = Object.fromEntries(Object.entries(texts).map(([name, text]) => [name, count(text)]));
  }
  return out;
}

/** Measures one value in every format. */
async function measure(file: string, value: unknown, client: KaizenClient, settings: EncodeSettings, models: readonly string[]): Promise<FileStats> {
  // The input keeps numbers a JS number cannot hold exactly (KtofNumber): JSON is measured with
  // those digits; TOON cannot hold them, so it gets the plain numbers JSON.parse would give.
  const pretty = stringifyJson(value, 2);
  const compact = stringifyJson(value);
  const { encode: encodeToon } = await loadToon();
  const toon = encodeToon(needsExactJson(value) ? JSON.parse(compact) : value);
  const optimized = await optimizeValue(client, value, settings, models, file);
  // The client counts compact JSON and KTOF (the server, with --remote); pretty JSON and TOON are
  // not Kaizen formats, so they are always counted here, with the same tokenizers.
  const local = await countLocal(models, { json_pretty: pretty, toon });
  const formats = {} as Record<Format, FormatSize>;
  const texts: Record<Format, string> = { json_pretty: pretty, json_compact: compact, toon, ktof: optimized.ktof };
  for (const format of FORMATS) {
    const tokens: Record<string, number> = {};
    for (const model of models) {
      const t = optimized.tokens[model]!;
      tokens[model] = format === 'json_compact' ? t.json : format === 'ktof' ? t.ktof : local[model]![format]!;
    }
    formats[format] = { bytes: Buffer.byteLength(texts[format]), tokens };
  }
  return { file, formats, savings: savingsOf(formats, models) };
}

function totalOf(files: FileStats[], models: readonly string[]): FileStats {
  const formats = {} as Record<Format, FormatSize>;
  for (const format of FORMATS) {
    formats[format] = {
      bytes: files.reduce((sum, f) => sum + f.formats[format].bytes, 0),
      tokens: Object.fromEntries(models.map((m) => [m, files.reduce((sum, f) => sum + f.formats[format].tokens[m]!, 0)])),
    };
  }
  return { file: 'total', formats, savings: savingsOf(formats, models) };
}

/** The text table of one file: a row per format, bytes and tokens per model, each with its saving. */
export function renderStats(stats: FileStats, models: readonly string[], estimated: ReadonlySet<string>): string {
  const header = ['format', 'bytes', 'saved', ...models.flatMap((m) => [`${m}${estimated.has(m) ? '*' : ''}`, 'saved'])];
  const rows = FORMATS.map((format) => {
    const size = stats.formats[format];
    const saving = stats.savings[format];
    const cell = (fraction: number) => (format === BASELINE ? 'base' : formatSaving(fraction));
    return [FORMAT_LABEL[format], formatCount(size.bytes), cell(saving.bytes), ...models.flatMap((m) => [formatCount(size.tokens[m]!), cell(saving.tokens[m]!)])];
  });
  return `${stats.file}\n${renderTable([header, ...rows], '  ')}`;
}

function parseModels(value: string | undefined): string[] {
  const models = (value ?? DEFAULT_STATS_MODELS.join(',')).split(',').map((m) => m.trim()).filter(Boolean);
  if (models.length === 0) throw usageError('--models needs at least one model name, e.g. --models gpt-4o,claude-sonnet-4');
  return [...new Set(models)];
}

/** Registers `stats`. */
export function registerStats(program: Command): void {
  const command = program
    .command('stats')
    .description('Compare bytes and tokens of JSON (pretty, compact), TOON and KTOF, per file and in total')
    .argument('[files...]', 'JSON files (.ktof/.toon files are decoded first); none or "-" reads stdin')
    .option('-m, --models <list>', `comma-separated models to count tokens for (default ${DEFAULT_STATS_MODELS.join(',')})`)
    .option('--json', 'print the numbers as JSON')
    .option('--no-progress', 'never show a progress bar');
  addEncodeFlags(command);
  addRemoteFlags(command);
  command
    .addHelpText(
      'after',
      `\nSavings are against compact JSON (what the server reports too); a negative saving means the format costs more.\n` +
        `A * after a model marks an estimated count (no exact offline tokenizer for it).\n\n` +
        `Examples:\n  kaizen stats data/*.json\n  kaizen stats users.json --models gpt-4o,gpt-4,claude-sonnet-4,gemini-2.5-pro\n  kaizen stats users.json --json | jq .total.savings.ktof\n${EXIT_CODES_HELP}`,
    )
    .action(
      action('stats', async (files: string[], flags: StatsFlags) => {
        const models = parseModels(flags.models);
        const { resolveModel, UnknownModelError } = await loadTokens();
        const tokenizers: StatsReport['tokenizers'] = {};
        for (const model of models) {
          try {
            const { encoding, estimated } = resolveModel(model);
            tokenizers[model] = { encoding, estimated };
          } catch (error) {
            if (error instanceof UnknownModelError) throw usageError(error.message);
            throw error;
          }
        }
        const settings = encodeSettings(flags);
        const sources = await resolveSources(files);
        const client = clientFor(flags);
        const progress = createProgress({ totalBytes: sources.reduce((sum, s) => sum + (s.size ?? 0), 0), files: sources.length, enabled: flags.progress !== false });
        const measured: FileStats[] = [];
        let failures: unknown[] = [];
        try {
          failures = await eachInput(sources, async (source) => {
            const value = await readValue(source, client, (n) => progress.advance(n, source.name));
            measured.push(await measure(source.name, value, client, settings, models));
          });
        } finally {
          progress.stop();
          await client.close();
        }
        for (const failure of failures) report('stats', failure);
        if (measured.length === 0) return;
        const total = totalOf(measured, models);
        if (flags.json) {
          const out: StatsReport = { baseline: BASELINE, models, tokenizers, engine: client.mode, files: measured, total };
          await writeStdout(`${JSON.stringify(out, null, 2)}\n`);
          return;
        }
        const estimated = new Set(models.filter((m) => tokenizers[m]!.estimated));
        const blocks = measured.map((stats) => renderStats(stats, models, estimated));
        if (measured.length > 1) blocks.push(renderStats(total, models, estimated));
        const notes = [`Savings against compact JSON.`];
        if (estimated.size) notes.push(`* estimated count: ${[...estimated].map((m) => `${m} (${tokenizers[m]!.encoding})`).join(', ')}.`);
        await writeStdout(`${blocks.join('\n\n')}\n\n${notes.join(' ')}\n`);
      }),
    );
}
