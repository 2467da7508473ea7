/**
 * Exact counting of long texts piece by piece. A growing conversation sends, on every request,
 * the previous request's text plus a turn: counted whole, each request pays again for all of
 * it. Cut into pieces at places that do not change the count, and cut at the same places
 * wherever two texts agree, the repeated pieces can be counted once and remembered.
 *
 * The tokenizers first split a text into pre-tokens with a regex, then merge bytes within each
 * pre-token only; so a count is the sum of the counts of the pieces exactly when every cut is a
 * pre-token boundary of the whole text AND each piece, counted alone, splits as it did inside
 * the whole. The patterns (gpt-tokenizer's o200k_base and cl100k_base, and the r50k-style
 * pattern in @anthropic-ai/tokenizer's claude.json) have no lookbehind, so the piece after a
 * boundary always splits as in the whole. The piece before it ends where the text used to go
 * on, which matters to `\s+(?!\S)`, `\s+$`, `\s*[\r\n]+` and to greedy runs; so we cut only
 * where no pattern can tell the end of the text from what followed.
 *
 * The one kind of cut: between an ASCII letter or digit and an ASCII punctuation character
 * other than the apostrophe (`name"`, `user:`, `42,`, `end.`, `x/`). Why it is safe in all
 * three patterns:
 * - The character before the cut is in a letter match (o200k's two letter alternatives,
 *   cl100k's `[^\r\n\p{L}\p{N}]?\p{L}+`, claude's ` ?\p{L}+`) or a digit match (`\p{N}{1,3}`,
 *   ` ?\p{N}+`). A digit group counts from the start of its run, so ending the text at the end
 *   of the run changes no group; no letter or digit alternative takes punctuation after its
 *   run except the contraction suffixes (`'s`, `'ll`, ...), hence no apostrophe. Punctuation
 *   and whitespace matches never hold a letter or digit. So the match ends at the cut both in
 *   the whole text and in the piece (where the end of the text stops the run just as the
 *   punctuation did), and no whitespace lookahead is involved: the piece ends in a letter.
 * - The character after the cut starts a match (punctuation run, or the optional leading
 *   non-letter of a word such as `"user`): the whole text has a boundary there.
 * - Claude's counter normalises to NFKC first. An ASCII character never composes with what
 *   precedes it and is unchanged by NFKC, so normalising the pieces and joining them gives the
 *   normalised whole, and the characters beside the cut stay ASCII letters and punctuation.
 * Property tests (test/pieces.test.ts) check count(text) === sum of count(pieces) for every
 * encoding on JSON, KTOF, prose, Unicode, apostrophes, slashes, digits and whitespace runs.
 * Cuts after newlines were left out: a whitespace run before a newline binds differently at the
 * end of a text in claude's pattern (`\s+(?!\S)`), and the one kind above is common enough in
 * JSON and KTOF.
 *
 * Where to cut is content-defined: a rolling (gear) hash of the last 32 characters arms the cut
 * when its high bits are zero, and the next safe place after that is cut. So two texts cut the
 * same way wherever they agree, and a change early on (a count in a header) stops mattering a
 * few pieces later (the hash sees only the last 32 characters; only MIN_PIECE ties a cut to the
 * one before it). Pieces are at least MIN_PIECE characters; after MAX_PIECE characters the
 * next safe place is cut whatever the hash says.
 *
 * With the long-run guard (long-runs.ts), which counters apply to each text they are given:
 * a piece never ends inside a run of letters or of punctuation (it ends with a letter or digit
 * followed by punctuation), so the guard cuts the pieces exactly where it cuts the whole text,
 * and a guarded count of the pieces sums to the guarded count of the whole.
 */

/**
 * Pieces shorter than this are not cut off (a cache entry per few characters costs more than it
 * saves). Pieces are small because the first and the last piece of a text are the ones that
 * change (a header's count, the new turn): the smaller they are, the less is counted again.
 */
export const MIN_PIECE = 128;
/** Past this many characters the next safe place is cut, hash or not. */
export const MAX_PIECE = 4 * 1024;
/**
 * A hash arms the cut when these bits are zero: about one place in 256, so pieces are about
 * 400 characters on average. The high bits, as each of them depends on the last 24 to 32
 * characters (the low bit on the last one only).
 */
const HASH_MASK = 0xff000000 | 0;
/** Characters the hash depends on (its 32 bits shift one place per character). */
const HASH_WINDOW = 32;

/** Gear table: a fixed pseudo-random 32-bit value per byte (xorshift from a constant seed). */
const GEAR = (() => {
  const table = new Int32Array(256);
  let x = 0x9e3779b9 | 0;
  for (let i = 0; i < 256; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    table[i] = x;
  }
  return table;
})();

/** ASCII letter or digit. */
function isAsciiWordChar(c: number): boolean {
  return (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a);
}

/** ASCII punctuation but the apostrophe: !"#$%&()*+,-./:;<=>?@[\]^_`{|}~ */
function isCutPunctuation(c: number): boolean {
  return c >= 0x21 && c <= 0x7e && c !== 0x27 && !isAsciiWordChar(c);
}

/** True when a cut between `text[at - 1]` and `text[at]` keeps every encoding's count exact (see above). */
export function isSafeCut(text: string, at: number): boolean {
  return at > 0 && safeBetween(text.charCodeAt(at - 1), text.charCodeAt(at));
}

/** The cut rule on the two characters beside the cut: an ASCII letter or digit, then punctuation. */
function safeBetween(before: number, after: number): boolean {
  return isAsciiWordChar(before) && isCutPunctuation(after);
}

/**
 * Where to cut `text` so that each encoding's count of it is the sum of the counts of the
 * pieces (see above): ascending positions strictly inside the text, empty when it is not cut.
 */
export function pieceCuts(text: string): number[] {
  const cuts: number[] = [];
  const length = text.length;
  let last = 0;
  // The hash at i covers the characters before i; only its last 32 count, so each piece starts
  // hashing 32 characters before it may first be cut (the same hash as hashing all along).
  let i = MIN_PIECE - HASH_WINDOW;
  let hash = 0;
  while (i < length) {
    hash = ((hash << 1) + GEAR[text.charCodeAt(i) & 0xff]!) | 0;
    i++;
    if (i - last < MIN_PIECE || ((hash & HASH_MASK) !== 0 && i - last < MAX_PIECE)) continue;
    // Armed: cut at the next safe place.
    let prev = text.charCodeAt(i - 1);
    for (; i < length; i++) {
      const next = text.charCodeAt(i);
      if (safeBetween(prev, next)) break;
      prev = next;
    }
    if (i >= length) break;
    cuts.push(i);
    last = i;
    i += MIN_PIECE - HASH_WINDOW;
    hash = 0;
  }
  return cuts;
}

/** `text` cut at pieceCuts(text): the pieces, in order, that join back to it. */
export function splitIntoPieces(text: string): string[] {
  const pieces: string[] = [];
  let from = 0;
  for (const cut of pieceCuts(text)) {
    pieces.push(text.slice(from, cut));
    from = cut;
  }
  pieces.push(text.slice(from));
  return pieces;
}
