import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { sampledCounter, tokenCounter } from '../src/index.js';

describe('sampledCounter', () => {
  it('counts texts up to the sample size exactly', async () => {
    const count = await tokenCounter('gpt-4o');
    const sampled = sampledCounter(count, { sampleChars: 4096 });
    fc.assert(fc.property(fc.string({ unit: 'grapheme', maxLength: 4096 }), (text) => sampled(text) === count(text)));
  });

  it('reads only the sample of a long text', () => {
    let read = 0;
    const sampled = sampledCounter((text) => ((read += text.length), text.length / 4), { sampleChars: 32_768, windows: 16 });
    expect(sampled('a'.repeat(1_000_000))).toBe(250_000);
    expect(read).toBe(32_768);
  });

  it('property: on long JSON of records, within 3% of the exact count', async () => {
    const count = await tokenCounter('gpt-4o');
    const sampled = sampledCounter(count);
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
        const records = Array.from({ length: 1_500 }, (_, i) => ({ ...rows[i % rows.length]!, id: i }));
        const text = JSON.stringify(records);
        const exact = count(text);
        expect(Math.abs(sampled(text) - exact) / exact).toBeLessThan(0.03);
      }),
      { numRuns: 8 },
    );
  });
});
