import { LF, SPACE } from '../shared/chars.js';

/**
 * Cheap token estimate shaped after BPE tokenizers like o200k: a word (with its leading space)
 * is one token, long words and digit runs split, short punctuation runs (`":"`, `],[`) merge,
 * a line break and its indentation cost one token each. Used to choose between encodings of
 * the same data, where the biases mostly cancel; pass `countTokens` for exact counts.
 */
export function estimateTokens(s: string): number {
  const n = s.length;
  let tokens = 0;
  let i = 0;
  while (i < n) {
    const c = s.charCodeAt(i);
    if (isWordChar(c)) {
      let j = i + 1;
      while (j < n && isWordChar(s.charCodeAt(j))) j++;
      tokens += 1 + (((j - i) / 8) | 0);
      i = j;
    } else if (c >= 48 && c <= 57) {
      let j = i + 1;
      while (j < n && (s.charCodeAt(j) >= 48 && s.charCodeAt(j) <= 57)) j++;
      tokens += ((j - i + 2) / 3) | 0;
      i = j;
    } else if (c === SPACE) {
      let j = i + 1;
      while (j < n && s.charCodeAt(j) === SPACE) j++;
      // a single space before a word joins that word's token
      if (j - i > 1 || j >= n || !isWordChar(s.charCodeAt(j))) tokens++;
      i = j;
    } else if (c === LF) {
      tokens++;
      i++;
    } else if (c < 128) {
      // runs of one mark merge by about four (`,,,,`); mixed marks by up to three (`":"`, `},{`)
      let j = i + 1;
      while (j < n && s.charCodeAt(j) === c) j++;
      if (j - i > 2) {
        tokens += Math.ceil((j - i) / 4);
      } else {
        j = i + 1;
        while (j < n && j - i < 3 && isPunct(s.charCodeAt(j))) j++;
        tokens++;
      }
      i = j;
    } else if (c >= 0xd800 && c <= 0xdbff) {
      tokens += 2;
      i += 2;
    } else {
      tokens += c < 0x3000 ? 0.5 : 1;
      i++;
    }
  }
  return tokens;
}

function isWordChar(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95 || (c >= 0xc0 && c < 0x2000);
}

function isPunct(c: number): boolean {
  return c > SPACE && c < 128 && !isWordChar(c) && !(c >= 48 && c <= 57);
}
