import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildValue, decode, encode, KtofDecodeError, KtofEncodeError, KtofStreamDecoder, type EncodeOptions, type JsonValue } from '../src/index.js';
import { jsonValue, objectOf, prefixRecords, recordArray, same } from './arbitraries.js';

const seed = Number(process.env.FC_SEED ?? Date.now() % 1_000_000);
console.log(`fast-check seed ${seed} (rerun with FC_SEED=${seed})`);

/** Layouts differ by option (indented rows without lengths, other delimiters): each is checked. */
const optionSets: EncodeOptions[] = [{}, { delimiter: '|' }, { length_marker: false }, { indent: 4, delimiter: '\t' }];

/** How many containers nest in `v` (a primitive: 0, `{}`: 1, `[[1]]`: 2): what maxDepth bounds. */
function nesting(v: JsonValue): number {
  if (v === null || typeof v !== 'object') return 0;
  let deepest = 0;
  for (const child of Object.values(v)) deepest = Math.max(deepest, nesting(child));
  return deepest + 1;
}

/** Wraps a value in objects, arrays and table rows, so every construct sits at every depth. */
type Wrapper = 'object' | 'array' | 'row' | 'list';
function wrap(v: JsonValue, wrappers: Wrapper[]): JsonValue {
  for (const w of wrappers) {
    if (w === 'object') v = objectOf([['k', v]]);
    else if (w === 'array') v = [v];
    else if (w === 'row') v = [objectOf([['id', 1], ['k', v]]), objectOf([['id', 2], ['k', v]])];
    else v = [1, v, 'x'];
  }
  return v;
}

const values: fc.Arbitrary<JsonValue> = fc
  .tuple(fc.array(fc.constantFrom<Wrapper>('object', 'array', 'row', 'list'), { maxLength: 3 }), fc.oneof(jsonValue, recordArray, prefixRecords))
  .map(([wrappers, v]) => wrap(v, wrappers));

/** The error `run` throws, or null. */
function thrown(run: () => unknown): unknown {
  try {
    run();
    return null;
  } catch (error) {
    return error;
  }
}

/** Decodes with the stream decoder, fed in chunks of `size` characters. */
function decodeChunks(text: string, size: number, maxDepth: number): JsonValue {
  const decoder = new KtofStreamDecoder({ maxDepth });
  const events = [];
  for (let i = 0; i < text.length; i += size) events.push(...decoder.push(text.slice(i, i + size)));
  events.push(...decoder.end());
  return buildValue(events);
}

describe('maxDepth: decode accepts exactly what encode accepts', () => {
  it('property: for every limit, decode(encode(v)) succeeds exactly when encode(v) does, and round-trips', () => {
    fc.assert(fc.property(values, fc.constantFrom(...optionSets), fc.integer({ min: 1, max: 9 }), (v, options, chunk) => {
      const text = encode(v, options);
      const depth = nesting(v);
      for (let limit = 1; limit <= depth + 1; limit++) {
        const encodeError = thrown(() => encode(v, { ...options, maxDepth: limit }));
        // The rule both sides implement: at most `limit` containers nest.
        expect(encodeError === null).toBe(depth <= limit);
        if (encodeError !== null) expect((encodeError as KtofEncodeError).code).toBe('too_deep');
        let back: JsonValue = null;
        const decodeError = thrown(() => { back = decode(text, { maxDepth: limit }); });
        let streamed: JsonValue = null;
        const streamError = thrown(() => { streamed = decodeChunks(text, chunk, limit); });
        const why = `at maxDepth ${limit} (value nests ${depth}) with ${JSON.stringify(options)}\n--- ktof\n${text}\n--- decode: ${String(decodeError)}\n--- stream: ${String(streamError)}`;
        if (encodeError === null) {
          if (decodeError !== null || streamError !== null || !same(back, v) || !same(streamed, v)) expect.fail(`decode refused or changed what encode accepts ${why}`);
        } else {
          if (decodeError === null || streamError === null) expect.fail(`decode accepted what encode refuses ${why}`);
          expect(decodeError).toBeInstanceOf(KtofDecodeError);
          expect((decodeError as KtofDecodeError).code).toBe('too_deep');
          expect((streamError as KtofDecodeError).code).toBe('too_deep');
        }
      }
    }), { seed, numRuns: 1000 }); // each run checks every limit up to the value's nesting; the bugs it guards showed within 12 runs
  });
});
