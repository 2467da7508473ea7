/**
 * Provider prompt caches keep hitting: over a 10-turn agent loop with tool results, the bytes
 * the gateway sends upstream for a turn's messages are a prefix of what it sends on the next
 * turn (primer placement included), through the real vendor SDKs.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROMPT_PRIMER } from '@kaizen/prompt';
import { startTestServer, removeTempDirs, type TestServer } from '../helpers.js';
import { agentTurns } from './agent-loop.js';
import { FakeUpstream } from './fake-upstream.js';
import { ANTHROPIC_SDKS, OPENAI_SDKS } from './sdks.js';

const fake = new FakeUpstream();
let gw: TestServer;

beforeAll(async () => {
  await fake.start();
  gw = await startTestServer({ openaiUpstream: `${fake.url}/v1`, anthropicUpstream: fake.url, openaiApiKey: 'sk-openai', anthropicApiKey: 'sk-ant' });
});

afterAll(async () => {
  await gw?.server.close();
  await fake.close();
  removeTempDirs();
});

const primerStart = JSON.stringify(PROMPT_PRIMER).slice(1, 60);

/** Checks the bodies of successive turns, each ending with its messages array (`]}`). */
function expectStablePrefixes(bodies: string[], tokens: { original: number; sent: number }[]) {
  expect(bodies).toHaveLength(10);
  for (let turn = 1; turn < bodies.length; turn++) {
    const previous = bodies[turn - 1]!;
    expect(previous.endsWith(']}')).toBe(true);
    // Everything up to the end of the previous turn's last message is sent again unchanged.
    expect(bodies[turn]!.startsWith(previous.slice(0, -2))).toBe(true);
  }
  // The first tool result is too small to pay for the primer; it stays as sent on every turn.
  expect(bodies[0]).not.toContain('```ktof');
  // The primer arrives once, with the first JSON that pays for it, and stays where it is.
  const primerTurn = bodies.findIndex((body) => body.includes(primerStart));
  expect(primerTurn).toBeGreaterThan(0);
  for (const body of bodies.slice(primerTurn)) expect(body.split(primerStart)).toHaveLength(2);
  // Later turns save tokens.
  const last = tokens.at(-1)!;
  expect(last.sent).toBeLessThan(last.original * 0.85);
}

for (const sdk of OPENAI_SDKS) {
  describe(`${sdk.label}: a 10-turn agent loop`, () => {
    it('sends each earlier turn byte for byte on the next turn', async () => {
      const OpenAI = await sdk.load();
      const openai = new OpenAI({ baseURL: `${gw.url}/openai/v1`, apiKey: gw.key, maxRetries: 0 });
      const tools = [{ type: 'function' as const, function: { name: 'search', parameters: { type: 'object', properties: { q: { type: 'string' } } } } }];
      const messages: any[] = [
        { role: 'system', content: 'You are a shopping assistant. Use tools.' },
        { role: 'user', content: 'Find me a good lamp.' },
      ];
      const bodies: string[] = [];
      const tokens: { original: number; sent: number }[] = [];
      for (const [i, turn] of agentTurns().entries()) {
        messages.push({ role: 'assistant', content: null, tool_calls: [{ id: `call_${i}`, type: 'function', function: { name: turn.tool, arguments: JSON.stringify(turn.args) } }] });
        messages.push({ role: 'tool', tool_call_id: `call_${i}`, content: turn.result });
        const { response } = await openai.chat.completions.create({ model: 'gpt-4o', tools, messages }).withResponse();
        bodies.push(fake.last.body);
        tokens.push({ original: Number(response.headers.get('x-kaizen-tokens-original')), sent: Number(response.headers.get('x-kaizen-tokens-sent')) });
        messages.push({ role: 'assistant', content: `Step ${i} done.` });
      }
      expectStablePrefixes(bodies, tokens);
    });
  });
}

for (const sdk of ANTHROPIC_SDKS) {
  describe(`${sdk.label}: a 10-turn agent loop`, () => {
    it('sends each earlier turn byte for byte on the next turn', async () => {
      const Anthropic = await sdk.load();
      const anthropic = new Anthropic({ baseURL: `${gw.url}/anthropic`, apiKey: gw.key, maxRetries: 0 });
      const tools = [{ name: 'search', input_schema: { type: 'object' as const, properties: { q: { type: 'string' } } } }];
      const messages: any[] = [{ role: 'user', content: 'Find me a good lamp.' }];
      const bodies: string[] = [];
      const tokens: { original: number; sent: number }[] = [];
      for (const [i, turn] of agentTurns().entries()) {
        messages.push({ role: 'assistant', content: [{ type: 'text', text: 'Let me look.' }, { type: 'tool_use', id: `toolu_${i}`, name: turn.tool, input: turn.args }] });
        messages.push({ role: 'user', content: [{ type: 'tool_result', tool_use_id: `toolu_${i}`, content: [{ type: 'text', text: turn.result }] }] });
        const { response } = await anthropic.messages
          .create({ model: 'claude-sonnet-4-20250514', max_tokens: 200, system: [{ type: 'text', text: 'You are a shopping assistant.', cache_control: { type: 'ephemeral' } }], tools, messages })
          .withResponse();
        bodies.push(fake.last.body);
        tokens.push({ original: Number(response.headers.get('x-kaizen-tokens-original')), sent: Number(response.headers.get('x-kaizen-tokens-sent')) });
        messages.push({ role: 'assistant', content: `Step ${i} done.` });
      }
      expectStablePrefixes(bodies, tokens);
    });
  });
}
