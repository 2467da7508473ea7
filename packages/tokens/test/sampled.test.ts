import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { countSampled, tokenCounter } from '../src/index.js';

describe('countSampled', () => {
  it('property: texts adding up to the sample size are counted exactly', async () => {
    const count = await tokenCounter('gpt-4o');
    fc.assert(
      fc.property(fc.array(fc.string({ unit: 'grapheme', maxLength: 300 }), { maxLength: 12 }), (texts) => {
        const exact = texts.reduce((n, text) => n + count(text), 0);
        expect(countSampled(count, texts, { sampleChars: 4096 })).toBe(exact);
      }),
    );
  });

  it('property: reads at most the sample size, however the characters are split into texts', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 5_000 }), { minLength: 1, maxLength: 400 }), fc.integer({ min: 1, max: 32 }), (lengths, windows) => {
        const texts = lengths.map((n) => 'ab '.repeat(Math.ceil(n / 3)).slice(0, n));
        const total = lengths.reduce((a, b) => a + b, 0);
        let read = 0;
        const tokens = countSampled((text) => ((read += text.length), text.length / 3), texts, { sampleChars: 2_048, windows });
        expect(read).toBeLessThanOrEqual(Math.max(2_048 + windows, total <= 2_048 ? total : 0));
        expect(Math.abs(tokens - total / 3)).toBeLessThanOrEqual(1);
      }),
    );
  });

  it('property: on long JSON of records, as one text or as thousands, within 3% of the exact count', async () => {
    const count = await tokenCounter('gpt-4o');
    const row = fc.record({
      id: fc.integer(),
      name: fc.string({ minLength: 1, maxLength: 24 }),
      score: fc.double({ noNaN: true, noDefaultInfinity: true }),
      tags: fc.array(fc.constantFrom('red', 'green', 'blue', 'urgent', 'later'), { maxLength: 4 }),
      note: fc.lorem({ maxCount: 12 }),
      blob: fc.option(fc.base64String({ minLength: 8, maxLength: 64 })),
    });
    fc.assert(
      fc.property(fc.array(row, { minLength: 20, maxLength: 20 }), (rows) => {
        // Long texts of one shape, as real payloads are: the rows repeated with their ids varied.
        const records = Array.from({ length: 1_500 }, (_, i) => JSON.stringify({ ...rows[i % rows.length]!, id: i }));
        for (const texts of [[`[${records.join(',')}]`], records]) {
          const exact = texts.reduce((n, text) => n + count(text), 0);
          expect(Math.abs(countSampled(count, texts) - exact) / exact).toBeLessThan(0.03);
        }
      }),
      { numRuns: 6 },
    );
  });
});
