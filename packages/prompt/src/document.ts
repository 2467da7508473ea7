/**
 * The prompt document: a whole prompt (any JSON value) as ONE KTOF text, with the JSON found
 * inside its strings folded into the KTOF structure instead of being carried as escaped text.
 * This is what prompts.encode / optimize.request return as `result`; decodePromptDocument turns
 * it back into the exact original prompt (deep-equal, key order, every string byte).
 *
 * The folding construct is defined on the JSON data model, so any KTOF (or JSON) codec carries
 * it unchanged (docs/ktof-spec.md, "Embedded JSON text"):
 *
 *   {"$json": v}          a string that was the JSON text of v, in compact layout
 *   {"$json2": v}         ... in another layout (the suffix is the layout code: indent width or
 *                         `t`, then `s` for Python's spaced separators, `a` for \uXXXX escapes)
 *   {"$text": [p, ...]}   a string that is the concatenation of its parts: strings as they are,
 *                         `$json` objects as their JSON text (JSON embedded in prose or fences)
 *
 * Only a one-key object whose key is `$` + `json…` or `text` is a construct. A one-key object of
 * the prompt whose key already looks like that ("$json", "$$text", "$json9x", ...) gets one more
 * `$` when encoded and loses it when decoded, so every value round-trips. A string is folded
 * only when re-serialising the parsed JSON in the detected layout reproduces it byte for byte
 * (`1.0`, odd spacing, big integers, `-0` stay text), and only when that costs fewer tokens.
 */
import { decode, DEFAULT_MAX_DEPTH, encode, type DecodeOptions, type EncodeOptions, type JsonValue } from '@kaizen/ktof';
import { isPlainObject } from './chat.js';
import { escapeConstructKeys, escapeKey, JSON_KEY, RESERVED_KEY, setOwn, TEXT_KEY } from './constructs.js';
import { formatJson, layoutCode, parseLayoutCode, type JsonLayout } from './layout.js';
import { findJson, type JsonCandidate } from './scan.js';
import { estimateTokens, type TokenCounter } from './tokens.js';
import type { TextKeyedCache } from './types.js';

export interface PromptDocumentOptions {
  /** Fold JSON found in strings (default true); when false only strings under a key named in `schemas` are folded. */
  autoDetectJson?: boolean;
  /** Field names whose strings are folded even when autoDetectJson is false. */
  schemas?: Record<string, unknown>;
  encodeOptions?: EncodeOptions;
  /** Decides whether a fold pays (the codec's token model picks the layout, as in compress); an estimate when absent. */
  countTokens?: TokenCounter;
  /**
   * Deepest nesting a fold may create, in containers as the codec counts them (default:
   * `encodeOptions.maxDepth`, else the codec's DEFAULT_MAX_DEPTH, 1000, which is also the API's
   * MAX_DEPTH): a document deeper than its reader's maxDepth could not be decoded, and one deeper
   * than the encoder's could not be written, so the fold is skipped and the string stays text.
   */
  maxDepth?: number;
  /**
   * Remembers how each string was folded (a conversation resends its earlier turns on every
   * request). It must serve one combination of encodeOptions and countTokens only, as
   * EncodePromptOptions.textCache. Strings guided by `schemas` bypass it.
   */
  foldCache?: FoldCache;
  /** Finds the JSON in a string (default: findJson); encodePromptForms shares one scan per string between both forms. */
  scan?: (text: string) => JsonCandidate[];
}

/** Where encodePromptDocument keeps each string's fold (see PromptDocumentOptions.foldCache). */
export type FoldCache = TextKeyedCache<FoldEntry>;

/** How one string folds: the folded value (the string itself when folding did not pay). */
export interface FoldEntry {
  folded: JsonValue;
  /** How deep brackets nest in the string (bounds how deep its fold can nest). */
  brackets: number;
  /** Folding this string or one inside its JSON won by less than a position in the document could add back. */
  narrow: boolean;
  /** Strings the fold folds: this one and those inside its JSON (0 when not folded). */
  folds: number;
  /** Characters unfolding it builds, at most: the string (twice for a `$text`: its `$json` parts, then the whole) and those of the folds inside its JSON (0 when not folded). */
  chars: number;
}

