import { describe, expect, it } from 'vitest';
import { decode, decodeStream, encode, KtofDecodeError, type EncodeOptions, type JsonValue } from '../src/index.js';

const optionSets: EncodeOptions[] = [
  {}, { delimiter: '\t' }, { delimiter: '|' }, { delimiter: ';' }, { indent: 4 },
  { length_marker: false }, { lengthMarker: true }, { lengthMarker: false, delimiter: '|', indent: 3 },
];

function roundTripsEverywhere(value: JsonValue): void {
  for (const options of optionSets) {
    const text = encode(value, options);
    expect(decode(text, { indent: options.indent ?? 2 }), `${JSON.stringify(options)}\n${text}`).toEqual(value);
  }
}

describe('rows leave out their trailing absent optional cells', () => {
  const logs = [
    { id: 1, msg: 'ok', error: { code: 'E1', retry: true } },
    { id: 2, msg: 'ok' },
    { id: 3, msg: 'slow', ms: 900 },
    { id: 4, msg: 'ok' },
  ];

  it('writes no empty cells at the end of a row', () => {
    const text = encode(logs);
    expect(text).toBe('[4]{id,msg,error?{code,retry},ms?}:\n1,ok,E1,true\n2,ok\n3,slow,,,900\n4,ok');
    expect(text).not.toMatch(/,$/m);
    roundTripsEverywhere(logs);
  });

  it('keeps one delimiter in a row with no value, so it is not a blank line', () => {
    const rows = [{ a: 1, b: 2 }, {}, { a: 3 }, { b: 4 }];
    const text = encode(rows);
    expect(text.split('\n').slice(1)).toEqual(['1,2', ',', '3', ',4']);
    roundTripsEverywhere(rows);
  });

  it('trims keyed-table entries and sub-table rows too', () => {
    const value = {
      flags: { a: { on: true, pct: 5, note: 'x' }, b: { on: false }, c: { on: true, pct: 50 } },
      orders: [1, 2, 3].map((id) => ({ id, items: [{ sku: `S${id}`, qty: id, gift: 'yes' }, { sku: `T${id}` }] })),
    };
    const text = encode(value);
    expect(text).toContain('\nb: false\n');
    expect(text).toContain('\n  T1\n');
    roundTripsEverywhere(value);
  });

  it('decodes short rows whose missing cells are all optional, in strict mode too', async () => {
    const text = '[3]{id,name?,tags?,err?{code,msg}}:\n1,Ada,[x],E1,boom\n2\n3,,,E2';
    const expected = [{ id: 1, name: 'Ada', tags: ['x'], err: { code: 'E1', msg: 'boom' } }, { id: 2 }, { id: 3, err: { code: 'E2', msg: '' } }];
    expect(decode(text)).toEqual(expected);
    expect(decode(text, { strict: false })).toEqual(expected);
    expect(await decodeStream([text.slice(0, 20), text.slice(20)])).toEqual(expected);
  });

  it('still refuses a row that leaves out a required cell, with line and column', () => {
    for (const [text, line] of [['[2]{a,b}:\n1,2\n3', 3], ['[2]{a,b?,c}:\n1,2,3\n4,5', 3], ['k[1]{a,g{x,y}}:\n  1,2', 2], ['[2]{a,b}:\n1\n2,3', 2]] as const) {
      for (const strict of [true, false]) {
        let error: unknown;
        try { decode(text, { strict }); } catch (e) { error = e; }
        expect(error, text).toBeInstanceOf(KtofDecodeError);
        expect((error as KtofDecodeError).line).toBe(line);
        expect((error as KtofDecodeError).message).toMatch(/fewer cells than its header has fields/);
      }
    }
  });
});
