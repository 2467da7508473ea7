/**
 * The AI SDK middleware with wrapLanguageModel and the real @ai-sdk/openai provider against a
 * fake upstream, on each major of `ai` the peer range claims: 6 (with @ai-sdk/openai 3) and 7
 * (the aliases `ai-v7` and `ai-sdk-openai-v4`).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as ai6 from 'ai';
import { type ModelMessage } from 'ai';
import * as ai7 from 'ai-v7';
import { createOpenAI as createOpenAI3 } from '@ai-sdk/openai';
import { createOpenAI as createOpenAI4 } from 'ai-sdk-openai-v4';
import { decodePrompt } from '@kaizen/prompt';
import { KaizenClient } from '../../src/index.js';
import { kaizenMiddleware } from '../../src/providers/ai.js';
import { startFakeUpstream, type FakeUpstream } from './fake-upstream.js';
import { primerCount, REPLY_TEXT, REPLY_VALUE, ROWS, TOOL_OUTPUT, USER_TEXT } from './fixtures.js';

let upstream: FakeUpstream;
beforeAll(async () => { upstream = await startFakeUpstream(); });
afterAll(async () => { await upstream?.close(); });

const messages: ModelMessage[] = [
  { role: 'system', content: 'Be exact.' },
  { role: 'user', content: [{ type: 'text', text: USER_TEXT }] },
  { role: 'assistant', content: [{ type: 'tool-call', toolCallId: 'call_1', toolName: 'get_customers', input: { city: 'Paris' } }] },
  { role: 'tool', content: [{ type: 'tool-result', toolCallId: 'call_1', toolName: 'get_customers', output: { type: 'text', value: TOOL_OUTPUT } }] },
  { role: 'tool', content: [{ type: 'tool-result', toolCallId: 'call_1', toolName: 'get_customers', output: { type: 'json', value: { customers: ROWS } } }] },
];

/** Each major: its functions and its OpenAI provider (typed as the oldest; the calls are the same). */
const majors = {
  'ai 6': { ...ai6, createOpenAI: createOpenAI3 },
  'ai 7': { ...(ai7 as unknown as typeof ai6), createOpenAI: createOpenAI4 as unknown as typeof createOpenAI3 },
};

describe.each(Object.keys(majors) as Array<keyof typeof majors>)('kaizenMiddleware (%s)', (major) => {
  const { generateText, streamText, wrapLanguageModel, createOpenAI } = majors[major];
  // AI SDK 7 takes the system message as `instructions` only; the model sees the same prompt.
  const prompt = major === 'ai 6' ? { messages } : ({ instructions: 'Be exact.', messages: messages.slice(1) } as unknown as { messages: ModelMessage[] });
  const model = (kaizen: KaizenClient) =>
    wrapLanguageModel({ model: createOpenAI({ apiKey: 'test', baseURL: `${upstream.url}/v1` }).chat('gpt-4o-mini'), middleware: kaizenMiddleware(kaizen) });

  it('generateText: the provider sends compressed contents with the primer once; providerMetadata.kaizen carries the decoded reply', async () => {
    await using kaizen = KaizenClient.local();
    upstream.reply = REPLY_TEXT;
    const result = await generateText({ model: model(kaizen), ...prompt, maxRetries: 0 });
    const sent = upstream.received.at(-1)!.body;
    expect(sent.messages.map((m: { role: string }) => m.role)).toEqual(['system', 'user', 'assistant', 'tool', 'tool']);
    expect(primerCount(sent)).toBe(1);
    expect(sent.messages[0].content.endsWith('Be exact.')).toBe(true);
    expect(sent.messages[2].tool_calls[0].function).toEqual({ name: 'get_customers', arguments: '{"city":"Paris"}' });
    expect(sent.messages[3].content).toContain('```ktof');
    const restored = decodePrompt({ messages: sent.messages.slice(1) }) as { messages: Array<{ content: unknown }> };
    expect(restored.messages[0]!.content).toBe(USER_TEXT);
    expect(restored.messages[2]!.content).toBe(TOOL_OUTPUT);
    expect(restored.messages[3]!.content).toBe(JSON.stringify({ customers: ROWS }));
    expect(result.text).toBe(REPLY_TEXT);
    const meta = result.providerMetadata?.kaizen as { decoded: unknown; tokensSaved: number; primerAdded: boolean };
    expect(meta.decoded).toEqual(REPLY_VALUE);
    expect(meta.tokensSaved).toBeGreaterThan(0);
    expect(meta.primerAdded).toBe(true);
  });

  it('streamText: deltas pass through, the block decodes before the end, the finish part carries kaizen metadata', async () => {
    await using kaizen = KaizenClient.local();
    upstream.reply = REPLY_TEXT;
    upstream.chunkSize = 5;
    const blocks: unknown[] = [];
    const wrapped = wrapLanguageModel({
      model: createOpenAI({ apiKey: 'test', baseURL: `${upstream.url}/v1` }).chat('gpt-4o-mini'),
      middleware: kaizenMiddleware(kaizen, { onKtofBlock: (v) => blocks.push(v) }),
    });
    const result = streamText({ model: wrapped, ...prompt, maxRetries: 0 });
    let text = '';
    for await (const delta of result.textStream) text += delta;
    expect(text).toBe(REPLY_TEXT);
    expect(blocks).toEqual([REPLY_VALUE]);
    const meta = (await result.providerMetadata)?.kaizen as { decoded: unknown };
    expect(meta.decoded).toEqual(REPLY_VALUE);
    expect(upstream.received.at(-1)!.body.stream).toBe(true);
  });
});
