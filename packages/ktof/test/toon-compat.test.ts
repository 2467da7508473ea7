import fc from 'fast-check';
import { decode as toonDecode, encode as toonEncode } from '@toon-format/toon';
import { describe, expect, it } from 'vitest';
import { decode, type JsonValue } from '../src/index.js';
import { jsonValue, recordArray } from './arbitraries.js';

const seed = Number(process.env.FC_SEED ?? Date.now() % 1_000_000);
console.log(`fast-check seed ${seed} (rerun with FC_SEED=${seed})`);

describe('reads TOON: differential against @toon-format/toon 4.4.0', () => {
  it('decodes every document TOON writes exactly as TOON decodes it', () => {
    const delimiters = [',', '\t', '|'] as const;
    fc.assert(fc.property(fc.oneof(jsonValue, recordArray, fc.dictionary(fc.string(), recordArray, { maxKeys: 3 })), fc.constantFrom(...delimiters), fc.constantFrom(2, 4), (v, delimiter, indent) => {
      let text: string;
      try {
        text = toonEncode(v, { delimiter, indent });
      } catch {
        return; // TOON refuses some inputs (lone surrogates); nothing to compare
      }
      const expected = toonDecode(text, { indent }) as JsonValue;
      expect(decode(text, { indent })).toEqual(expected);
    }), { seed, numRuns: 400 });
  });

  it('reads TOON 4.4 keyed tables, nested field groups and comments', () => {
    const text = '# a comment\nflags[2:]{on,owner{name}}:\n  dark: true,Ada\n  beta: false,Bob\nusers[1]{id,geo{lat,lng}}:\n  1,1.5,2.5';
    expect(decode(text)).toEqual(toonDecode(text));
  });
});