export interface PromptDocument {
  /** The KTOF text of the whole prompt. */
  ktof: string;
  /** How many strings were folded. */
  folded: number;
  /** True when `ktof` is exactly `encode(prompt, encodeOptions)`: nothing folded, no key escaped. */
  plain: boolean;
  /** Characters of text decodePromptDocument builds unfolding it, at most (what its `maxChars` counts; 0 when nothing folded). */
  unfoldedChars: number;
}

/** Thrown by decodePromptDocument when a construct is malformed (the KTOF itself parsed). */
export class PromptDocumentError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PromptDocumentError';
  }
}

/** The whole prompt as one KTOF text with its embedded JSON folded in; decodePromptDocument inverts it. */
export function encodePromptDocument(prompt: JsonValue, options: PromptDocumentOptions = {}): PromptDocument {
  const count = options.countTokens ?? estimateTokens;
  const folder = new Folder(options, count, options.encodeOptions);
  const folded = folder.fold(prompt, '', 0);
  // Written as compress writes a value (the codec's token model picks the layout).
  const ktof = encode(folded, options.encodeOptions);
  if (!folder.narrow) return { ktof, folded: folder.count, plain: folder.count === 0 && !folder.escaped, unfoldedChars: folder.chars };
  // A fold made its string cheaper on its own by less than where it sits may add back: the
  // whole document must still beat the value unfolded.
  const escaped = escapeConstructKeys(prompt);
  const unfolded = encode(escaped, options.encodeOptions);
  return count(unfolded) <= count(ktof) ? { ktof: unfolded, folded: 0, plain: escaped === prompt, unfoldedChars: 0 } : { ktof, folded: folder.count, plain: false, unfoldedChars: folder.chars };
}

/** Decodes a prompt document: the KTOF, then every construct back into the string it stands for. */
export function decodePromptDocument(text: string, options: DecodeOptions & UnfoldOptions = {}): JsonValue {
  return unfold(decode(text, options), options);
}

export interface UnfoldOptions {
  /**
   * Most characters of text the constructs may unfold to, counted over every string built (a
   * construct inside another is counted at each level, as it is built at each): past it,
   * PromptDocumentError. Each level of `$json` inside a `$json` escapes the quotes and
   * backslashes of the one inside again, so a few hundred bytes nested 30 deep would build
   * gigabytes; a caller decoding untrusted text sets this bound. Default: no bound.
   */
  maxChars?: number;
}

/**
 * Undoes the folding of a decoded document. Copies only the containers on the way to a construct
 * or an escaped key: a value that holds neither comes back as the same object.
 */
export function unfold(value: JsonValue, options: UnfoldOptions = {}): JsonValue {
  return new Unfolder(options.maxChars ?? Infinity).unfold(value);
}

class Unfolder {
  #left: number;

  constructor(private readonly maxChars: number) {
    this.#left = maxChars;
  }

  unfold(value: JsonValue): JsonValue {
    if (Array.isArray(value)) {
      let copy: JsonValue[] | undefined;
      for (let i = 0; i < value.length; i++) {
        const item = value[i]!;
        const unfolded = this.unfold(item);
        if (unfolded !== item && copy === undefined) copy = value.slice(0, i);
        copy?.push(unfolded);
      }
      return copy ?? value;
    }
    if (!isPlainObject(value)) return value;
    const keys = Object.keys(value);
    const only = keys.length === 1 ? keys[0]! : undefined;
    if (only !== undefined && RESERVED_KEY.test(only)) {
      const inner = value[only] as JsonValue;
      if (only.startsWith('$$')) {
        const out: { [key: string]: JsonValue } = {};
        setOwn(out, only.slice(1), this.unfold(inner));
        return out;
      }
      return this.#built(only === TEXT_KEY ? this.#text(inner) : formatJson(this.unfold(inner), layoutOf(only), true));
    }
    let copy: { [key: string]: JsonValue } | undefined;
    for (let i = 0; i < keys.length; i++) {
      const item = value[keys[i]!] as JsonValue;
      const unfolded = this.unfold(item);
      if (unfolded !== item && copy === undefined) {
        copy = {};
        for (let j = 0; j < i; j++) setOwn(copy, keys[j]!, value[keys[j]!]);
      }
      if (copy !== undefined) setOwn(copy, keys[i]!, unfolded);
    }
    return copy ?? value;
  }

