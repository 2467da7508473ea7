/**
 * JSON layouts: how a piece of JSON text was written (indent, separators, ASCII escaping), so
 * a KTOF fragment can be turned back into exactly the same bytes. A layout is recorded in the
 * fragment tag as a few characters (see `layoutCode`).
 */
import { KtofNumber, needsExactJson, stringifyJson, type JsonValue } from '@kaizen/ktof';

export interface JsonLayout {
  /** '' for single-line JSON, else the indent unit ('  ', '    ', '\t', ...). */
  indent: string;
  /** Single-line JSON with `, ` and `: ` separators (Python's json.dumps default). */
  spaced: boolean;
  /** Non-ASCII characters written as \uXXXX escapes (Python's ensure_ascii). */
  ascii: boolean;
}

const MAX_INDENT = 8;

/**
 * Serialises `value` in `layout`; equals JSON.stringify(value, null, indent) for the default
 * flags. `exact`: the value may hold numbers a JS number cannot (KtofNumbers, from a decoded
 * document) or -0, written with their own digits.
 */
export function formatJson(value: JsonValue, layout: JsonLayout, exact = false): string {
  // JSON.stringify writes the default flags, unless exact digits are asked for and the value holds
  // a number it would write otherwise (one walk, far cheaper than the writer below).
  if (!layout.spaced && !layout.ascii && !(exact && needsExactJson(value))) return JSON.stringify(value, null, layout.indent);
  const quote = layout.ascii ? asciiQuote : (s: string) => JSON.stringify(s);
  const itemSep = layout.indent === '' ? (layout.spaced ? ', ' : ',') : ',';
  const keySep = layout.indent === '' && !layout.spaced ? ':' : ': ';
  const write = (v: JsonValue, depth: number): string => {
    if (v === null || typeof v !== 'object' || (v as unknown) instanceof KtofNumber) return typeof v === 'string' ? quote(v) : stringifyJson(v);
    const entries: string[] = Array.isArray(v)
      ? v.map((item) => write(item, depth + 1))
      : Object.keys(v).map((key) => quote(key) + keySep + write(v[key] as JsonValue, depth + 1));
    const [open, close] = Array.isArray(v) ? ['[', ']'] : ['{', '}'];
    if (entries.length === 0) return open + close;
    if (layout.indent === '') return open + entries.join(itemSep) + close;
    const inner = '\n' + layout.indent.repeat(depth + 1);
    return open + inner + entries.join(itemSep + inner) + '\n' + layout.indent.repeat(depth) + close;
  };
  return write(value, 0);
}

function asciiQuote(s: string): string {
  return JSON.stringify(s).replace(/[^\x00-\x7f]/g, (c) => '\\u' + c.charCodeAt(0).toString(16).padStart(4, '0'));
}

/**
 * The layout in which `text` is exactly the serialisation of `value`, or undefined when none of
 * the supported layouts reproduces it byte for byte (then the text must be left alone).
 */
export function detectLayout(text: string, value: JsonValue): JsonLayout | undefined {
  const newline = text.indexOf('\n');
  let indent = '';
  if (newline >= 0) {
    const match = /^[ \t]+/.exec(text.slice(newline + 1));
    indent = match?.[0] ?? '';
    if (indent === '' || indent.length > MAX_INDENT || (indent.includes('\t') && indent !== '\t')) return undefined;
  }
  const ascii = /\\u[0-9a-f]{4}/.test(text) && !/[^\x00-\x7f]/.test(text);
  const candidates: JsonLayout[] = [{ indent, spaced: false, ascii: false }];
  if (indent === '') candidates.push({ indent, spaced: true, ascii: false });
  if (ascii) candidates.push(...candidates.map((layout) => ({ ...layout, ascii: true })));
  return candidates.find((layout) => formatJson(value, layout) === text);
}

/** The compact code of a layout used inside fragment tags: indent width or `t`, then flags `s`/`a`. */
export function layoutCode(layout: JsonLayout): string {
  const indent = layout.indent === '\t' ? 't' : String(layout.indent.length);
  return indent + (layout.spaced ? 's' : '') + (layout.ascii ? 'a' : '');
}

/** Inverse of layoutCode; undefined for anything layoutCode cannot produce. */
export function parseLayoutCode(code: string): JsonLayout | undefined {
  const match = /^([0-8t])(s?)(a?)$/.exec(code);
  if (!match) return undefined;
  const [, width = '0', spaced, ascii] = match;
  const indent = width === 't' ? '\t' : ' '.repeat(Number(width));
  if (spaced && indent !== '') return undefined;
  return { indent, spaced: spaced === 's', ascii: ascii === 'a' };
}
