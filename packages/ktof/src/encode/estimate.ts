import { LF, SPACE } from '../shared/chars.js';

const enum C { Other = 0, Word = 1, Digit = 2, Space = 3, Newline = 4, Punct = 5 }

/** Character classes for ASCII, looked up instead of compared. */
const CLASS = new Uint8Array(128);
for (let c = 0; c < 128; c++) {
  CLASS[c] = (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95 ? C.Word
    : c >= 48 && c <= 57 ? C.Digit
      : c === SPACE ? C.Space
        : c === LF ? C.Newline
          : c > SPACE && c < 127 ? C.Punct : C.Other;
}

function classOf(c: number): number {
  return c < 128 ? (CLASS[c] as number) : c < 0x2000 ? C.Word : C.Other;
}

/**
 * Cheap token estimate shaped after BPE tokenizers like o200k: a word (with its leading space)
 * is one token, long words and digit runs split, runs of one punctuation mark merge by about
 * four (`,,,,`) and mixed marks by up to three (`":"`, `},{`), a line break and its indentation
 * cost one token each. The encoder prices keys with it (once per key string); layouts are
 * priced by the structural model in cost.ts. Pass `countTokens` to `encode` for exact counts.
 */
export function estimateTokens(s: string): number {
  const n = s.length;
  let tokens = 0;
  let i = 0;
  while (i < n) {
    const c = s.charCodeAt(i);
    const k = classOf(c);
    let j = i + 1;
    if (k === C.Word) {
      while (j < n && classOf(s.charCodeAt(j)) === C.Word) j++;
      tokens += 1 + ((j - i) >> 3);
    } else if (k === C.Digit) {
      while (j < n && classOf(s.charCodeAt(j)) === C.Digit) j++;
      tokens += ((j - i + 2) / 3) | 0;
    } else if (k === C.Space) {
      while (j < n && s.charCodeAt(j) === SPACE) j++;
      // a single space before a word joins that word's token
      if (j - i > 1 || j >= n || classOf(s.charCodeAt(j)) !== C.Word) tokens++;
    } else if (k === C.Punct) {
      while (j < n && s.charCodeAt(j) === c) j++;
      if (j - i > 2) tokens += (j - i + 3) >> 2;
      else {
        j = i + 1;
        while (j < n && j - i < 3 && classOf(s.charCodeAt(j)) === C.Punct) j++;
        tokens++;
      }
    } else if (c >= 0xd800 && c <= 0xdbff) {
      tokens += 2;
      j = i + 2;
    } else {
      tokens += c < 0x3000 && c >= 128 ? 0.5 : 1;
    }
    i = j;
  }
  return tokens;
}

/**
 * At most how many of the tokens the structural model (cost.ts) counts in relaxed inline JSON
 * (`{id:1,tags:[a,b]}`) BPE tokenizers such as o200k and cl100k merge away: a closing bracket
 * joins the `,` or bracket after it (`},{`, `}]`, `]}`), and a `,` or `{` may join the word after
 * it (`,status` is one token, `, created` two: about half of them do). The model counts each
 * mark on its own; this counts every merge that could happen.
 */
export function inlineMerges(s: string): number {
  const counter = new MergeCounter();
  counter.text(s);
  return counter.merges;
}

/**
 * inlineMerges of a text fed in pieces: each merge joins two neighbouring characters, so the
 * count of a text is the counts of its pieces plus the merges where they meet. A container's
 * inline text holds its children's; counting it from its own pieces and its children's counts
 * (Format.inlineMerges) reads each character of a document once, however deep the nesting.
 */
export class MergeCounter {
  merges = 0;
  /** The last character fed, or -1. */
  private last = -1;

  /** Feeds `s`. */
  text(s: string): void {
    if (s.length === 0) return;
    let c = this.last;
    if (MERGING.test(s)) {
      for (let i = 0; i < s.length; i++) {
        const next = s.charCodeAt(i);
        if (c >= 0) this.merges += mergeOf(c, next);
        c = next;
      }
    } else {
      // Only the pair with the character before `s` can merge (a value after `,`): most strings.
      if (c >= 0) this.merges += mergeOf(c, s.charCodeAt(0));
      c = s.charCodeAt(s.length - 1);
    }
    this.last = c;
  }

  /** Feeds the text of a nested container, `merges` of them inside it, that begins with `open` and ends with `close`. */
  nested(open: number, merges: number, close: number): void {
    if (this.last >= 0) this.merges += mergeOf(this.last, open);
    this.merges += merges;
    this.last = close;
  }
}

/** The characters a merge can start with (see mergeOf). */
const MERGING = /[,{}\]]/;

/** 1 when a tokenizer may merge `c` with the `next` character (see inlineMerges), else 0. */
function mergeOf(c: number, next: number): number {
  if (c === COMMA || c === OPEN_BRACE) return classOf(next) === C.Word ? 1 : 0;
  return (c === CLOSE_BRACE || c === CLOSE_BRACKET) && (next === COMMA || next === CLOSE_BRACE || next === CLOSE_BRACKET) ? 1 : 0;
}

const COMMA = 44;
export const OPEN_BRACE = 123;
export const CLOSE_BRACE = 125;
export const OPEN_BRACKET = 91;
export const CLOSE_BRACKET = 93;
