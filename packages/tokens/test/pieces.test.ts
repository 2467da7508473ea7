import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { countTokens as o200k } from 'gpt-tokenizer/encoding/o200k_base';
import { countTokens as cl100k } from 'gpt-tokenizer/encoding/cl100k_base';
import { getTokenizer } from '@anthropic-ai/tokenizer';
import { encode as ktof } from '@kaizen/ktof';
import { isSafeCut, MAX_PIECE, MIN_PIECE, pieceCuts, splitIntoPieces, tokenCounter } from '../src/index.js';
import type { Counter } from '../src/types.js';

const asText = { allowedSpecial: new Set<string>(), disallowedSpecial: new Set<string>() };
const claude = getTokenizer();
/** The tokenizers themselves, as tokenizers.ts calls them (no long-run guard). */
const raw: Record<string, Counter> = {
  o200k_base: (text) => o200k(text, asText),
  cl100k_base: (text) => cl100k(text, asText),
  claude: (text) => claude.encode(text.normalize('NFKC'), [], []).length,
};

/** `text` cut at every safe place, not only where pieceCuts would: the strongest check of the cut rule. */
function cutEverywhere(text: string): string[] {
  const pieces: string[] = [];
  let from = 0;
  for (let at = 1; at < text.length; at++) {
    if (isSafeCut(text, at)) {
      pieces.push(text.slice(from, at));
      from = at;
    }
  }
  pieces.push(text.slice(from));
  return pieces;
}

const sum = (count: Counter, pieces: readonly string[]): number => pieces.reduce((total, piece) => total + count(piece), 0);

/** The characters the pre-tokenizer patterns treat specially, and text that mixes them. */
const tricky = fc.constantFrom(
  "'s", "'t", "'re", "'ve", "'m", "'ll", "'d", "'S", "'LL", "n't", "'", "''", '`', '"', '\\n', '\\"',
  '/', '//', '/\n', ':/', '\n', '\r\n', '\r', '\n\n', '\n\n\n', ' \n', '  \n  ', '\t', '  ', '   ', ' ', '\u00a0', '\u3000',
  '1', '12', '123', '1234', '12345', '1,234.5', '-0.5e10', '٣٤٥', '²', 'Ⅻ',
  'é', 'e\u0301', 'É', 'Ａ', 'ﬁ', 'ͺ', 'ǅ', 'İ', 'ß', 'ʰ', '我们', 'カタカナ', 'ㄱ', '한국어', 'ا', '😀', '👩‍👩‍👧', '🇫🇷',
  '<|endoftext|>', '<|im_start|>', '<EOT>', '<META>', 'http://x.y/z?a=1&b=2', '...', '!!', '?!', '—', '…', '->', '=>', '{}', '[]', '(', ')', ',', '.', ':', ';', '_', '-', '#', '@',
);
const word = fc.constantFrom('the', 'The', 'HTTPServer', 'userId', 'x', 'ok', 'A', 'ID', 'don', 'it', 'CamelCase', 'snake_case', 'abc123', 'v2', 'role', 'user', 'content');
/** One line of KTOF-like text: keys, list items, tabular rows, indentation. */
const ktofLine = fc
  .tuple(fc.constantFrom('', '  ', '    ', '- ', '  - '), word, fc.constantFrom(': ', '[3]{a,b}:', ': "', ',', '|'), fc.oneof(word, fc.integer().map(String), fc.constant('')), fc.constantFrom('\n', '\n\n', '"\n', ''))
  .map((parts) => parts.join(''));
const fragment = fc.oneof(
  { weight: 4, arbitrary: tricky },
  { weight: 4, arbitrary: word },
  { weight: 2, arbitrary: ktofLine },
  { weight: 1, arbitrary: fc.json({ maxDepth: 2 }) },
  { weight: 1, arbitrary: fc.lorem({ maxCount: 5 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 12 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 6 }) },
  { weight: 1, arbitrary: fc.string({ unit: fc.constantFrom(' ', '\n', '\t', '\r', 'a', '1', "'", '/', '.', ':', '"'), maxLength: 12 }) },
);
const mixedText = fc.array(fragment, { maxLength: 60 }).map((parts) => parts.join(''));

