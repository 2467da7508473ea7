/** Anthropic and Gemini wrappers with the real vendor SDKs against a fake upstream (JSON and SSE). */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import Anthropic from '@anthropic-ai/sdk';
import { GoogleGenAI } from '@google/genai';
import { GoogleGenAI as GoogleGenAIv3 } from 'google-genai-v3';
import { decodePrompt } from '@kaizen/prompt';
import { KaizenClient } from '../../src/index.js';
import { wrapAnthropic } from '../../src/providers/anthropic.js';
import { wrapGemini } from '../../src/providers/gemini.js';
import { startFakeUpstream, type FakeUpstream } from './fake-upstream.js';
import { primerCount, REPLY_TEXT, REPLY_VALUE, TOOL_OUTPUT, USER_TEXT } from './fixtures.js';

let upstream: FakeUpstream;
beforeAll(async () => { upstream = await startFakeUpstream(); });
afterAll(async () => { await upstream?.close(); });

describe('wrapAnthropic', () => {
  const messages: Anthropic.MessageParam[] = [
    { role: 'user', content: USER_TEXT },
    { role: 'assistant', content: [{ type: 'tool_use', id: 'tu_1', name: 'get_customers', input: { city: 'Paris' } }] },
    { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'tu_1', content: TOOL_OUTPUT }] },
  ];
  const tools: Anthropic.Tool[] = [{ name: 'get_customers', description: 'List customers', input_schema: { type: 'object', properties: { city: { type: 'string' } } } }];
  const anthropic = () => new Anthropic({ apiKey: 'test', baseURL: upstream.url, maxRetries: 0 });

  it('messages.create: system primed once (string and block forms), tool_use kept, tool_result compressed', async () => {
    await using kaizen = KaizenClient.local();
    upstream.reply = REPLY_TEXT;
    const wrapped = wrapAnthropic(anthropic(), kaizen);
    const { response, decoded, stats } = await wrapped.messages.create({ model: 'claude-sonnet-4-6', max_tokens: 512, system: 'Be exact.', messages, tools });
    const sent = upstream.received.at(-1)!.body;
    expect(upstream.received.at(-1)!.path).toBe('/v1/messages');
    expect(sent.tools).toEqual(tools);
    expect(primerCount(sent)).toBe(1);
    expect(sent.system.endsWith('Be exact.')).toBe(true);
    expect(sent.messages[1]).toEqual(messages[1]);
    expect(sent.messages[2].content[0].content).toContain('```ktof');
    expect((decodePrompt({ messages: sent.messages }) as { messages: unknown }).messages).toEqual(messages);
    expect(stats.tokensSaved).toBeGreaterThan(0);
    expect(response.content).toEqual([{ type: 'text', text: REPLY_TEXT }]);
    expect(decoded).toEqual(REPLY_VALUE);

    await wrapped.messages.create({ model: 'claude-sonnet-4-6', max_tokens: 512, system: [{ type: 'text', text: 'Be exact.' }], messages });
    const blocks = upstream.received.at(-1)!.body.system;
    expect(blocks).toHaveLength(2);
    expect(blocks[1]).toEqual({ type: 'text', text: 'Be exact.' });
    expect(primerCount(blocks)).toBe(1);
  });

  it('messages.stream: SSE events pass through; the block is decoded incrementally', async () => {
    await using kaizen = KaizenClient.local();
    upstream.reply = REPLY_TEXT;
    upstream.chunkSize = 4;
    const blocks: unknown[] = [];
    const stream = await wrapAnthropic(anthropic(), kaizen, { onKtofBlock: (v) => blocks.push(v) }).messages.stream({ model: 'claude-sonnet-4-6', max_tokens: 512, messages });
    const types: string[] = [];
    for await (const event of stream) types.push(event.type);
    expect(types[0]).toBe('message_start');
    expect(types.at(-1)).toBe('message_stop');
    expect(blocks).toEqual([REPLY_VALUE]);
    const final = await stream.final();
    expect(final).toMatchObject({ text: REPLY_TEXT, decoded: REPLY_VALUE });
    expect(primerCount(upstream.received.at(-1)!.body.system)).toBe(1);
  });
});

/** Each major of @google/genai the peer range claims: 2 and the current 3 (alias `google-genai-v3`). */
const genaiMajors = { '@google/genai 2': GoogleGenAI, '@google/genai 3': GoogleGenAIv3 as unknown as typeof GoogleGenAI };

describe.each(Object.keys(genaiMajors) as Array<keyof typeof genaiMajors>)('wrapGemini (%s)', (major) => {
  const contents = [
    { role: 'user', parts: [{ text: USER_TEXT }] },
    { role: 'model', parts: [{ functionCall: { name: 'get_customers', args: { city: 'Paris' } } }] },
    { role: 'user', parts: [{ functionResponse: { name: 'get_customers', response: { output: TOOL_OUTPUT } } }] },
  ];
  const genai = () => new genaiMajors[major]({ apiKey: 'test', httpOptions: { baseUrl: upstream.url } });
  const tools = [{ functionDeclarations: [{ name: 'get_customers', description: 'List customers' }] }];

  it('generateContent: parts compressed, function calls kept, systemInstruction primed once', async () => {
    await using kaizen = KaizenClient.local();
    upstream.reply = REPLY_TEXT;
    const { response, decoded, stats } = await wrapGemini(genai(), kaizen).models.generateContent({
      model: 'gemini-2.5-flash', contents, config: { systemInstruction: 'Be exact.', tools },
    });
    const { path, body } = upstream.received.at(-1)!;
    expect(path).toContain('/models/gemini-2.5-flash:generateContent');
    expect(primerCount(body.systemInstruction)).toBe(1);
    expect(body.tools).toEqual(tools);
    expect(body.contents[1]).toEqual(contents[1]);
    expect(body.contents[0].parts[0].text).toContain('```ktof');
    expect(body.contents[2].parts[0].functionResponse.response.output).toContain('```ktof');
    expect((decodePrompt({ contents: body.contents }) as { contents: unknown }).contents).toEqual(contents);
    expect(stats.detections).toHaveLength(2);
    expect(response.text).toBe(REPLY_TEXT);
    expect(decoded).toEqual(REPLY_VALUE);
  });

  it('generateContentStream: streamGenerateContent?alt=sse chunks decode incrementally', async () => {
    await using kaizen = KaizenClient.local();
    upstream.reply = REPLY_TEXT;
    upstream.chunkSize = 6;
    const blocks: unknown[] = [];
    const stream = await wrapGemini(genai(), kaizen, { onKtofBlock: (v) => blocks.push(v) }).models.generateContentStream({ model: 'gemini-2.5-flash', contents });
    let text = '';
    for await (const chunk of stream) text += chunk.text ?? '';
    expect(upstream.received.at(-1)!.path).toContain(':streamGenerateContent?alt=sse');
    expect(text).toBe(REPLY_TEXT);
    expect(blocks).toEqual([REPLY_VALUE]);
    expect((await stream.final()).decoded).toEqual(REPLY_VALUE);
  });
});
