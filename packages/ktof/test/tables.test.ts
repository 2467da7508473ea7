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

describe('constant columns: a value every row shares is written once, as key=value in the header', () => {
  const features = Array.from({ length: 4 }, (_, i) => ({
    type: 'Feature', id: i + 1, geometry: { type: 'Point', coordinates: [i * 2, 50 - i] }, properties: { name: `P${i}`, capital: i === 0 },
  }));

  it('hoists top-level and group constants out of the rows', () => {
    const text = encode({ type: 'FeatureCollection', features });
    expect(text.split('\n')[1]).toBe('features[4]{type=Feature,id,geometry{type=Point,coordinates},properties{name,capital}}:');
    expect(text.split('\n')[2]).toBe('1,[0,50],P0,true');
    roundTripsEverywhere({ type: 'FeatureCollection', features });
  });

  it('quotes constants that would not read back bare, for every delimiter', () => {
    for (const value of ['a,b', 'x|y', 'p;q', 'a}b', '{a:1}', '', ' pad', 'true', '-0', '05', 'a=b', 'say "hi"', -0, 0, 1e21, null, false]) {
      const rows = [1, 2, 3].map((id) => ({ id, v: value, tail: `t${id}` }));
      const text = encode(rows);
      expect(text.split('\n')[0], JSON.stringify(value)).toMatch(/^\[3\]\{id,v=.*,tail\}:$/);
      roundTripsEverywhere(rows);
    }
  });

  it('hoists in keyed tables and sub-tables too', () => {
    const value = {
      flags: Object.fromEntries(['a', 'b', 'c'].map((k, i) => [k, { on: i > 0, owner: 'ops@x.io', pct: i * 10 }])),
      orders: [1, 2, 3].map((id) => ({ id, currency: 'USD', items: [{ sku: `S${id}`, unit: 'pcs' }, { sku: `T${id}`, unit: 'pcs' }] })),
    };
    const text = encode(value);
    expect(text).toContain('flags[3:]{on,owner=ops@x.io,pct}:');
    expect(text).toContain('orders[3]{id,currency=USD,items[]{sku,unit=pcs}}:');
    roundTripsEverywhere(value);
  });

  it('keeps a cell that can hold a value in every row, and no constants in optional groups', () => {
    expect(encode([{ a: 1 }, { a: 1 }, { a: 1 }])).toBe('[3]{a}:\n1\n1\n1');
    expect(encode([{ a: 1, b: 2 }, { a: 1 }, { a: 1, b: 3 }]).split('\n')[0]).toBe('[3]{a,b?}:');
    const logs = [1, 2, 3, 4].map((id) => (id % 2 ? { id, err: { code: 'E1', n: id } } : { id }));
    expect(encode(logs).split('\n')[0]).toBe('[4]{id,err?{code,n}}:');
    for (const rows of [[{ a: 1 }, { a: 1 }], [{ a: 1, b: 2 }, { a: 1 }], logs]) roundTripsEverywhere(rows);
  });

  it('quotes keys holding "=" so that header names stay unambiguous', () => {
    const rows = [1, 2, 3].map((id) => ({ 'a=b': id, '=': 'same' }));
    expect(encode(rows).split('\n')[0]).toBe('[3]{"a=b","="=same}:');
    roundTripsEverywhere(rows);
  });

  it('decodes constants, bare or quoted, before, between and inside groups', () => {
    expect(decode('[2]{k=1,v,g{t=x,u},q="a,b"}:\nA,1\nB,2')).toEqual([
      { k: 1, v: 'A', g: { t: 'x', u: 1 }, q: 'a,b' },
      { k: 1, v: 'B', g: { t: 'x', u: 2 }, q: 'a,b' },
    ]);
    expect(decode('t[2|]{a = null |b}:\n  x\n  y')).toEqual({ t: [{ a: null, b: 'x' }, { a: null, b: 'y' }] });
  });

  it('refuses malformed constants with KtofDecodeError, line and column', () => {
    for (const text of ['[1]{a=}:\n1', '[1]{a=,b}:\n1', '[1]{a=[1],b}:\n1', '[1]{a={},b}:\n1', '[1]{a="x"y,b}:\n1', '[1]{a="x,b}:\n1', '[1]{a=1,a}:\n1', '[1]{=1,b}:\n1']) {
      let error: unknown;
      try { decode(text); } catch (e) { error = e; }
      expect(error, text).toBeInstanceOf(KtofDecodeError);
      expect((error as KtofDecodeError).line, text).toBe(1);
      expect((error as KtofDecodeError).column, text).toBeGreaterThan(1);
    }
  });
});