describe('cutting texts into pieces that count exactly', () => {
  it('property: for every encoding, a text cut at every safe place counts as the sum of its pieces', () => {
    fc.assert(
      fc.property(mixedText, (text) => {
        const pieces = cutEverywhere(text);
        expect(pieces.join('')).toBe(text);
        for (const [encoding, count] of Object.entries(raw)) expect([encoding, sum(count, pieces)]).toEqual([encoding, count(text)]);
      }),
      { numRuns: 1500 },
    );
  });

  it('property: the same holds for compact JSON and for multi-line KTOF of generated values', () => {
    const value = fc.jsonValue({ maxDepth: 4 });
    fc.assert(
      fc.property(value, fc.boolean(), (data, asKtof) => {
        const text = asKtof ? ktof(data as never) : JSON.stringify(data);
        const pieces = cutEverywhere(text);
        for (const [encoding, count] of Object.entries(raw)) expect([encoding, sum(count, pieces)]).toEqual([encoding, count(text)]);
      }),
      { numRuns: 600 },
    );
  });

  it('property: the counters of the package (long-run guard included) count pieceCuts pieces exactly, over-long runs too', async () => {
    const counters = await Promise.all(['gpt-4o', 'gpt-4', 'claude-3-5-sonnet'].map((model) => tokenCounter(model)));
    const longRun = fc.constantFrom('x'.repeat(700), '我'.repeat(400), '-'.repeat(600), 'ab'.repeat(300) + '"');
    const long = fc.array(fc.oneof({ weight: 20, arbitrary: fragment }, { weight: 1, arbitrary: longRun }), { minLength: 100, maxLength: 400 }).map((parts) => parts.join(''));
    fc.assert(
      fc.property(long, (text) => {
        const pieces = splitIntoPieces(text);
        for (const count of counters) expect(sum(count, pieces)).toBe(count(text));
      }),
      { numRuns: 60 },
    );
  });

  it('property: pieces are MIN_PIECE characters or more (but the last), every cut is safe, and a shared prefix is cut the same way', () => {
    const long = fc.array(fragment, { minLength: 50, maxLength: 500 }).map((parts) => parts.join(''));
    fc.assert(
      fc.property(long, long, (text, tail) => {
        const cuts = pieceCuts(text);
        let from = 0;
        for (const cut of cuts) {
          expect(isSafeCut(text, cut)).toBe(true);
          expect(cut - from).toBeGreaterThanOrEqual(MIN_PIECE);
          from = cut;
        }
        // Cuts depend only on what comes before them: a longer text keeps them all.
        const longer = pieceCuts(text + tail);
        expect(longer.slice(0, cuts.length)).toEqual(cuts);
      }),
      { numRuns: 200 },
    );
  });

  it('cuts long JSON every few hundred characters, and resynchronises after an early change', () => {
    const records = Array.from({ length: 400 }, (_, i) => ({ role: i % 2 ? 'assistant' : 'user', content: `Message ${i} about order ${i * 37}: shipped, paid.` }));
    const text = JSON.stringify({ messages: records });
    const pieces = splitIntoPieces(text);
    const average = text.length / pieces.length;
    expect(average).toBeGreaterThan(MIN_PIECE);
    expect(average).toBeLessThan(1024);
    expect(Math.max(...pieces.slice(0, -1).map((p) => p.length))).toBeLessThanOrEqual(MAX_PIECE + 64);
    // A change near the start (a count in a header) leaves the pieces after the first few as they were.
    const edited = new Set(splitIntoPieces(JSON.stringify({ count: 401, messages: records })));
    const shared = pieces.filter((piece) => edited.has(piece)).length;
    expect(shared).toBeGreaterThan(pieces.length - 4);
  });

  it('leaves a text without a safe place whole', () => {
    const text = 'word '.repeat(2000);
    expect(pieceCuts(text)).toEqual([]);
    expect(splitIntoPieces(text)).toEqual([text]);
  });
});
