import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  DecodeOptionsSchema,
  EncodeRequestSchema,
  ERROR_STATUS,
  ErrorCode,
  KaizenProblem,
  OptimizeRequestSchema,
  PromptDecodePayloadSchema,
  PromptEncodePayloadSchema,
  zodIssuesToDetail,
} from '../src/index.js';

const detailOf = (schema: { safeParse(v: unknown): { success: boolean; error?: { issues: any[] } } }, value: unknown) => {
  const parsed = schema.safeParse(value);
  expect(parsed.success).toBe(false);
  return zodIssuesToDetail(parsed.error!.issues);
};

describe('request schemas', () => {
  it('accepts the documented shapes and applies defaults', () => {
    const parsed = PromptEncodePayloadSchema.parse({ prompt: { messages: [] }, token_models: ['gpt-4o'] });
    expect(parsed.auto_detect_json).toBe(true);
    expect(DecodeOptionsSchema.parse({}).strict).toBe(true);
    expect(EncodeRequestSchema.parse({ data: [1, 2], options: { indent: 2, delimiter: '|', length_marker: '#' } }).options?.delimiter).toBe('|');
    expect(OptimizeRequestSchema.parse({ data: 1, options: null, token_models: null }).token_models).toBeNull();
  });

  it('reports a missing field in FastAPI shape', () => {
    expect(detailOf(EncodeRequestSchema, {})).toEqual([{ loc: ['body', 'data'], msg: 'Field required', type: 'missing' }]);
    expect(detailOf(PromptDecodePayloadSchema, { metadata: {} })[0]).toMatchObject({ loc: ['body', 'ktof'], type: 'missing' });
  });

  it('passes metadata through as received, __proto__ key included', () => {
    const metadata = JSON.parse('{"__proto__":{"polluted":true},"trace":"t-1"}') as Record<string, unknown>;
    const parsed = PromptEncodePayloadSchema.parse({ prompt: 'hi', metadata, schemas: metadata });
    expect(Object.keys(parsed.metadata!)).toEqual(['__proto__', 'trace']);
    expect(JSON.stringify(parsed.metadata)).toBe('{"__proto__":{"polluted":true},"trace":"t-1"}');
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
    expect(detailOf(PromptDecodePayloadSchema, { ktof: 'x', metadata: [1] })).toEqual([{ loc: ['body', 'metadata'], msg: 'Input should be a valid dictionary', type: 'dict_type' }]);
  });

  it('rejects unknown fields at every level', () => {
    expect(detailOf(EncodeRequestSchema, { data: 1, extra: true })).toEqual([{ loc: ['body', 'extra'], msg: 'Extra inputs are not permitted', type: 'extra_forbidden' }]);
    expect(detailOf(EncodeRequestSchema, { data: 1, options: { indnet: 2 } })[0]!.loc).toEqual(['body', 'options', 'indnet']);
  });

  it('checks option bounds and types', () => {
    expect(detailOf(EncodeRequestSchema, { data: 1, options: { indent: 0 } })[0]).toMatchObject({ loc: ['body', 'options', 'indent'], type: 'greater_than_equal' });
    expect(detailOf(EncodeRequestSchema, { data: 1, options: { indent: 1.5 } })[0]).toMatchObject({ type: 'int_type' });
    expect(detailOf(EncodeRequestSchema, { data: 1, options: { delimiter: '||' } })[0]).toMatchObject({ type: 'string_too_long' });
    expect(detailOf(EncodeRequestSchema, { data: 1, options: { length_marker: 3 } })[0]).toMatchObject({ type: 'union_type', msg: 'Input should be a valid boolean or a valid string' });
    expect(detailOf(PromptDecodePayloadSchema, { ktof: 5 })[0]).toMatchObject({ loc: ['body', 'ktof'], type: 'string_type' });
    expect(detailOf(PromptEncodePayloadSchema, { prompt: 'x', token_models: ['a', 3] })[0]).toMatchObject({ loc: ['body', 'token_models', 1] });
  });

  it('property: any extra top-level key is rejected with an extra_forbidden item naming it', () => {
    const known = new Set(['data', 'options', 'token_models']);
    fc.assert(
      fc.property(fc.string({ minLength: 1, maxLength: 12 }).filter((k) => !known.has(k) && k !== '__proto__'), fc.jsonValue(), (key, value) => {
        const detail = detailOf(OptimizeRequestSchema, { data: 1, [key]: value });
        expect(detail).toContainEqual({ loc: ['body', key], msg: 'Extra inputs are not permitted', type: 'extra_forbidden' });
      }),
      { numRuns: 200 },
    );
  });

  it('property: every JSON value is accepted as data; every non-integer-or-small indent is rejected', () => {
    fc.assert(fc.property(fc.jsonValue(), (data) => { expect(EncodeRequestSchema.safeParse({ data }).success).toBe(true); }), { numRuns: 200 });
    fc.assert(
      fc.property(fc.oneof(fc.integer({ max: 0 }), fc.double({ noInteger: true }), fc.string(), fc.boolean()), (indent) => {
        const detail = detailOf(EncodeRequestSchema, { data: 1, options: { indent } });
        expect(detail[0]!.loc).toEqual(['body', 'options', 'indent']);
        expect(detail[0]!.msg.length).toBeGreaterThan(0);
      }),
      { numRuns: 200 },
    );
  });
});

describe('errors', () => {
  it('maps every code to a status and builds bodies with detail, code and request_id', () => {
    for (const code of Object.values(ErrorCode)) expect(ERROR_STATUS[code]).toBeGreaterThanOrEqual(400);
    const problem = new KaizenProblem(ErrorCode.MALFORMED_KTOF, 'bad row', { line: 3, column: 7 });
    expect(problem.status).toBe(400);
    expect(problem.toBody('req-1')).toEqual({ detail: 'bad row', code: 'malformed_ktof', request_id: 'req-1', line: 3, column: 7 });
  });
});
