/**
 * A tokenizer-free token estimate, used for the "never grow" check when the caller injects no
 * real counter. It follows the shape of BPE pre-tokenisation (words, digit groups, punctuation
 * runs, whitespace) and errs high on punctuation, which is where JSON and KTOF differ.
 */
export type TokenCounter = (text: string) => number;

const PIECES = /[A-Za-z]+|[0-9]{1,3}|[ \t]*\n[ \t]*|[ \t]+|[^A-Za-z0-9\s]/g;

export const estimateTokens: TokenCounter = (text) => {
  let count = 0;
  for (const match of text.matchAll(PIECES)) {
    const piece = match[0];
    const c = piece.charCodeAt(0);
    const isLetter = (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a);
    if (isLetter) count += Math.ceil(piece.length / 6);
    else if (c === 0x20 && piece.length === 1) continue; // a single space joins the next word
    else count += 1;
  }
  return count;
};
