/**
 * How values are spelled for one encode: indentation, brackets, delimiters, quoting per position,
 * keys, and relaxed inline JSON. Shared by the planner (which prices layouts) and the renderer
 * (which writes the chosen one), so both agree on every character.
 */
import { isEncodedNumber, numberText } from '../shared/exact-number.js';
import { Bits, delimiterBit, isSafeKey, quote, Slot, stringBits, unsafeBits } from '../shared/quoting.js';
import type { JsonPrimitive, JsonValue } from '../shared/types.js';
import { nestedCost, numberCost, numberValueCost, QUOTES, stringCost } from './cost.js';
import { CLOSE_BRACE, CLOSE_BRACKET, estimateTokens, MergeCounter, OPEN_BRACE, OPEN_BRACKET } from './estimate.js';

/** Encoder settings after validation. */
export interface FormatOptions {
  indent: number;
  delimiter: string;
  /** '' = plain `[N]`, a marker string = `[<marker>N]`, null = lengths omitted. */
  marker: string | null;
}

/** Bits that force quoting inside inline JSON. */
export const INLINE_UNSAFE = Bits.Quote | Bits.Comma | Bits.Colon | Bits.Bracket;
/** Bits that force quoting after `key: ` (the rest of the line is the value). */
export const FIELD_UNSAFE = Bits.Quote;
/** Bits that force quoting in a list item or a root primitive, where `a: b` would read as a field. */
export const ITEM_UNSAFE = unsafeBits(Slot.Item, 0);

/** Text as written and its estimated tokens: a key, or a container's inline JSON. */
export interface Written {
  text: string;
  cost: number;
}

/** Key text and cost by key string, shared by all encodes (keys repeat across documents too). */
const KEYS = new Map<string, Written>();
const MAX_CACHED_KEYS = 4096;
/** Longer keys are rare and would make the cache hold large strings; they are priced each time. */
const MAX_CACHED_KEY_LENGTH = 64;

/** A key as written (bare when safe, JSON-quoted otherwise) and its token cost. */
export function keyOf(k: string): Written {
  let info = KEYS.get(k);
  if (info === undefined) {
    const text = isSafeKey(k) ? k : quote(k);
    info = { text, cost: estimateTokens(text) };
    if (KEYS.size >= MAX_CACHED_KEYS) KEYS.clear();
    if (k.length <= MAX_CACHED_KEY_LENGTH) KEYS.set(k, info);
  }
  return info;
}

/** A primitive's text at a position whose unsafe bits are `unsafe` (bare when safe there). */
export function primitiveText(v: JsonPrimitive, unsafe: number): string {
  if (typeof v === 'string') return (stringBits(v) & unsafe) === 0 ? v : quote(v);
  if (isEncodedNumber(v)) return numberText(v);
  return v === null ? 'null' : v ? 'true' : 'false';
}

/** Estimated tokens of `text`, which primitiveText wrote for `v` (a string written differently was quoted). */
export function writtenCost(v: JsonPrimitive, text: string): number {
  if (typeof v === 'string') return text === v ? stringCost(v) : stringCost(v) + QUOTES;
  return isEncodedNumber(v) ? numberCost(text) : 1;
}

/**
 * Estimated tokens of a primitive at a position whose unsafe bits are `unsafe`, without building
 * its text: pricing a layout that may never be written (a list weighed against a table, field
 * lines against inline JSON) needs neither the quoted string nor the number's digits. `bits` is
 * `stringBits(v)` for a string (computed once by the caller, who usually prices two positions).
 */
export function primitiveCost(v: JsonPrimitive, bits: number, unsafe: number): number {
  return bareCost(v) + quotesCost(bits, unsafe);
}

/**
 * Estimated tokens of a primitive written bare: the part of primitiveCost that is the same at
 * every position, so a caller pricing two positions computes it once (a number's digit count is
 * not free) and adds quotesCost for each.
 */
export function bareCost(v: JsonPrimitive): number {
  if (typeof v === 'string') return stringCost(v);
  return isEncodedNumber(v) ? numberValueCost(v) : 1;
}

/** The quotes a primitive whose bits are `bits` (bitsOf) takes at a position whose unsafe bits are `unsafe`. */
export function quotesCost(bits: number, unsafe: number): number {
  return (bits & unsafe) === 0 ? 0 : QUOTES;
}

/** `stringBits(v)` for a string, 0 for other primitives (which need no quoting). */
export function bitsOf(v: JsonPrimitive): number {
  return typeof v === 'string' ? stringBits(v) : 0;
}

/** The spelling of one encode's options. */
export class Format {
  readonly delimiter: string;
  /** Bits that force quoting in a table cell or inline-array element (ended by the delimiter). */
  readonly cellUnsafe: number;
  /** A constant `key=value` in a header ends at the delimiter or `}`. */
  readonly constantUnsafe: number;
  /** Whether brackets carry the array's length (`[3]`) or are left empty (`[]`). */
  readonly withLength: boolean;
  private readonly marker: string | null;
  private readonly bracketTail: string;
  private readonly unit: string;
  private readonly pads: string[] = [''];
  /** Inline text and cost per container already written inline (a parent reuses its children's). */
  private readonly inlineForms = new Map<object, Written>();
  /** inlineMerges per container already counted (a parent reuses its children's). */
  private readonly mergeCounts = new Map<object, number>();

  constructor(o: FormatOptions) {
    this.delimiter = o.delimiter;
    this.cellUnsafe = unsafeBits(Slot.Cell, delimiterBit(o.delimiter));
    this.constantUnsafe = INLINE_UNSAFE | this.cellUnsafe;
    this.withLength = o.marker !== null;
    this.marker = o.marker;
    this.bracketTail = (o.delimiter === ',' ? '' : o.delimiter) + ']';
    this.unit = ' '.repeat(o.indent);
  }

