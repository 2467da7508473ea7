/**
 * The KTOF text of every benchmark dataset must stay byte-identical across refactors of the
 * encoder: each (dataset, options) pair is hashed and compared with ktof-output.snapshot.json.
 * Inputs: the seeded datasets of bench:tokens / bench:speed (published seed 42 and held-out seed
 * 7), the chat prompts of bench:server, and fixed-seed samples of the codec's own property
 * arbitraries (edge cases the datasets never reach). A change of output that is meant (a new
 * construct, a cheaper layout) regenerates the file: `KTOF_SNAPSHOT=update npx vitest run
 * benchmarks/test/ktof-output.test.ts`, and the diff of the JSON shows which inputs changed.
 */
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { countTokens as o200k } from 'gpt-tokenizer/encoding/o200k_base';
import { expect, it } from 'vitest';
import { encode, type EncodeOptions, type JsonValue } from '../../packages/ktof/src/index.js';
import { jsonValue, prefixRecords, recordArray } from '../../packages/ktof/test/arbitraries.js';
import { datasets } from '../data/index.js';
import { chatPrompt } from '../lib/chat-prompts.js';

const SNAPSHOT = fileURLToPath(new URL('./ktof-output.snapshot.json', import.meta.url));

const VARIANTS: Record<string, EncodeOptions> = {
  default: {},
  tab: { delimiter: '\t' },
  pipe: { delimiter: '|' },
  'indent-4': { indent: 4 },
  'marker-#': { lengthMarker: '#' },
  'no-lengths': { lengthMarker: false },
  'no-lengths-semicolon-indent-3': { lengthMarker: false, delimiter: ';', indent: 3 },
  // What bench:tokens and the server do: the final choice is made by a real tokenizer.
  o200k: { countTokens: o200k },
};

/** Fixed samples: the same values on every run (fast-check is pinned by the lockfile). */
function samples(): [string, JsonValue[]][] {
  const sample = (arb: fc.Arbitrary<JsonValue>, seed: number): JsonValue[] => fc.sample(arb, { seed, numRuns: 400 });
  return [
    ['fc-json-values', sample(jsonValue, 18)],
    ['fc-record-arrays', sample(recordArray, 19)],
    ['fc-prefix-records', sample(prefixRecords, 20)],
  ];
}

function inputs(): [string, JsonValue[]][] {
  const out: [string, JsonValue[]][] = [];
  for (const seed of [42, 7]) for (const d of datasets(seed)) out.push([`${d.name}@${seed}`, [d.value]]);
  out.push(['chat-prompts', Array.from({ length: 20 }, (_, i) => chatPrompt(i + 1) as unknown as JsonValue)]);
  return out.concat(samples());
}

function hashes(): Record<string, string> {
  const result: Record<string, string> = {};
  for (const [name, values] of inputs()) {
    for (const [variant, options] of Object.entries(VARIANTS)) {
      const hash = createHash('sha256');
      for (const v of values) hash.update(encode(v, options)).update('\u0000');
      result[`${name} ${variant}`] = hash.digest('hex').slice(0, 32);
    }
  }
  return result;
}

it('encodes every benchmark dataset byte for byte as the committed snapshot records', () => {
  const actual = hashes();
  if (process.env.KTOF_SNAPSHOT === 'update') writeFileSync(SNAPSHOT, JSON.stringify(actual, null, 2) + '\n');
  const expected = JSON.parse(readFileSync(SNAPSHOT, 'utf8')) as Record<string, string>;
  expect(actual).toEqual(expected);
});
