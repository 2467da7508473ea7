import { describe, expect, it } from 'vitest';
import { isEnvelopeOf, KaizenProblem, OPERATION_NAMES, OPERATIONS, parseRequest, type Parsed } from '../src/index.js';

describe('parseRequest', () => {
  it("returns the row's parsed request, defaults applied, and refuses another row's body with a 422", () => {
    const parsed: Parsed<'optimize'> = parseRequest('optimize', { data: { a: 1 } });
    expect(parsed.data).toEqual({ a: 1 });
    expect(() => parseRequest('decompress', { data: { a: 1 } })).toThrow(KaizenProblem);
    try {
      parseRequest('decompress', { data: { a: 1 } });
    } catch (error) {
      expect((error as KaizenProblem).status).toBe(422);
    }
  });
});

describe('isEnvelopeOf', () => {
  it("accepts exactly an object naming the row's operation with status ok", () => {
    for (const name of OPERATION_NAMES) {
      const operation = OPERATIONS[name].operation;
      expect(isEnvelopeOf(name, { operation, status: 'ok', result: null })).toBe(true);
      expect(isEnvelopeOf(name, { operation, status: 'error' })).toBe(false);
      expect(isEnvelopeOf(name, { status: 'ok' })).toBe(false);
      expect(isEnvelopeOf(name, [{ operation, status: 'ok' }])).toBe(false);
      expect(isEnvelopeOf(name, null)).toBe(false);
      expect(isEnvelopeOf(name, operation)).toBe(false);
      for (const other of OPERATION_NAMES) {
        if (other !== name) expect(isEnvelopeOf(other, { operation, status: 'ok' })).toBe(false);
      }
    }
  });
});
