/**
 * Keeps token counting linear. The tokenizers split text into pre-tokens and merge each one
 * with byte-pair encoding, which takes time quadratic in the pre-token's length; an unbroken run
 * of letters (or of punctuation) is one pre-token. 16 K characters of "x", or of Chinese without
 * punctuation, took 0.2 to 1.4 s to count, and 100 K took 7 s: one request could stall a server.
 *
 * So a text holding such a run is counted in pieces cut inside every run longer than MAX_RUN.
 * A text without one (ordinary prose, code, JSON, base64, URLs) is counted whole, exactly as
 * before; a text with one may be off by a few tokens per cut (at most two seen), as merges
 * across a cut are lost.
 */
import type { Counter } from './types.js';

/** Longest run of letters, or of punctuation, counted as one piece. */
export const MAX_RUN = 256;

const LETTER = /[\p{L}\p{M}]/u;
const NUMBER_OR_SPACE = /[\p{N}\s]/u;

/** Whitespace and digits: the pre-tokenizers break runs of them into short pieces. */
const BREAKING = 0;
const LETTERS = 1;
const PUNCTUATION = 2;

/** Kinds of the non-ASCII code points met so far (Unicode property tests are slow per character). */
const knownKinds = new Map<number, number>();

function kindOf(code: number): number {
  if (code < 0x80) {
    if ((code >= 0x61 && code <= 0x7a) || (code >= 0x41 && code <= 0x5a)) return LETTERS;
    if (breaksRuns(code)) return BREAKING;
    return PUNCTUATION;
  }
  if (code >= 0x4e00 && code <= 0x9fff) return LETTERS; // CJK ideographs, the common case
  let kind = knownKinds.get(code);
  if (kind === undefined) {
    const char = String.fromCodePoint(code);
    kind = LETTER.test(char) ? LETTERS : NUMBER_OR_SPACE.test(char) ? BREAKING : PUNCTUATION;
    if (knownKinds.size < 65_536) knownKinds.set(code, kind);
  }
  return kind;
}

/** Whitespace or an ASCII digit: where the pre-tokenizers always end a run of letters or punctuation. */
function breaksRuns(c: number): boolean {
  return c <= 0x20 ? c === 0x20 || (c >= 0x09 && c <= 0x0d) : c >= 0x30 && c <= 0x39;
}

/**
 * True when `text` has more than MAX_RUN characters in a row that are neither whitespace nor
 * an ASCII digit. No pre-token is longer than such a stretch, so a text without one (nearly
 * every text) needs no closer look. A stretch that long covers two of the positions 0, STEP,
 * 2·STEP, ..., so only the stretches through those positions are measured.
 */
function hasLongStretch(text: string): boolean {
  const STEP = MAX_RUN >> 1;
  for (let p = 0; p < text.length; p += STEP) {
    if (breaksRuns(text.charCodeAt(p))) continue;
    let start = p;
    while (start > 0 && p - start <= MAX_RUN && !breaksRuns(text.charCodeAt(start - 1))) start--;
    let end = p + 1;
    while (end < text.length && end - start <= MAX_RUN && !breaksRuns(text.charCodeAt(end))) end++;
    if (end - start > MAX_RUN) return true;
  }
  return false;
}

/** Where to cut `text` so that no piece holds a run longer than MAX_RUN; undefined when none is. */
export function longRunCuts(text: string): number[] | undefined {
  if (!hasLongStretch(text)) return undefined;
  let cuts: number[] | undefined;
  let kind = BREAKING;
  let run = 0;
  for (let i = 0; i < text.length; ) {
    const code = text.codePointAt(i)!;
    const width = code > 0xffff ? 2 : 1;
    const next = kindOf(code);
    if (next === BREAKING || next !== kind) run = 0;
    kind = next;
    if (next !== BREAKING && ++run > MAX_RUN) {
      (cuts ??= []).push(i);
      run = 1;
    }
    i += width;
  }
  return cuts;
}

/** `count`, with texts holding over-long runs counted piece by piece (see above). */
export function boundLongRuns(count: Counter): Counter {
  return (text) => {
    // Runs over MAX_RUN need more characters than that: short texts skip the scan.
    const cuts = text.length > MAX_RUN ? longRunCuts(text) : undefined;
    if (cuts === undefined) return count(text);
    let total = 0;
    let from = 0;
    for (const cut of cuts) {
      total += count(text.slice(from, cut));
      from = cut;
    }
    return total + count(text.slice(from));
  };
}
