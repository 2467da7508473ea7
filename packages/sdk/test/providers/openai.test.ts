/**
 * The OpenAI wrapper with the real `openai` SDK against a fake upstream; Kaizen both local and
 * remote (real server). Every test runs on the oldest major the peer range names (6) and the
 * current one (7, installed as the alias `openai-v7`).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import OpenAI from 'openai';
import OpenAIv7 from 'openai-v7';
import { decodePrompt } from '@kaizen/prompt';
import { KaizenClient } from '../../src/index.js';
import { wrapOpenAI } from '../../src/providers/openai.js';
import { startRealServer, type RealServer } from '../helpers/real-server.js';
import { startFakeUpstream, type FakeUpstream } from './fake-upstream.js';
import { primerCount, REPLY_TEXT, REPLY_VALUE, TOOL_OUTPUT, TOOLS_OPENAI, USER_TEXT } from './fixtures.js';

let upstream: FakeUpstream;
let kaizenServer: RealServer;
beforeAll(async () => {
  upstream = await startFakeUpstream();
  kaizenServer = await startRealServer();
});
afterAll(async () => {
  await upstream?.close();
  await kaizenServer?.close();
});

const messages: OpenAI.Chat.ChatCompletionMessageParam[] = [
  { role: 'system', content: 'You are a sales analyst.' },
  { role: 'user', content: USER_TEXT },
  { role: 'assistant', content: null, tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'get_customers', arguments: '{"city":"Paris"}' } }] },
  { role: 'tool', tool_call_id: 'call_1', content: TOOL_OUTPUT },
];

const clients = {
  local: () => KaizenClient.local(),
  remote: () => new KaizenClient({ baseUrl: kaizenServer.url, apiKey: kaizenServer.key }),
};

/** Each major of `openai` the peer range claims; the wrapper is typed against the oldest. */
const majors = { 'openai 6': OpenAI, 'openai 7': OpenAIv7 as unknown as typeof OpenAI };
const cases = Object.keys(majors).flatMap((major) => (Object.keys(clients) as Array<keyof typeof clients>).map((mode) => [major as keyof typeof majors, mode] as const));

describe.each(cases)('wrapOpenAI (%s) with a %s KaizenClient', (major, mode) => {
  const openai = () => new majors[major]({ apiKey: 'test', baseURL: `${upstream.url}/v1`, maxRetries: 0 });

  it('chat.create: compresses contents, keeps roles and tools, primes once, decodes the reply', async () => {
    await using kaizen = clients[mode]();
    upstream.reply = REPLY_TEXT;
    const before = upstream.received.length;
    const { response, decoded, stats } = await wrapOpenAI(openai(), kaizen).chat.create({ model: 'gpt-4o-mini', messages, tools: TOOLS_OPENAI });
    const sent = upstream.received[before]!.body;
    expect(sent.tools).toEqual(TOOLS_OPENAI);
    expect(sent.messages.map((m: { role: string }) => m.role)).toEqual(['system', 'user', 'assistant', 'tool']);
    expect(primerCount(sent)).toBe(1);
    expect(sent.messages[0].content.endsWith('You are a sales analyst.')).toBe(true);
    expect(sent.messages[1].content).toContain('```ktof');
    expect(sent.messages[3].content).toContain('```ktof');
    // What the model got restores exactly to what the caller sent (primer aside).
    const restored = decodePrompt({ messages: sent.messages.slice(1) }) as { messages: unknown[] };
    expect(restored.messages).toEqual(messages.slice(1));
    expect(stats.tokensSaved).toBeGreaterThan(0);
    expect(stats.detections.map((d) => d.path)).toEqual(['/messages/1/content', '/messages/3/content']);
    expect(response.choices[0]!.message.content).toBe(REPLY_TEXT);
    expect(decoded).toEqual(REPLY_VALUE);
  });

  it('chat.stream: passes chunks through and decodes the ktof block as it closes', async () => {
    await using kaizen = clients[mode]();
    upstream.reply = REPLY_TEXT;
    upstream.chunkSize = 3;
    const blocks: unknown[] = [];
    let chunksWhenBlock = -1;
    let chunks = 0;
    const wrapped = wrapOpenAI(openai(), kaizen, { onKtofBlock: (value) => { blocks.push(value); chunksWhenBlock = chunks; } });
    const stream = await wrapped.chat.stream({ model: 'gpt-4o-mini', messages });
    let text = '';
    for await (const chunk of stream) {
      chunks++;
      text += chunk.choices[0]?.delta?.content ?? '';
    }
    expect(text).toBe(REPLY_TEXT);
    expect(blocks).toEqual([REPLY_VALUE]);
    expect(chunksWhenBlock).toBeLessThan(chunks); // decoded before the stream ended
    const final = await stream.final();
    expect(final.decoded).toEqual(REPLY_VALUE);
    expect(final.text).toBe(REPLY_TEXT);
    expect(final.stats.tokensSaved).toBeGreaterThan(0);
    expect(upstream.received.at(-1)!.body.stream).toBe(true);
  });

  it('responses.create and responses.stream: input items compressed, instructions primed once', async () => {
    await using kaizen = clients[mode]();
    upstream.reply = REPLY_TEXT;
    const wrapped = wrapOpenAI(openai(), kaizen);
    const input: OpenAI.Responses.ResponseInput = [
      { role: 'user', content: USER_TEXT },
      { type: 'function_call', call_id: 'c1', name: 'get_customers', arguments: '{}' },
      { type: 'function_call_output', call_id: 'c1', output: TOOL_OUTPUT },
    ];
    const { response, decoded } = await wrapped.responses.create({ model: 'gpt-4.1', instructions: 'Be exact.', input });
    const sent = upstream.received.at(-1)!.body;
    expect(upstream.received.at(-1)!.path).toBe('/v1/responses');
    expect(primerCount(sent)).toBe(1);
    expect(sent.instructions.endsWith('Be exact.')).toBe(true);
    expect(sent.input[2].output).toContain('```ktof');
    expect((decodePrompt({ input: sent.input }) as { input: unknown }).input).toEqual(input);
    expect(response.output_text).toBe(REPLY_TEXT);
    expect(decoded).toEqual(REPLY_VALUE);

    const stream = await wrapped.responses.stream({ model: 'gpt-4.1', input });
    const types = new Set<string>();
    for await (const event of stream) types.add(event.type);
    expect(types).toEqual(new Set(['response.created', 'response.output_text.delta', 'response.completed']));
    expect((await stream.final()).decoded).toEqual(REPLY_VALUE);
  });

  it('a prose-only chat is sent unchanged, without primer, and a prose reply decodes to undefined', async () => {
    await using kaizen = clients[mode]();
    upstream.reply = 'Paris buys the most.';
    const prose: OpenAI.Chat.ChatCompletionMessageParam[] = [{ role: 'user', content: 'Which city buys the most croissants, and why?' }];
    const { decoded, stats } = await wrapOpenAI(openai(), kaizen).chat.create({ model: 'gpt-4o-mini', messages: prose });
    expect(upstream.received.at(-1)!.body.messages).toEqual(prose);
    expect(stats).toMatchObject({ tokensSaved: 0, detections: [], primerAdded: false });
    expect(decoded).toBeUndefined();
  });
});
