/**
 * The envelopes of prompts.encode and optimize.request (both `result` and `prompt`, their stats,
 * token stats and detections) and of the decoding routes must stay byte-identical across
 * refactors of how they are computed: each case's envelope, serialised with exact numbers under a
 * fixed clock and payload id, is hashed and compared with prompt-envelopes.snapshot.json. Every
 * case is run twice on the same engine, and the second answer (from the per-string caches) must
 * equal the first. Inputs: the chat prompts of bench:server, the chats of bench:prompts (with
 * two tokenizers, none, other encode options, auto-detection off, schemas), the benchmark
 * datasets as non-chat prompts, and prompt strings. A change of output that is meant
 * regenerates the file: `ENVELOPE_SNAPSHOT=update npx vitest run benchmarks/test/prompt-envelopes.test.ts`.
 */
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';
import { parseJson, stringifyJson, type JsonValue } from '@kaizen/ktof';
import { createEngine, MemoryPayloadStore, parseRequest } from '../../packages/core/src/index.js';
import { datasets } from '../data/index.js';
import { chatPrompt } from '../lib/chat-prompts.js';
import { promptScenarios } from '../lib/prompt-scenarios.js';

const SNAPSHOT = fileURLToPath(new URL('./prompt-envelopes.snapshot.json', import.meta.url));
const T0 = Date.UTC(2030, 0, 1);
const context = { tenant: 'snapshot', requestId: 'req-1', now: T0 };

type Call = { op: 'promptsEncode' | 'optimizeRequest' | 'promptsDecode' | 'optimizeResponse' | 'decompress' | 'compress'; body: Record<string, unknown> };

function cases(): [string, Call[]][] {
  const chats = promptScenarios();
  const requests = chats.map((c) => c.request);
  const strings = chats.flatMap((c) => {
    const out: string[] = [];
    JSON.stringify(c.request, (_k, v: unknown) => (typeof v === 'string' && v.length > 40 && out.push(v), v));
    return out;
  });
  const encode = (prompts: JsonValue[], extra: Record<string, unknown> = {}, op: Call['op'] = 'promptsEncode'): Call[] => prompts.map((prompt) => ({ op, body: { prompt, ...extra } }));
  const bigNumbers = parseJson('{"messages":[{"role":"tool","content":"[{\\"id\\":1,\\"v\\":\\"a\\"},{\\"id\\":2,\\"v\\":\\"b\\"},{\\"id\\":3,\\"v\\":\\"c\\"}]"}],"seed":12345678901234567890,"t":-0}', { numbers: 'text' }) as JsonValue;
  return [
    ['server chats, gpt-4o-mini', encode(Array.from({ length: 20 }, (_, i) => chatPrompt(i + 1) as unknown as JsonValue), { token_models: ['gpt-4o-mini'] })],
    ['bench:prompts chats, gpt-4o + gpt-4', encode(requests, { token_models: ['gpt-4o', 'gpt-4'] })],
    ['bench:prompts chats, estimate', encode(requests)],
    ['bench:prompts chats, optimize.request', encode(requests, { token_models: ['gpt-4o'] }, 'optimizeRequest')],
    ['bench:prompts chats, pipe indent 4', encode(requests, { token_models: ['gpt-4o'], options: { delimiter: '|', indent: 4 } })],
    ['bench:prompts chats, no auto-detection', encode(requests, { token_models: ['gpt-4o'], auto_detect_json: false })],
    ['bench:prompts chats, schemas', encode(requests, { token_models: ['gpt-4o'], auto_detect_json: false, schemas: { content: { type: 'object' }, text: { type: 'array' } } })],
    ['datasets as prompts', encode(datasets(42).map((d) => d.value as JsonValue), { token_models: ['gpt-4o'] })],
    ['strings as prompts', encode(strings, { token_models: ['gpt-4o'] })],
    ['exact numbers', encode([bigNumbers], { token_models: ['gpt-4o'] })],
  ];
}

async function hashes(): Promise<Record<string, string>> {
  const engine = createEngine({ store: new MemoryPayloadStore(), version: 'snapshot', now: () => T0, newPayloadId: () => 'kz_' + 'A'.repeat(22) });
  const answer = async (call: Call): Promise<string> => stringifyJson(await (engine[call.op] as (r: unknown, c: typeof context) => Promise<unknown>)(parseRequest(call.op, call.body), context) as JsonValue);
  const result: Record<string, string> = {};
  for (const [name, calls] of cases()) {
    const hash = createHash('sha256');
    for (const call of calls) {
      const first = await answer(call);
      expect(await answer(call), `${name}: a repeated request answers the same`).toBe(first);
      hash.update(first).update('\u0000');
      // The decoding routes on what encoding gave.
      if (call.op === 'promptsEncode' || call.op === 'optimizeRequest') {
        const { result: ktof } = JSON.parse(first) as { result: string };
        hash.update(await answer({ op: 'promptsDecode', body: { ktof } })).update('\u0000');
        hash.update(await answer({ op: 'optimizeResponse', body: { ktof } })).update('\u0000');
      }
    }
    result[name] = hash.digest('hex').slice(0, 32);
  }
  const decoding = createHash('sha256');
  for (const d of datasets(42)) {
    const { result: ktof } = JSON.parse(await answer({ op: 'compress', body: { data: d.value } })) as { result: string };
    decoding.update(await answer({ op: 'decompress', body: { data: ktof } })).update('\u0000');
  }
  for (const reply of ['Sure.\n', 'Here:\n```ktof\n[2]{a,b}:\n  1,x\n  2,y\n```\nDone.', '42', '"quoted"', 'a: 1\nb: [2]: x,y', '```ktof\n{bad\n```']) {
    decoding.update(await answer({ op: 'optimizeResponse', body: { ktof: reply } })).update('\u0000');
  }
  result['decoding routes'] = decoding.digest('hex').slice(0, 32);
  return result;
}

it('answers the benchmark prompts with envelopes byte-identical to the committed snapshot', async () => {
  const actual = await hashes();
  if (process.env.ENVELOPE_SNAPSHOT === 'update') writeFileSync(SNAPSHOT, JSON.stringify(actual, null, 2) + '\n');
  const expected = JSON.parse(readFileSync(SNAPSHOT, 'utf8')) as Record<string, string>;
  expect(actual).toEqual(expected);
}, 120_000);