  #text(parts: JsonValue): string {
    if (!Array.isArray(parts)) throw new PromptDocumentError(`${TEXT_KEY} must hold a list of strings and ${JSON_KEY} objects`);
    let out = '';
    for (const part of parts) {
      if (typeof part === 'string') out += part;
      else {
        const key = isPlainObject(part) ? Object.keys(part) : [];
        if (key.length !== 1 || !key[0]!.startsWith(JSON_KEY)) throw new PromptDocumentError(`a ${TEXT_KEY} part must be a string or a ${JSON_KEY} object`);
        out += this.#built(formatJson(this.unfold((part as Record<string, JsonValue>)[key[0]!]!), layoutOf(key[0]!), true));
      }
    }
    return out;
  }

  /** A string just built, counted against the bound. */
  #built(text: string): string {
    this.#left -= text.length;
    if (this.#left < 0) throw new PromptDocumentError(`its constructs unfold to more than ${this.maxChars} characters of text, the most this decoder builds`);
    return text;
  }
}

/** The layout a `$json…` key names. */
function layoutOf(key: string): JsonLayout {
  const code = key.slice(JSON_KEY.length);
  const layout = parseLayoutCode(code === '' ? '0' : code);
  if (!layout) throw new PromptDocumentError(`unknown JSON layout in "${key}": use ${JSON_KEY} or ${JSON_KEY} + indent width (1-8 or t) + optional s and a`);
  return layout;
}

function jsonKey(layout: JsonLayout): string {
  const code = layoutCode(layout);
  return code === '0' ? JSON_KEY : JSON_KEY + code;
}

/**
 * Folding a prompt's strings. Each string is folded on its own, and kept folded only when that
 * costs fewer tokens; where it then sits (a list item, a table cell written inline) can add a
 * little, so a fold that wins by less than that bound marks the document for a whole check.
 */
class Folder {
  count = 0;
  /** Characters unfolding the folds so far builds (see FoldEntry.chars). */
  chars = 0;
  /** A fold won by less than its context could add back: compare the whole document. */
  narrow = false;
  /** A key that looks like a construct was escaped (the document is not the value's plain KTOF). */
  escaped = false;
  readonly #maxDepth: number;

  constructor(
    private readonly options: PromptDocumentOptions,
    private readonly countTokens: TokenCounter,
    private readonly encodeOptions: EncodeOptions | undefined,
  ) {
    this.#maxDepth = options.maxDepth ?? encodeOptions?.maxDepth ?? DEFAULT_MAX_DEPTH;
  }

  fold(value: JsonValue, key: string, depth: number): JsonValue {
    if (typeof value === 'string') return this.#foldString(value, key, depth);
    return this.#walk(value, depth, (child, childKey, childDepth) => this.fold(child, childKey, childDepth));
  }

