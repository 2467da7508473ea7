/**
 * The encoder's work stays linear in the document, however deep tables nest in each other (a
 * request must not hold a compute thread for seconds), and the memoised counts that keep it so
 * agree with the text they stand for.
 */
import { nestedTables, type NestedTablesKind } from '@kaizen/testkit';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { inlineMerges } from '../src/encode/estimate.js';
import { Format } from '../src/encode/format.js';
import { decode, encode, type JsonValue } from '../src/index.js';
import { jsonValue } from './arbitraries.js';

const seed = Number(process.env.FC_SEED ?? Date.now() % 1_000_000);

/** The containers of `v`, parents before children. */
function containers(v: JsonValue, out: (JsonValue & object)[] = []): (JsonValue & object)[] {
  if (v === null || typeof v !== 'object') return out;
  out.push(v);
  for (const child of Array.isArray(v) ? v : Object.values(v)) containers(child, out);
  return out;
}

describe('counts taken without reading inline text', () => {
  const format = () => new Format({ indent: 2, delimiter: ',', marker: '' });

  it('property: Format.inlineMerges(v) is inlineMerges of v\'s inline text, whichever of its containers were counted first', () => {
    fc.assert(fc.property(jsonValue, fc.array(fc.nat()), (value, picks) => {
      const all = containers(value);
      const f = format();
      // Count some nested containers first, so the parent is counted from their memoised counts.
      for (const pick of picks) if (all.length > 0) f.inlineMerges(all[pick % all.length] as JsonValue & object);
      for (const c of all) expect(f.inlineMerges(c)).toBe(inlineMerges(format().inline(c).text));
    }), { seed, numRuns: 300 });
  });

  it('property: Format.inlineCost(v) is the cost of v\'s inline form, whichever of its containers were written first', () => {
    fc.assert(fc.property(jsonValue, fc.array(fc.nat()), (value, picks) => {
      const all = containers(value);
      const f = format();
      for (const pick of picks) if (all.length > 0) f.inline(all[pick % all.length] as JsonValue & object);
      expect(f.inlineCost(value)).toBe(format().inlineCost(value));
      if (value !== null && typeof value === 'object') expect(f.inlineCost(value)).toBe(format().inline(value).cost);
    }), { seed, numRuns: 300 });
  });
});

describe('encoding time is linear in the document, however deep tables nest', () => {
  /** The least of 3 runs: the one the shared machine slowed least. */
  const fastest = (value: unknown): number => {
    let best = Infinity;
    for (let run = 0; run < 3; run++) {
      const start = performance.now();
      encode(value);
      best = Math.min(best, performance.now() - start);
    }
    return best;
  };

  /*
   * 480 levels (960 containers deep, under the default maxDepth) of tables nested in a cell, a
   * sub-table or a keyed table's entry, 0.5 MB, against the same 480 levels side by side (each one
   * deep under its own key): as much text and as many containers, nothing nested. Work linear in
   * the document costs about the same for both (measured: 1-5x); work per level proportional to
   * what lies below it was 35-115x the baseline here, and grows with the depth.
   */
  const kinds: NestedTablesKind[] = ['cells', 'sub-tables', 'keyed'];
  for (const kind of kinds) {
    it(`${kind}: 480 levels nested cost at most 12x the same levels side by side`, () => {
      const depth = 480;
      const text = 'x'.repeat(1000);
      const nested = nestedTables(depth, text, kind);
      const sideBySide = Object.fromEntries(Array.from({ length: depth }, (_, i) => [`l${i}`, [nestedTables(1, text, kind)]]));
      expect(decode(encode(nested))).toEqual(nested);
      const baseline = fastest(sideBySide);
      const deep = fastest(nested);
      expect(deep, `nested ${deep.toFixed(1)} ms, side by side ${baseline.toFixed(1)} ms`).toBeLessThan(12 * baseline + 20);
    });
  }
});
