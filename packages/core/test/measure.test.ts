import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { encode, KtofNumber, RawJson, stringifyJson } from '@kaizen/ktof';
import { tokenCounter } from '@kaizen/tokens';
import { jsonByteLength, loadCounters, measure, PIECEWISE_CHARS, portableUtf8Length, utf8Length } from '../src/measure.js';

const written = (value: unknown): number => utf8Length(stringifyJson(value) ?? '');

/** Strings of any UTF-16 code units: lone surrogates, control characters, quotes and backslashes. */
const anyString = fc.string({ unit: fc.oneof(fc.constantFrom('"', '\\', '\n', '\u0000', '\u001f', '\u007f', '\ud800', '\udfff', '😀', 'é', '東'), fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c))) });

/** JSON values plus what JSON.stringify writes its own way: undefined and functions inside containers, -0, NaN, exact numbers, toJSON. */
const odd = fc.constantFrom<unknown>(undefined, () => 1, -0, Number.NaN, Number.POSITIVE_INFINITY, new KtofNumber('12345678901234567890'), new Date(0), new RawJson('[1, 2]'), 2n ** 70n, 1e21, 1.5e-7, -42);
const values = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.oneof(anyString, fc.double(), fc.integer(), fc.boolean(), fc.constant(null), odd),
    fc.array(tie('value'), { maxLength: 5 }),
    fc.dictionary(anyString, tie('value'), { maxKeys: 5 }),
  ),
}));

describe('jsonByteLength', () => {
  it('counts the UTF-8 bytes stringifyJson writes, whatever the value (property)', () => {
    fc.assert(
      fc.property(values.value, (value) => {
        fc.pre(value !== undefined && typeof value !== 'function');
        expect(jsonByteLength(value)).toBe(written(value));
      }),
    );
  });

  it('counts escapes, surrogate pairs, lone surrogates and null-prototype objects', () => {
    const record = Object.assign(Object.create(null) as Record<string, unknown>, { 'k"\\': 'a\u0001\b\t\n\f\r', pair: '😀', lone: '\ud83d', skipped: undefined });
    for (const value of [record, ['x', undefined, () => 0], { n: -0 }, [0, -1, 10, 99, 100, 9007199254740991, -9007199254740991, 0.1, 1e300]]) {
      expect(jsonByteLength(value)).toBe(written(value));
    }
  });
});

describe('portableUtf8Length', () => {
  it('equals TextEncoder on any UTF-16 text, lone surrogates included (property)', () => {
    fc.assert(
      fc.property(anyString, (text) => {
        expect(portableUtf8Length(text)).toBe(new TextEncoder().encode(text).length);
      }),
    );
  });
});

describe('token counts of long texts, piece by piece', () => {
  const MODELS = ['gpt-4o-mini', 'gpt-4', 'claude-3-5-haiku'];
  /** A conversation's JSON and KTOF after `turns` turns, each turn adding a message with records. */
  const conversation = (turns: number, seed: number) => {
    const messages = [{ role: 'system', content: `You are agent ${seed}. Answer with the order ids only; don't guess.` }];
    for (let t = 0; t < turns; t++) {
      const records = Array.from({ length: 12 }, (_, i) => ({ id: seed * 1000 + t * 12 + i, status: i % 3 ? 'shipped' : "it's late", note: `été ${i}/${t}: 12345.678 — ok` }));
      messages.push({ role: t % 2 ? 'assistant' : 'user', content: `Turn ${t}:\n${JSON.stringify(records)}` });
    }
    const prompt = { model: 'gpt-4o-mini', messages };
    return [JSON.stringify(prompt), encode(prompt)];
  };

  it('property: a growing conversation counts as the tokenizers count it whole, for every exact encoding', async () => {
    const counters = await loadCounters(MODELS);
    const whole = await Promise.all(MODELS.map((model) => tokenCounter(model)));
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 40 }), fc.integer({ min: 0, max: 1_000_000 }), async (turns, seed) => {
        // Each request is the previous one plus a turn: the pieces they share come from the cache.
        for (let n = Math.max(1, turns - 3); n <= turns; n++) {
          for (const text of conversation(n, seed)) {
            counters.forEach((counter, k) => expect([counter.model, counter.count(text)]).toEqual([counter.model, whole[k]!(text)]));
          }
        }
      }),
      { numRuns: 15 },
    );
  });

  it('measure answers the same token stats as counting each text whole', async () => {
    const counters = await loadCounters(MODELS);
    const [json, ktof] = conversation(30, 7) as [string, string];
    expect(json.length).toBeGreaterThan(4 * PIECEWISE_CHARS);
    const { token_stats } = measure(json, ktof, counters);
    for (const model of MODELS) {
      const count = await tokenCounter(model);
      expect([token_stats[model]!.original, token_stats[model]!.compressed]).toEqual([count(json), count(ktof)]);
    }
  });
});
