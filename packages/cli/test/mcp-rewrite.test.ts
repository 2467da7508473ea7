/** The proxy's rewrite of one tool result, over generated JSON texts in every layout. */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { decode } from '@kaizen/ktof';
import { tokenCounter } from '@kaizen/tokens';
import { losslessJson, rewriteText, rewriteToolResult, sameJsonIgnoringWhitespace } from '../src/mcp/proxy/rewrite.js';

const count = await tokenCounter('gpt-4o');
const settings = { minBytes: 0, count };

/** A JSON text of `value` in one of the layouts servers use (compact, indented, tabs, CRLF). */
const layouts = (value: unknown) => [JSON.stringify(value), JSON.stringify(value, null, 2), JSON.stringify(value, null, '\t'), JSON.stringify(value, null, 1).replace(/\n/g, '\r\n')];
const containers = fc.oneof(fc.array(fc.jsonValue()), fc.dictionary(fc.string(), fc.jsonValue()));

describe('rewriteText', () => {
  it('rewrites only to KTOF that decodes to exactly the same JSON, with fewer tokens and no more bytes', () => {
    let rewrites = 0;
    fc.assert(
      fc.property(containers, fc.nat(3), (value, layout) => {
        const text = layouts(value)[layout]!;
        const rewritten = rewriteText(text, settings);
        if (!rewritten) return;
        rewrites++;
        expect(JSON.stringify(decode(rewritten.ktof))).toBe(JSON.stringify(JSON.parse(text)));
        expect(Buffer.byteLength(rewritten.ktof)).toBeLessThanOrEqual(Buffer.byteLength(text));
        expect(count(rewritten.ktof)).toBeLessThan(count(text));
      }),
      { numRuns: 300 },
    );
    expect(rewrites).toBeGreaterThan(30); // the property is not met by never rewriting
  });

  it('sameJsonIgnoringWhitespace accepts every layout of a value and nothing that differs inside strings', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.string({ minLength: 1 }), (value, extra) => {
        const compact = JSON.stringify(value);
        for (const text of layouts(value)) expect(sameJsonIgnoringWhitespace(text, compact)).toBe(true);
        expect(sameJsonIgnoringWhitespace(compact + extra.trim() + (extra.trim() ? '' : 'x'), compact)).toBe(false);
        expect(sameJsonIgnoringWhitespace(JSON.stringify([value, ' ']), JSON.stringify([value, '']))).toBe(false);
      }),
    );
    expect(sameJsonIgnoringWhitespace(String.raw`{"a b": "c\\" }`, String.raw`{"a b":"c\\"}`)).toBe(true); // a string ending in an escaped backslash
    expect(sameJsonIgnoringWhitespace('{"ab": 1}', '{"a b":1}')).toBe(false);
  });

  it('leaves alone texts a JSON parser would alter, and texts that are not JSON containers', () => {
    for (const text of ['{"a": 1.0, "rows": [{"x": 1}, {"x": 2}]}', '{"n": 1e3}', '[12345678901234567890, 1, 2]', '{"a": 1, "a": 2}', '{"s": "caf\\u00e9"}', '{"s": "a\\/b"}', '"just a string"', '42', 'not json', '{"a": 1,}']) {
      expect(losslessJson(text)).toBeUndefined();
      expect(rewriteText(text, settings)).toBeUndefined();
    }
    expect(losslessJson(' [1, 2]\n')?.compact).toBe('[1,2]');
  });

  it('respects minBytes', () => {
    const rows = JSON.stringify([{ id: 1, name: 'Ada' }, { id: 2, name: 'Lin' }], null, 2);
    expect(rewriteText(rows, settings)).toBeDefined();
    expect(rewriteText(rows, { ...settings, minBytes: Buffer.byteLength(rows) + 1 })).toBeUndefined();
  });
});

describe('rewriteToolResult', () => {
  const rows = JSON.stringify({ rows: [{ id: 1, name: 'Ada' }, { id: 2, name: 'Lin' }, { id: 3, name: 'Kim' }] }, null, 2);

  it('changes only JSON text items, keeping their other fields, and everything else in the result', () => {
    const result = {
      content: [
        { type: 'text', text: rows, annotations: { audience: ['assistant'] } },
        { type: 'text', text: 'prose' },
        { type: 'image', data: 'AAAA', mimeType: 'image/png' },
      ],
      structuredContent: JSON.parse(rows),
      _meta: { trace: 'x' },
    };
    const out = rewriteToolResult(result, settings)!;
    expect(out.items).toHaveLength(1);
    const content = out.result['content'] as { type: string; text?: string }[];
    expect(content[0]).toEqual({ type: 'text', text: content[0]!.text, annotations: { audience: ['assistant'] } });
    expect(decode(content[0]!.text!)).toEqual(JSON.parse(rows));
    expect(content.slice(1)).toEqual(result.content.slice(1));
    expect(out.result['structuredContent']).toBe(result.structuredContent);
    expect(out.result['_meta']).toBe(result._meta);
  });

  it('drops structuredContent only when asked and when a rewritten text carried exactly that value', () => {
    const value = JSON.parse(rows);
    const result = { content: [{ type: 'text', text: rows }], structuredContent: value };
    expect(rewriteToolResult(result, settings)!.result['structuredContent']).toBe(value);
    expect('structuredContent' in rewriteToolResult(result, settings, true)!.result).toBe(false);
    const different = { content: [{ type: 'text', text: rows }], structuredContent: { other: true } };
    expect(rewriteToolResult(different, settings, true)!.result['structuredContent']).toEqual({ other: true });
  });

  it('leaves error results and malformed results alone', () => {
    expect(rewriteToolResult({ content: [{ type: 'text', text: rows }], isError: true }, settings)).toBeUndefined();
    for (const bad of [null, 'x', [], {}, { content: 'x' }, { content: [null, 3, { type: 'text' }] }]) expect(rewriteToolResult(bad, settings)).toBeUndefined();
  });
});
