import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decode, KtofDecodeError } from '../src/index.js';

// Valid-document decode fixtures of @toon-format/spec. Fixtures we deliberately diverge from are
// listed (with the reason) in docs/ktof-spec.md, "Divergences from the TOON fixtures".
const DIVERGENT: Record<string, string> = {
  'parses negative zero as zero': 'KTOF keeps -0 (lossless round trip of every JSON number)',
  'parses negative zero with fractional part': 'KTOF keeps -0 (lossless round trip of every JSON number)',
  'parses negative zero with exponent as number': 'KTOF keeps -0 (lossless round trip of every JSON number)',
  'parses array with mixed numeric forms': 'contains -0, which KTOF keeps as -0',
};

const specDir = dirname(createRequire(import.meta.url).resolve('@toon-format/spec/package.json'));
const fixtureDir = join(specDir, 'tests', 'fixtures', 'decode');

interface Fixture { name: string; input: string; expected?: unknown; shouldError?: boolean; options?: Record<string, unknown> }

for (const file of readdirSync(fixtureDir).filter((f) => f.endsWith('.json'))) {
  const { tests } = JSON.parse(readFileSync(join(fixtureDir, file), 'utf8')) as { tests: Fixture[] };
  // Path expansion is not supported (see the spec's divergences); error fixtures are checked below.
  const valid = tests.filter((t) => !t.shouldError && t.options?.expandPaths !== 'safe');
  if (valid.length === 0) continue; // an empty suite fails in vitest 4
  describe(`TOON spec fixtures: ${file}`, () => {
    for (const t of valid) {
      const run = DIVERGENT[t.name] ? it.skip : it;
      run(t.name, () => {
        expect(decode(t.input, t.options as { strict?: boolean; indent?: number })).toEqual(t.expected);
      });
    }
  });
}

describe('TOON spec error fixtures', () => {
  it('reject with KtofDecodeError only (never another error type)', () => {
    for (const file of readdirSync(fixtureDir).filter((f) => f.endsWith('.json'))) {
      const { tests } = JSON.parse(readFileSync(join(fixtureDir, file), 'utf8')) as { tests: Fixture[] };
      for (const t of tests.filter((x) => x.shouldError)) {
        try {
          decode(t.input, t.options as { strict?: boolean });
        } catch (error) {
          expect(error, t.name).toBeInstanceOf(KtofDecodeError);
        }
      }
    }
  });
});
