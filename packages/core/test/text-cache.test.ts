import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { TextCache } from '../src/text-cache.js';

describe('TextCache', () => {
  it('forgets the oldest strings once over its character budget and never keeps an outsized one', () => {
    const cache = new TextCache<number>(160);
    cache.set('a'.repeat(10), 1);
    cache.set('b'.repeat(10), 2, 5);
    expect(cache.get('a'.repeat(10))).toBe(1);
    cache.set('c'.repeat(11), 3); // over a sixteenth of 160: not kept
    expect(cache.get('c'.repeat(11))).toBeUndefined();
    for (let i = 0; i < 20; i++) cache.set(`key-${String(i).padStart(4, '0')}`, i); // 8 chars each
    expect(cache.get('a'.repeat(10))).toBeUndefined();
    expect(cache.get('key-0019')).toBe(19);
  });

  it('property: holds at most its budget, keeps the newest string, and answers only what was set for a string', () => {
    const valueOf = (text: string) => `value of ${text}`;
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.string({ maxLength: 12 }), fc.nat({ max: 6 })), { minLength: 1, maxLength: 200 }), (writes) => {
        const cache = new TextCache<string>(200);
        for (const [text, extra] of writes) cache.set(text, valueOf(text), extra);
        let chars = 0;
        for (const text of new Set(writes.map(([text]) => text))) {
          const found = cache.get(text);
          if (found === undefined) continue;
          expect(found).toBe(valueOf(text));
          chars += text.length;
        }
        expect(chars).toBeLessThanOrEqual(200);
        const [last, extra] = writes.at(-1)!;
        if (last.length + extra <= 200 / 16) expect(cache.get(last)).toBe(valueOf(last));
      }),
    );
  });
});