  /** Indentation of `depth` levels. */
  pad(depth: number): string {
    let p = this.pads[depth];
    if (p === undefined) {
      p = this.pad(depth - 1) + this.unit;
      this.pads[depth] = p;
    }
    return p;
  }

  /** `[N]`, `[#N]`, `[]`; `keyed` adds the `:` of a keyed table (`[N:]`); a non-comma delimiter is named inside. */
  bracket(length: number, keyed = false): string {
    const m = this.marker;
    return '[' + (m === null ? '' : m + length) + (keyed ? ':' : '') + this.bracketTail;
  }

  /**
   * Depth of the rows under a header at `depth`. With lengths written, the count says where the
   * rows end, so they sit flush under the header; without, they are indented to show it.
   */
  rowDepth(depth: number): number {
    return this.withLength ? depth : depth + 1;
  }

  /**
   * Relaxed JSON, the inline form any KTOF value position accepts: `{key:value,...}` / `[a,b]`,
   * keys and strings bare when safe, JSON-quoted otherwise; with its estimated tokens (what
   * inlineCost returns), summed while writing. Memoised per container.
   */
  inline(v: JsonValue & object): Written {
    const known = this.inlineForms.get(v);
    if (known !== undefined) return known;
    let s: string;
    let cost = 2;
    if (Array.isArray(v)) {
      s = '[';
      for (let i = 0; i < v.length; i++) {
        const item = v[i] as JsonValue;
        if (i > 0) s += ',';
        if (item === null || typeof item !== 'object') {
          const text = primitiveText(item, INLINE_UNSAFE);
          s += text;
          cost += writtenCost(item, text);
        } else {
          const form = this.inline(item);
          s += form.text;
          cost += nestedCost(item, form.cost);
        }
      }
      s += ']';
      cost = v.length === 0 ? 1 : cost + v.length - 1;
    } else {
      s = '{';
      const keys = Object.keys(v);
      for (let i = 0; i < keys.length; i++) {
        const k = keyOf(keys[i] as string);
        const value = v[keys[i] as string] as JsonValue;
        s += (i > 0 ? ',' : '') + k.text + ':';
        if (value === null || typeof value !== 'object') {
          const text = primitiveText(value, INLINE_UNSAFE);
          s += text;
          cost += k.cost + 1 + writtenCost(value, text);
        } else {
          const form = this.inline(value);
          s += form.text;
          cost += k.cost + 1 + nestedCost(value, form.cost);
        }
      }
      s += '}';
      cost = keys.length === 0 ? 1 : cost + keys.length - 1;
    }
    const form = { text: s, cost };
    this.inlineForms.set(v, form);
    return form;
  }

  /**
   * Estimated tokens of the inline form of `v` (what inline() returns as its cost), without
   * building its text; a container already written inline is not walked again, so pricing a
   * value whose large cells a table holds takes a walk of the value's own level only.
   */
  inlineCost(v: JsonValue): number {
    if (v === null || typeof v !== 'object') return primitiveCost(v, bitsOf(v), INLINE_UNSAFE);
    const known = this.inlineForms.get(v);
    if (known !== undefined) return known.cost;
    if (Array.isArray(v)) {
      if (v.length === 0) return 1;
      let cost = 2 + v.length - 1;
      for (let i = 0; i < v.length; i++) {
        const item = v[i] as JsonValue;
        cost += nestedCost(item, this.inlineCost(item));
      }
      return cost;
    }
    const keys = Object.keys(v);
    if (keys.length === 0) return 1;
    let cost = 2 + keys.length - 1;
    for (const k of keys) {
      const value = v[k] as JsonValue;
      cost += keyOf(k).cost + 1 + nestedCost(value, this.inlineCost(value));
    }
    return cost;
  }

  /**
   * `inlineMerges(this.inline(v).text)`, counted from the pieces inline() writes and the memoised
   * counts of the containers nested in `v`, never from that text: a parent's inline text is a
   * rope holding its children's, and reading it would copy the whole subtree. Tables nested in
   * table cells each weigh their cells' merges (Planner.tableOrList), so reading the text level
   * by level would make a chain of them quadratic in the document's size; this way each
   * character of the document is read once per encode.
   */
  inlineMerges(v: JsonValue & object): number {
    const known = this.mergeCounts.get(v);
    if (known !== undefined) return known;
    const counter = new MergeCounter();
    if (Array.isArray(v)) {
      counter.text('[');
      for (let i = 0; i < v.length; i++) {
        if (i > 0) counter.text(',');
        this.countMerges(counter, v[i] as JsonValue);
      }
      counter.text(']');
    } else {
      counter.text('{');
      const keys = Object.keys(v);
      for (let i = 0; i < keys.length; i++) {
        if (i > 0) counter.text(',');
        counter.text(keyOf(keys[i] as string).text);
        counter.text(':');
        this.countMerges(counter, v[keys[i] as string] as JsonValue);
      }
      counter.text('}');
    }
    this.mergeCounts.set(v, counter.merges);
    return counter.merges;
  }

  /** Feeds `v` as inline() writes it to `counter`. */
  private countMerges(counter: MergeCounter, v: JsonValue): void {
    if (v === null || typeof v !== 'object') counter.text(primitiveText(v, INLINE_UNSAFE));
    else if (Array.isArray(v)) counter.nested(OPEN_BRACKET, this.inlineMerges(v), CLOSE_BRACKET);
    else counter.nested(OPEN_BRACE, this.inlineMerges(v), CLOSE_BRACE);
  }
}
