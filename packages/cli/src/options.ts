/** The codec flags every command shares, parsed once into validated settings. */
import type { Command } from 'commander';
import { encode } from '@kaizen/ktof';
import { usageError } from './exit.js';

/** Encoder settings, as the codec and the wire both understand them. */
export interface EncodeSettings {
  delimiter?: string;
  indent?: number;
  /** true: `[#N]`; a string: that marker; false: lengths omitted; undefined: `[N]`. */
  lengthMarker?: boolean | string;
}

/** Decoder settings. */
export interface DecodeSettings {
  indent?: number;
  strict: boolean;
}

/** Raw commander values of the codec flags. */
export interface CodecFlags {
  delimiter?: string;
  indent?: string;
  lengthMarker?: boolean | string;
  strict?: boolean;
}

const DELIMITER_NAMES: Record<string, string> = { comma: ',', tab: '\t', pipe: '|', semicolon: ';', ',': ',', '\\t': '\t', '\t': '\t', '|': '|', ';': ';' };

/** Adds --delimiter, --indent and --length-marker / --no-length-marker. */
export function addEncodeFlags(command: Command): Command {
  return command
    .option('-d, --delimiter <delim>', 'cell delimiter of tables and inline arrays: comma (default), tab, pipe or semicolon (or the character itself)')
    .option('--indent <n>', 'spaces per nesting level, 1-16 (default 2)')
    .option('--length-marker [chars]', 'write array lengths as [#N] (or with the given marker characters)')
    .option('--no-length-marker', 'omit array lengths ([] instead of [N])');
}

/** Adds --strict / --no-strict (and --indent unless the encoder flags already did). */
export function addDecodeFlags(command: Command, withIndent = true): Command {
  if (withIndent) command.option('--indent <n>', 'spaces per nesting level of the KTOF input (default: the width of its first indented line)');
  return command.option('--strict', 'check declared lengths, row widths, indentation and duplicate keys (default)').option('--no-strict', 'accept KTOF whose declared lengths or indentation are off');
}

function parseIndent(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 16) throw usageError(`--indent must be a whole number from 1 to 16, not "${value}"`);
  return n;
}

/** Validated encoder settings; the codec itself vets the combination once, up front. */
export function encodeSettings(flags: CodecFlags): EncodeSettings {
  const settings: EncodeSettings = {};
  if (flags.delimiter !== undefined) {
    const delimiter = DELIMITER_NAMES[flags.delimiter.toLowerCase()];
    if (delimiter === undefined) throw usageError(`unknown --delimiter "${flags.delimiter}"; use comma, tab, pipe or semicolon`);
    settings.delimiter = delimiter;
  }
  const indent = parseIndent(flags.indent);
  if (indent !== undefined) settings.indent = indent;
  if (flags.lengthMarker !== undefined) settings.lengthMarker = flags.lengthMarker;
  try {
    encode({ check: [{ a: 1 }] }, settings);
  } catch (error) {
    const hint = typeof flags.lengthMarker === 'string' ? ` (got "${flags.lengthMarker}"; if that is a file, write --length-marker=# or put the files first)` : '';
    throw usageError(`${(error as Error).message.replace(/^the length marker/, '--length-marker')}${hint}`);
  }
  return settings;
}

/** Validated decoder settings. */
export function decodeSettings(flags: CodecFlags): DecodeSettings {
  const settings: DecodeSettings = { strict: flags.strict !== false };
  const indent = parseIndent(flags.indent);
  if (indent !== undefined) settings.indent = indent;
  return settings;
}
