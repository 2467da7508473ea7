import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { countTokens as o200k } from 'gpt-tokenizer/encoding/o200k_base';
import { tokenCounter } from '../src/index.js';
import { longRunCuts, MAX_RUN } from '../src/long-runs.js';

const asText = { allowedSpecial: new Set<string>(), disallowedSpecial: new Set<string>() };
const letters = fc.string({ unit: fc.constantFrom('a', 'b', 'x', 'é', '我', '们'), minLength: MAX_RUN + 1, maxLength: 3 * MAX_RUN });
const punctuation = fc.string({ unit: fc.constantFrom('-', '=', '.', '…'), minLength: MAX_RUN + 1, maxLength: 3 * MAX_RUN });
/** Ordinary text around one over-long run. */
const withLongRun = fc.tuple(fc.string({ maxLength: 80 }), fc.oneof(letters, punctuation), fc.string({ maxLength: 80 })).map((parts) => parts.join(' '));

/** The longest run of one kind (letters, or punctuation) in `text`, as longRunCuts sees kinds. */
function longestRun(text: string): number {
  let longest = 0;
  let run = 0;
  let kind = '';
  for (const char of text) {
    const next = /[\p{L}\p{M}]/u.test(char) ? 'letter' : /[\p{N}\s]/u.test(char) ? '' : 'punct';
    run = next === '' ? 0 : next === kind ? run + 1 : 1;
    kind = next;
    longest = Math.max(longest, run);
  }
  return longest;
}

describe('counting texts with over-long runs', () => {
  it('property: a text without a run over MAX_RUN is counted whole, exactly as the tokenizer counts it', async () => {
    const count = await tokenCounter('gpt-4o');
    fc.assert(
      fc.property(fc.oneof(fc.string({ maxLength: 2000 }), fc.string({ unit: 'grapheme', maxLength: 600 }), fc.json()), (text) => {
        fc.pre(longestRun(text) <= MAX_RUN);
        expect(longRunCuts(text)).toBeUndefined();
        expect(count(text)).toBe(o200k(text, asText));
      }),
      { numRuns: 300 },
    );
  });

  it('property: cuts leave no run over MAX_RUN, and the count stays within a few tokens per cut', async () => {
    const count = await tokenCounter('gpt-4o');
    fc.assert(
      fc.property(withLongRun, (text) => {
        const cuts = longRunCuts(text)!;
        expect(cuts.length).toBeGreaterThan(0);
        const bounds = [0, ...cuts, text.length];
        for (let i = 1; i < bounds.length; i++) {
          expect(bounds[i]!).toBeGreaterThan(bounds[i - 1]!);
          expect(longestRun(text.slice(bounds[i - 1], bounds[i]))).toBeLessThanOrEqual(MAX_RUN);
        }
        // A merge lost at a cut changes the count near it only (at most two tokens seen per cut).
        expect(Math.abs(count(text) - o200k(text, asText))).toBeLessThanOrEqual(3 * cuts.length);
      }),
      { numRuns: 60 },
    );
  });

  it('counts a megabyte of one letter, or of Chinese without punctuation, in every family', async () => {
    // Whole, these take hours (byte-pair merging is quadratic in the run's length).
    const texts = ['x'.repeat(1_000_000), '我们今天讨论一下这个问题的解决方案'.repeat(20_000)];
    for (const model of ['gpt-4o', 'gpt-4', 'claude-3-5-sonnet']) {
      const count = await tokenCounter(model);
      for (const text of texts) expect(count(text)).toBeGreaterThan(text.length / 100);
    }
  });
});