  #walk(value: JsonValue, depth: number, child: (value: JsonValue, key: string, depth: number) => JsonValue): JsonValue {
    if (Array.isArray(value)) return value.map((item) => child(item, '', depth + 1));
    if (!isPlainObject(value)) return value;
    const keys = Object.keys(value);
    const escape = keys.length === 1;
    const out: { [key: string]: JsonValue } = {};
    for (const key of keys) {
      const name = escape ? escapeKey(key) : key;
      if (name !== key) this.escaped = true;
      const folded = child(value[key] as JsonValue, key, depth + 1);
      setOwn(out, name, folded);
    }
    return out;
  }

  #foldString(text: string, key: string, depth: number): JsonValue {
    const guided = key !== '' && this.options.schemas !== undefined && Object.hasOwn(this.options.schemas, key);
    if (this.options.autoDetectJson === false && !guided) return text;
    if (text.search(/[[{]/) < 0) return text;
    const cache = guided ? undefined : this.options.foldCache;
    let entry = cache?.get(text);
    // Each bracket level adds at most three levels once folded ($text, its list, $json): a
    // remembered fold that fits below the bound here is the fold this string gets anywhere.
    if (entry === undefined || depth + 3 * (entry.brackets + 1) > this.#maxDepth) {
      // Nesting beyond the bound could not be folded anyway; not scanning it keeps hostile input
      // (JSON nested 100,000 deep in a message) from costing the parse attempts twice per request.
      const room = this.#maxDepth - depth - 3;
      const brackets = bracketDepth(text, room);
      if (brackets > room) return text;
      entry = { brackets, ...this.#fold(text, depth) };
      if (3 * (brackets + 1) <= room) cache?.set(text, entry);
    }
    if (entry.folded !== text) {
      this.count += entry.folds;
      this.chars += entry.chars;
      if (entry.narrow) this.narrow = true;
    }
    return entry.folded;
  }

  /**
   * The string's fold, or the string itself when it holds no JSON worth folding, with what the
   * fold brings to the document: the strings it folds (itself and those inside its JSON) and
   * whether any of them won narrowly. A fold that is not kept leaves the document's counts as
   * they were, so a string's effect is the same whether it is folded here or found in the cache.
   */
  #fold(text: string, depth: number): Omit<FoldEntry, 'brackets'> {
    const kept = { folded: text, narrow: false, folds: 0, chars: 0 };
    const candidates = (this.options.scan ?? findJson)(text);
    if (candidates.length === 0) return kept;
    const outer = { count: this.count, narrow: this.narrow, escaped: this.escaped, chars: this.chars };
    this.count = 0;
    this.narrow = false;
    this.chars = 0;
    const parts: JsonValue[] = [];
    let pos = 0;
    for (const candidate of candidates) {
      const span = jsonSpan(text, candidate);
      // The fold nests the value 1 ($json) or 3 ($text, list, $json) levels below this string.
      if (depth + (candidates.length === 1 && candidate.kind === 'whole' ? 1 : 3) + nesting(candidate.value, this.#maxDepth) > this.#maxDepth) continue;
      if (span.start > pos) parts.push(text.slice(pos, span.start));
      parts.push({ [jsonKey(candidate.layout)]: this.fold(candidate.value, '', depth + 2) });
      pos = span.end;
    }
    const inner = { folds: this.count, narrow: this.narrow, chars: this.chars };
    this.count = outer.count;
    this.narrow = outer.narrow;
    this.chars = outer.chars;
    if (parts.length === 0) return kept;
    if (pos < text.length) parts.push(text.slice(pos));
    const folded: JsonValue = parts.length === 1 && typeof parts[0] !== 'string' ? parts[0]! : { [TEXT_KEY]: parts };
    // Worth it only when the folded form costs fewer tokens than the string written as KTOF.
    const written = encode(folded, this.encodeOptions);
    const saved = this.countTokens(encode(text, this.encodeOptions)) - this.countTokens(written);
    if (saved <= 0) {
      this.escaped = outer.escaped; // keys escaped inside the JSON are not in the document
      return kept;
    }
    // Nested deeper, each line may cost a token of indentation more; written inline (a table
    // cell) the fold drops the quotes and escapes the string needed, less its few wrapper tokens.
    const chars = inner.chars + (parts.length === 1 ? text.length : 2 * text.length);
    return { folded, narrow: inner.narrow || saved <= lineCount(written) + CONTEXT_TOKENS, folds: inner.folds + 1, chars };
  }
}

/** What the `$text`/`$json` wrappers and their separators may cost in an inline position. */
const CONTEXT_TOKENS = 8;

function lineCount(text: string): number {
  let lines = 1;
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) lines++;
  return lines;
}

/** The span of the JSON text itself (a fenced candidate covers its fence lines too; they stay prose). */
function jsonSpan(text: string, candidate: JsonCandidate): { start: number; end: number } {
  if (candidate.kind !== 'fenced') return candidate;
  const open = text.indexOf('\n', candidate.start) + 1;
  return { start: open, end: candidate.end - 4 };
}

/** How deep `[`/`{` nest in a text (brackets in strings count too), counted up to just past `limit`. */
function bracketDepth(text: string, limit: number): number {
  let depth = 0;
  let deepest = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x7b || c === 0x5b) {
      if (++depth > deepest && (deepest = depth) > limit) return deepest;
    } else if ((c === 0x7d || c === 0x5d) && depth > 0) depth--;
  }
  return deepest;
}

/** Nesting depth of a value, counted up to `limit` (so a hostile value costs no more than that). */
function nesting(value: JsonValue, limit: number): number {
  let deepest = 0;
  const visit = (node: JsonValue, depth: number): void => {
    if (depth > deepest) deepest = depth;
    if (deepest > limit || node === null || typeof node !== 'object') return;
    for (const child of Array.isArray(node) ? node : Object.values(node)) visit(child as JsonValue, depth + 1);
  };
  visit(value, 0);
  return deepest;
}
