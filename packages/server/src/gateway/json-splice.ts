/**
 * Replaces string values inside a JSON text without re-serialising it, so every byte the
 * gateway does not mean to change (number spellings, escapes, spacing, key order, duplicate
 * keys, unknown fields) reaches the upstream exactly as the caller sent it.
 */
import { CLOSE_BRACE, CLOSE_BRACKET, OPEN_BRACE, OPEN_BRACKET, QUOTE } from '../http/json-depth.js';

const COMMA = 0x2c;
const COLON = 0x3a;
/**
 * The rest of a string literal after its opening quote, as one sticky "unrolled loop" regex
 * (plain runs, then escape + plain run, up to the closing quote): twice as fast as looking for
 * each quote and counting the backslashes before it, on JSON held in a string.
 */
const STRING_REST = /[^"\\]*(?:\\.[^"\\]*)*"/y;

/** A JSON-pointer step, escaped as @kaizen/prompt's site paths are. */
export function pointerStep(key: string | number): string {
  return `/${String(key).replace(/~/g, '~0').replace(/\//g, '~1')}`;
}

/**
 * `text` (valid JSON) with the string at each pointer replaced by a JSON string literal (the
 * map's values, already written as JSON). A pointer that does not name a string is ignored; with
 * duplicate keys the last one (the one JSON.parse keeps) is replaced. `expected`: see locateStrings.
 */
export function spliceJsonLiterals(text: string, literals: Readonly<Map<string, string>>, expected?: ExpectedLiterals): string {
  const spans = locateStrings(text, new Set(literals.keys()), expected);
  const ordered = [...spans].sort((a, b) => a[1][0] - b[1][0]);
  let out = '';
  let at = 0;
  for (const [pointer, [start, end]] of ordered) {
    out += text.slice(at, start) + literals.get(pointer)!;
    at = end;
  }
  return out + text.slice(at);
}

/**
 * String literals the caller probably wrote, by pointer (JSON.stringify of the value there, as
 * most clients write it). A literal found as expected is stepped over by one comparison instead
 * of being scanned character by character: the scan costs about 1 µs per KB of escaped JSON, and
 * message texts (tool results) are most of a chat's bytes. One that differs (other escapes,
 * another layout) is scanned as usual.
 */
export type ExpectedLiterals = ReadonlyMap<string, string>;

/** Source spans [start, end) of the string literals at `pointers` in `text`. */
export function locateStrings(text: string, pointers: ReadonlySet<string>, expected?: ExpectedLiterals): Map<string, [number, number]> {
  const spans = new Map<string, [number, number]>();
  // Containers on the way to a target (or an expected literal) are walked; every other value is skipped without parsing.
  const onPath = new Set<string>();
  for (const pointer of expected ? [...pointers, ...expected.keys()] : pointers) {
    for (let cut = pointer.lastIndexOf('/'); cut > 0; cut = pointer.lastIndexOf('/', cut - 1)) onPath.add(pointer.slice(0, cut));
  }
  onPath.add('');
  let i = 0;

  const space = () => {
    for (;;) {
      const c = text.charCodeAt(i);
      if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) i++;
      else return;
    }
  };
  /** From an opening quote to just past its closing quote. */
  const skipString = () => {
    STRING_REST.lastIndex = i + 1;
    STRING_REST.test(text);
    i = STRING_REST.lastIndex;
  };
  const skipValue = () => {
    let depth = 0;
    for (;;) {
      const c = text.charCodeAt(i);
      if (c === QUOTE) {
        skipString();
        if (depth === 0) return;
        continue;
      }
      if (c === OPEN_BRACE || c === OPEN_BRACKET) depth++;
      else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) {
        if (depth === 0) return; // end of the enclosing container (a bare number or literal ended)
        if (--depth === 0) {
          i++;
          return;
        }
      } else if (depth === 0 && (c === COMMA || c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09 || Number.isNaN(c))) return;
      i++;
    }
  };
  const child = (pointer: string) => {
    space();
    if (onPath.has(pointer)) container(pointer);
    else if (text.charCodeAt(i) === QUOTE) {
      const start = i;
      // Equal text is the same literal: its only unescaped quote is its last character.
      const literal = expected?.get(pointer);
      if (literal !== undefined && text.slice(i, i + literal.length) === literal) i += literal.length;
      else skipString();
      if (pointers.has(pointer)) spans.set(pointer, [start, i]);
    } else skipValue();
    space();
  };
  const container = (pointer: string) => {
    const open = text.charCodeAt(i);
    if (open !== OPEN_BRACE && open !== OPEN_BRACKET) return skipValue();
    i++;
    space();
    if (text.charCodeAt(i) === (open === OPEN_BRACE ? CLOSE_BRACE : CLOSE_BRACKET)) {
      i++;
      return;
    }
    for (let index = 0; ; index++) {
      if (open === OPEN_BRACE) {
        space();
        const keyStart = i;
        skipString();
        const key = JSON.parse(text.slice(keyStart, i)) as string;
        space();
        if (text.charCodeAt(i) === COLON) i++;
        child(pointer + pointerStep(key));
      } else child(pointer + pointerStep(index));
      const next = text.charCodeAt(i++);
      if (next !== COMMA) return; // the closing brace or bracket
    }
  };
  space();
  container('');
  return spans;
}
