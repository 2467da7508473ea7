/**
 * `result` of prompts.encode / optimize.request is one KTOF string of the whole prompt, and
 * prompts.decode / optimize.response `{ktof: result}` give the exact prompt back, for any JSON
 * prompt; `prompt` is the structure-preserving form; payloads stored before this change (their
 * `encoded` was the structure form) still decode to the same value.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { parseRequest, type KaizenProblem } from '@kaizen/protocol';
import { decodePrompt } from '@kaizen/prompt';
import { createEngine, MemoryPayloadStore } from '../src/index.js';

const T0 = Date.UTC(2030, 0, 1);
const ctx = { tenant: 'acme', requestId: 'req-1', now: T0 };
const seed = Number(process.env.FC_SEED ?? Date.now() % 2 ** 31);
console.log(`prompt result property tests: FC_SEED=${seed}`);

function setup() {
  const store = new MemoryPayloadStore({ tombstoneSeconds: 120, now: () => T0 });
  return { store, engine: createEngine({ store, version: '1', payloadTtlSeconds: 60, now: () => T0 }) };
}
const same = (a: unknown, b: unknown) => expect(JSON.stringify(a)).toBe(JSON.stringify(b));
const isEmpty = (v: unknown) => v === '' || (typeof v === 'object' && v !== null && Object.keys(v).length === 0);

const rows = fc.array(fc.record({ id: fc.integer(), name: fc.string({ maxLength: 8 }) }), { minLength: 1, maxLength: 5 });
const jsonText = fc.tuple(fc.oneof(rows, fc.jsonValue({ maxDepth: 2 })), fc.constantFrom(0, 2, 4)).map(([v, indent]) => JSON.stringify(v, null, indent));
const text = fc
  .array(fc.oneof(fc.string({ maxLength: 12 }), jsonText, fc.constantFrom('kz_', 'KZ_abc', 'kz_' + 'A'.repeat(22), '```ktof j0\nx\n```', '{"$json":1}', '\n', '42', 'true')), { maxLength: 3 })
  .map((parts) => parts.join(''));
const prompt = fc.oneof(
  text,
  fc.jsonValue({ maxDepth: 3 }),
  fc.record({ model: fc.constant('gpt-4o'), messages: fc.array(fc.record({ role: fc.constantFrom('user', 'tool'), content: text }), { minLength: 1, maxLength: 3 }) }),
  fc.record({ system: text, metadata: fc.dictionary(fc.string({ maxLength: 5 }), text, { maxKeys: 2 }) }),
);

describe('result: one KTOF string of the whole prompt', () => {
  it('property: prompts.decode and optimize.response of result give the exact prompt (strings, numbers, chats, id-like text)', async () => {
    const { engine } = setup();
    await fc.assert(
      fc.asyncProperty(prompt, async (value) => {
        if (value === null || isEmpty(value)) return;
        const body = JSON.parse(JSON.stringify(value));
        const encoded = await engine.promptsEncode(parseRequest('promptsEncode', { prompt: body }), ctx);
        expect(typeof encoded.result).toBe('string');
        same((await engine.promptsDecode(parseRequest('promptsDecode', { ktof: encoded.result }), ctx)).result, body);
        same((await engine.optimizeResponse(parseRequest('optimizeResponse', { ktof: encoded.result }), ctx)).result, body);
        const request = await engine.optimizeRequest(parseRequest('optimizeRequest', { prompt: body }), ctx);
        expect(request.result).toBe(encoded.result);
        // `prompt` is today's structure-preserving form, which decodePrompt inverts.
        if (typeof request.prompt !== 'string' || typeof body === 'string') same(decodePrompt(request.prompt as never), body);
      }),
      { seed, numRuns: 120, interruptAfterTimeLimit: 10_000 },
    );
  });

  it('a chat whose strings hold JSON: result folds it and costs fewer tokens than the JSON; prompt keeps the shape', async () => {
    const { engine } = setup();
    const orders = Array.from({ length: 12 }, (_, i) => ({ id: i, sku: `SKU-${i}`, qty: i % 3, price: 9.5 + i }));
    const chat = { model: 'gpt-4o', messages: [{ role: 'user', content: 'Which orders are late?' }, { role: 'tool', content: JSON.stringify({ orders }, null, 2) }] };
    const out = await engine.optimizeRequest(parseRequest('optimizeRequest', { prompt: chat, token_models: ['gpt-4o'] }), ctx);
    expect(out.result).toContain('$json2');
    expect(out.token_stats['gpt-4o']!.compressed).toBeLessThan(out.token_stats['gpt-4o']!.original * 0.6);
    expect(out.prompt).toMatchObject({ model: 'gpt-4o', messages: [{ role: 'user' }, { role: 'tool' }] });
    expect((out.prompt as typeof chat).messages[1]!.content).toContain('```ktof');
    expect(out.prompt_token_stats['gpt-4o']!.compressed).toBeLessThan(out.prompt_token_stats['gpt-4o']!.original);
  });

  it('a prompt without JSON inside is still compressed as a whole (like compress)', async () => {
    const { engine } = setup();
    const chat = { messages: Array.from({ length: 6 }, (_, i) => ({ role: i % 2 ? 'assistant' : 'user', content: `Turn ${i} of the talk.` })) };
    const out = await engine.optimizeRequest(parseRequest('optimizeRequest', { prompt: chat }), ctx);
    const compressed = await engine.compress(parseRequest('compress', { data: chat }), ctx);
    expect(out.stats.reduction_ratio).toBeLessThan(1);
    expect(out.result).toBe(compressed.result);
  });

  it('optimize.response keeps prose replies unchanged (trailing newline included) and still reads ```ktof blocks', async () => {
    const { engine } = setup();
    const read = (ktof: string) => engine.optimizeResponse(parseRequest('optimizeResponse', { ktof }), ctx);
    for (const prose of ['Sure, here it is.\n', '  Hello ', 'Done', 'Line one\nLine two\n']) {
      const out = await read(prose);
      expect(out.result).toBe(prose);
      expect(out.meta.is_ktof).toBe(false);
    }
    const fenced = await read('Here you go:\n```ktof\nlate[2]: 1,3\n```\n');
    expect(fenced.result).toEqual({ late: [1, 3] });
    expect(fenced.meta.source).toBe('fenced');
    const quoted = await read('" padded "');
    expect([quoted.result, quoted.meta.is_ktof]).toEqual([' padded ', true]);
  });

  it('a result whose folds would unfold past the inline bound is written unfolded, so it still decodes inline', async () => {
    const { engine } = setup();
    // Arrays nested 120 deep, indented by 8: 115 K characters of JSON text a 250-character fold stands for.
    let nested: unknown = 1;
    for (let i = 0; i < 120; i++) nested = [nested];
    const content = JSON.stringify(nested, null, 8);
    const prompt = { messages: Array.from({ length: 10 }, (_, i) => ({ role: 'tool', content: `${i}: ${content}` })) };
    const encoded = await engine.promptsEncode(parseRequest('promptsEncode', { prompt }), ctx);
    const compressed = await engine.compress(parseRequest('compress', { data: prompt }), ctx);
    expect(encoded.result).toBe(compressed.result);
    same((await engine.decompress(parseRequest('decompress', { data: encoded.result }), ctx)).result, prompt);
    // One such message alone stays under the bound: folded.
    const one = await engine.promptsEncode(parseRequest('promptsEncode', { prompt: { messages: [prompt.messages[0]!] } }), ctx);
    expect(one.result).toContain('$json8');
    same((await engine.decompress(parseRequest('decompress', { data: one.result }), ctx)).result, { messages: [prompt.messages[0]] });
  });

  it('a string prompt that reads like a payload id is written quoted, so decoding it never looks it up', async () => {
    const { engine } = setup();
    for (const id of ['kz_abc', 'KZ_' + 'x'.repeat(22), 'kz_']) {
      const out = await engine.promptsEncode(parseRequest('promptsEncode', { prompt: id }), ctx);
      expect(out.result).toBe(JSON.stringify(id));
      expect((await engine.promptsDecode(parseRequest('promptsDecode', { ktof: out.result }), ctx)).result).toBe(id);
    }
  });

  it('id-shaped ktof values are looked up: unknown ones are a 404, with a hint when the length is not an id\'s', async () => {
    const { engine } = setup();
    const problem = async (ktof: string, route: 'promptsDecode' | 'optimizeResponse') => {
      try {
        await (route === 'promptsDecode' ? engine.promptsDecode(parseRequest(route, { ktof }), ctx) : engine.optimizeResponse(parseRequest(route, { ktof }), ctx));
      } catch (error) {
        return error as KaizenProblem;
      }
      throw new Error(`${ktof} was not looked up`);
    };
    for (const route of ['promptsDecode', 'optimizeResponse'] as const) {
      const exact = await problem('kz_' + 'Z'.repeat(22), route);
      expect([exact.status, exact.code]).toEqual([404, 'payload_not_found']);
      expect(String(exact.detail)).not.toMatch(/characters/);
      const typo = await problem('Kz_' + 'Z'.repeat(26), route);
      expect([typo.status, typo.code]).toEqual([404, 'payload_not_found']);
      expect(String(typo.detail)).toMatch(/25 characters .* this one has 29/);
    }
  });

  it('payloads stored before this change (encoded = the structure form) decode to the same value', async () => {
    const { engine, store } = setup();
    const original = { messages: [{ role: 'user', content: '{"a":[1,2,3]}' }] };
    // The record exactly as the previous engine wrote it: `encoded` was the chat request with KTOF fragments.
    await store.put({
      id: 'kz_OLDOLDOLDOLDOLDOLDOLD_',
      tenant: 'acme',
      encoded: { messages: [{ role: 'user', content: '```ktof j0\na[3]: 1,2,3\n```' }] },
      original,
      metadata: { user: 'u-1' },
      meta: { format: 'ktof', version: '1', detections: [] },
      createdAt: T0,
      expiresAt: T0 + 60_000,
    });
    const decoded = await engine.promptsDecode(parseRequest('promptsDecode', { ktof: 'kz_OLDOLDOLDOLDOLDOLDOLD_' }), ctx);
    same(decoded.result, original);
    expect(decoded.metadata).toMatchObject({ user: 'u-1' });
  });
});
