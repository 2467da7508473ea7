import { describe, expect, it } from 'vitest';
import { decode, encode, type JsonValue } from '../src/index.js';

/** The deepest `{` nesting inside the field list of the header on the first line of `text`. */
function headerDepth(text: string): number {
  const header = text.split('\n')[0] as string;
  let depth = 0;
  let max = 0;
  for (const c of header) {
    if (c === '{') max = Math.max(max, ++depth);
    else if (c === '}') depth--;
  }
  return max;
}

const tool = (name: string, params: Record<string, JsonValue>): JsonValue => ({
  type: 'function',
  function: { name, description: `Runs ${name}.`, parameters: { type: 'object', properties: params, required: Object.keys(params).slice(0, 1) } },
});

describe('readability limits on flattened column groups', () => {
  it('writes objects below two group levels as inline JSON cells (tool schemas)', () => {
    const tools = [
      tool('get_order', { order_id: { type: 'string', description: 'Order id.' }, include_items: { type: 'boolean', description: 'With items.' } }),
      tool('track', { tracking_number: { type: 'string', description: 'Number.' }, carrier: { type: 'string', enum: ['ups', 'dhl'], description: 'Carrier.' } }),
      tool('refund', { order_id: { type: 'string', description: 'Order id.' }, amount: { type: 'number', description: 'Amount.' } }),
    ];
    const text = encode({ tools });
    // table, function{...}, parameters{...}: the heterogeneous `properties` objects are not flattened
    expect(headerDepth(text)).toBeLessThanOrEqual(3);
    // (`type` is the same in every row: a constant column, written once)
    expect(text.split('\n')[0]).toBe('tools[3]{type=function,function{name,description,parameters{type=object,properties,required}}}:');
    expect(decode(text)).toEqual({ tools });
  });

  it('drops groups from a table whose leaf cells would be mostly empty', () => {
    // the group is dense where present, but present in 2 of 10 rows: flattened, 50 of 70 cells would be empty
    const detail = { code: 'E1', message: 'failed', retryable: true, attempt: 3, host: 'h1', region: 'eu' };
    const rows = Array.from({ length: 10 }, (_, i) => (i % 5 === 0 ? { id: i, error: { ...detail, attempt: i } } : { id: i }));
    const text = encode(rows);
    expect(text).not.toMatch(/error\??\{/);
    expect(decode(text)).toEqual(rows);
  });

  it('keeps plain sparse record tables (one level, optional columns)', () => {
    const keys = Array.from({ length: 12 }, (_, i) => `f${i}`);
    const rows = Array.from({ length: 20 }, (_, r) => Object.fromEntries([['id', r], ...keys.filter((_, i) => (i + r) % 4 === 0).map((k) => [k, r])]));
    const text = encode(rows);
    expect(text.split('\n')[0]).toMatch(/^\[20\]\{id,f0\?,/);
    expect(decode(text)).toEqual(rows);
  });

  it('keeps dense nested groups (contacts-like rows)', () => {
    const rows = Array.from({ length: 5 }, (_, i) => ({ id: i, address: { city: `C${i}`, zip: `0${i}000`, geo: { lat: i, lng: -i } }, plan: { tier: 'pro', seats: i } }));
    const text = encode(rows);
    expect(text.split('\n')[0]).toBe('[5]{id,address{city,zip,geo{lat,lng}},plan{tier=pro,seats}}:');
    expect(decode(text)).toEqual(rows);
  });
});
