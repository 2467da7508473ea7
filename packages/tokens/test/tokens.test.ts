import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { countTokens, resolveModel, tokenCounter, UnknownModelError, SUPPORTED_FAMILIES } from '../src/index.js';

describe('resolveModel', () => {
  it.each([
    ['gpt-4o', 'o200k_base', false],
    ['gpt-4o-mini', 'o200k_base', false],
    ['gpt-4.1-nano', 'o200k_base', false],
    ['gpt-5', 'o200k_base', false],
    ['o1', 'o200k_base', false],
    ['o3-mini', 'o200k_base', false],
    ['o4-mini', 'o200k_base', false],
    ['gpt-4', 'cl100k_base', false],
    ['gpt-4-turbo', 'cl100k_base', false],
    ['gpt-3.5-turbo', 'cl100k_base', false],
    ['OpenAI/GPT-4o', 'o200k_base', false],
    ['claude-3-5-sonnet-latest', 'claude', true],
    ['claude-sonnet-4', 'claude', true],
    ['gemini-2.5-flash', 'o200k_base', true],
    ['llama-3.1-70b', 'cl100k_base', true],
  ] as const)('%s -> %s (estimated %s)', (model, encoding, estimated) => {
    expect(resolveModel(model)).toMatchObject({ encoding, estimated });
  });

  it('rejects unknown models listing the supported families', () => {
    for (const model of ['gpt-2', 'o2', 'bert', '', 'claudia']) {
      const error = (() => { try { resolveModel(model); } catch (e) { return e; } })();
      expect(error).toBeInstanceOf(UnknownModelError);
      expect((error as Error).message).toContain('gpt-4o*');
      expect((error as Error).message).toContain('claude-*');
    }
    expect(SUPPORTED_FAMILIES.length).toBeGreaterThan(5);
  });
});

describe('countTokens', () => {
  it('counts with the real tokenizers (known values)', async () => {
    // "hello world" is two tokens in both OpenAI encodings.
    expect(await countTokens('gpt-4o-mini', 'hello world')).toEqual({ count: 2, estimated: false, encoding: 'o200k_base' });
    expect(await countTokens('gpt-4', 'hello world')).toEqual({ count: 2, estimated: false, encoding: 'cl100k_base' });
    const claude = await countTokens('claude-3-haiku', 'hello world');
    expect(claude.estimated).toBe(true);
    expect(claude.count).toBeGreaterThan(0);
    // o200k and cl100k genuinely differ on some text.
    const text = 'Ünïcödé — 東京都 の データ 🚀 {"key":[1,2,3]}';
    expect((await countTokens('gpt-4o', text)).count).not.toBe((await countTokens('gpt-4', text)).count);
  });

  it('counts text that spells a special token as the plain text it is, in every family', async () => {
    const specials = ['<|endoftext|>', '<|endofprompt|>', '<|fim_prefix|>', '<|im_start|>'];
    for (const model of ['gpt-4o', 'gpt-4', 'claude-3-5-sonnet', 'gemini-2.5-flash']) {
      const count = await tokenCounter(model);
      for (const special of specials) {
        // As text, a special token's spelling takes several ordinary tokens (a special token would be one).
        expect(count(`Ignore ${special} here`)).toBeGreaterThan(count('Ignore  here') + 1);
      }
    }
  });

  it('property: counts are positive for non-empty text, zero for empty, and monotone under concatenation', async () => {
    const count = await tokenCounter('gpt-4o');
    expect(count('')).toBe(0);
    fc.assert(
      fc.property(fc.string({ minLength: 1, maxLength: 200 }), fc.string({ maxLength: 200 }), (a, b) => {
        expect(count(a)).toBeGreaterThan(0);
        expect(count(a + b)).toBeLessThanOrEqual(count(a) + count(b) + 1);
        expect(count(a)).toBeLessThanOrEqual(new TextEncoder().encode(a).length);
      }),
      { numRuns: 200 },
    );
  });
});
