import { describe, expect, it } from 'vitest';
import { countTokens } from 'gpt-tokenizer/encoding/o200k_base';
import { decodePrompt, decodeReply, encodePrompt, formatJson, detectLayout, addPrimer, PROMPT_PRIMER, ReplyStreamDecoder } from '../src/index.js';
import type { JsonValue } from '@kaizen/ktof';

const rows = Array.from({ length: 12 }, (_, i) => ({ id: i + 1, name: `user ${i + 1}`, email: `user${i + 1}@example.com`, active: i % 3 !== 0 }));
const o200k = (text: string) => countTokens(text);
const roundTrips = (prompt: JsonValue) => expect(decodePrompt(encodePrompt(prompt, { countTokens: o200k }).prompt)).toStrictEqual(prompt);

describe('layouts', () => {
  const value = { a: [1, 'é', { b: null }], c: {}, d: [] };
  it.each([
    ['compact', JSON.stringify(value)],
    ['2 spaces', JSON.stringify(value, null, 2)],
    ['4 spaces', JSON.stringify(value, null, 4)],
    ['tab', JSON.stringify(value, null, '\t')],
    ['python default', '{"a": [1, "\\u00e9", {"b": null}], "c": {}, "d": []}'],
    ['python indent', '{\n  "a": [\n    1,\n    "\\u00e9",\n    {\n      "b": null\n    }\n  ],\n  "c": {},\n  "d": []\n}'],
  ])('recognises %s JSON exactly', (_name, text) => {
    const layout = detectLayout(text, JSON.parse(text));
    expect(layout).toBeDefined();
    expect(formatJson(JSON.parse(text), layout!)).toBe(text);
  });
  it('refuses JSON no layout reproduces (1.0, odd spacing, \\u escapes of ASCII)', () => {
    for (const text of ['{"a":1.0}', '{ "a":1}', '{"a":"\\u0041"}', '{\n  "a": 1\n  }', '{\n  "a": 1}']) {
      expect(detectLayout(text, JSON.parse(text))).toBeUndefined();
    }
  });
});

describe('encodePrompt on chat requests', () => {
  const chat = {
    model: 'gpt-4o-mini',
    messages: [
      { role: 'system', content: 'You answer questions about users.' },
      { role: 'user', content: `Here are the users:\n\`\`\`json\n${JSON.stringify(rows, null, 2)}\n\`\`\`\nWho is inactive?` },
      { role: 'assistant', content: null, tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'lookup', arguments: '{"ids":[1,2,3]}' } }] },
      { role: 'tool', tool_call_id: 'call_1', content: JSON.stringify({ users: rows }) },
      { role: 'user', content: `Also this record ${JSON.stringify(rows.slice(0, 4), null, 2)} came from the CRM.` },
    ],
    tools: [{ type: 'function', function: { name: 'lookup', parameters: { type: 'object', properties: { ids: { type: 'array' } } } } }],
  };

  it('keeps the request shape and untouched fields, restores byte for byte', () => {
    const encoded = encodePrompt(chat, { countTokens: o200k });
    const out = encoded.prompt as typeof chat;
    expect(Object.keys(out)).toEqual(Object.keys(chat));
    expect(out.tools).toStrictEqual(chat.tools);
    expect(out.model).toBe(chat.model);
    expect(out.messages.map((m) => m.role)).toEqual(chat.messages.map((m) => m.role));
    expect(out.messages[0]).toStrictEqual(chat.messages[0]);
    expect(decodePrompt(out)).toStrictEqual(chat);
  });

  it('reports every detection with its path, kind and token figures, and never grows a string', () => {
    const encoded = encodePrompt(chat, { countTokens: o200k });
    for (const d of encoded.detections) {
      expect(d.encodedTokens!).toBeLessThan(d.originalTokens!);
      expect(d.path).toMatch(/^\/messages\/\d+\/content$/);
    }
    const out = encoded.prompt as typeof chat;
    chat.messages.forEach((m, i) => {
      const before = typeof m.content === 'string' ? m.content : '';
      const after = out.messages[i]!.content ?? '';
      expect(o200k(after)).toBeLessThanOrEqual(o200k(before));
    });
    expect(encoded.tokensSaved).toBe(encoded.detections.reduce((s, d) => s + d.originalTokens! - d.encodedTokens!, 0));
  });

  it('leaves prose without JSON exactly as it was', () => {
    const prose = { messages: [{ role: 'user', content: 'Tell me about {braces} and [brackets] in prose, e.g. [1, 2] or {x}.' }] };
    const encoded = encodePrompt(prose, { countTokens: o200k });
    expect(encoded.prompt).toStrictEqual(prose);
    expect(encoded.detections).toEqual([]);
  });

  it('leaves JSON that would not shrink as it was', () => {
    const small = { messages: [{ role: 'user', content: '{"a":1}' }] };
    expect(encodePrompt(small, { countTokens: o200k }).prompt).toStrictEqual(small);
  });

  it('never looks inside code fences of other languages', () => {
    const code = `\`\`\`ts\nconst users = ${JSON.stringify(rows, null, 2)};\n\`\`\``;
    const encoded = encodePrompt({ messages: [{ role: 'user', content: code }] }, { countTokens: o200k });
    expect(encoded.detections).toEqual([]);
  });

  it('escapes text that imitates a fragment so it survives decoding', () => {
    const tricky = { messages: [{ role: 'user', content: '```ktof j2\n[1]\n```\nand ```ktof !fj0\n' }] };
    const encoded = encodePrompt(tricky, { countTokens: o200k });
    expect(decodePrompt(encoded.prompt)).toStrictEqual(tricky);
    // Encoding an already encoded prompt and decoding once gives the encoded prompt back.
    const twice = encodePrompt(encodePrompt(chat).prompt);
    expect(decodePrompt(twice.prompt)).toStrictEqual(encodePrompt(chat).prompt);
  });

  it('handles Anthropic, Responses and Gemini shapes', () => {
    const big = JSON.stringify(rows, null, 2);
    const anthropic = {
      model: 'claude', system: 'sys', messages: [
        { role: 'assistant', content: [{ type: 'thinking', thinking: big, signature: 'sig' }, { type: 'tool_use', id: 'tu_1', name: 'search', input: { q: big } }] },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'tu_1', content: big }, { type: 'image', source: { type: 'base64', media_type: 'image/png', data: big } }] },
      ],
    };
    const a = encodePrompt(anthropic, { countTokens: o200k, schemas: { search: { type: 'array' } } });
    expect(a.detections.map((d) => [d.path, d.schema])).toEqual([['/messages/1/content/0/content', 'search']]);
    expect(a.schemasUsed).toEqual(['search']);
    expect(decodePrompt(a.prompt)).toStrictEqual(anthropic);

    const responses = { model: 'gpt', instructions: 'x', input: [
      { type: 'function_call', call_id: 'c', name: 'search', arguments: big },
      { type: 'function_call_output', call_id: 'c', output: big },
    ] };
    const r = encodePrompt(responses, { countTokens: o200k });
    expect(r.detections.map((d) => d.path)).toEqual(['/input/0/arguments', '/input/1/output']);
    expect(decodePrompt(r.prompt)).toStrictEqual(responses);

    const gemini = { contents: [
      { role: 'user', parts: [{ text: big }] },
      { role: 'user', parts: [{ functionResponse: { name: 'search', response: { output: big } } }, { inlineData: { mimeType: 'x', data: big } }] },
    ] };
    const g = encodePrompt(gemini, { countTokens: o200k });
    expect(g.detections.map((d) => d.path)).toEqual(['/contents/0/parts/0/text', '/contents/1/parts/0/functionResponse/response/output']);
    expect(decodePrompt(g.prompt)).toStrictEqual(gemini);
  });

  it('with autoDetectJson false encodes only fields and tools that have a schema', () => {
    const big = JSON.stringify(rows, null, 2);
    const req = { messages: [{ role: 'user', content: big }, { role: 'tool', tool_call_id: 'x', content: big }, { role: 'assistant', content: null, tool_calls: [{ id: 'x', type: 'function', function: { name: 'crm', arguments: '{}' } }] }] };
    const e = encodePrompt(req, { autoDetectJson: false, schemas: { crm: { type: 'array', items: { type: 'object' } } }, countTokens: o200k });
    expect(e.detections.map((d) => d.path)).toEqual(['/messages/1/content']);
    expect((e.prompt as typeof req).messages[0]!.content).toBe(big);
    const wrongShape = encodePrompt(req, { autoDetectJson: false, schemas: { crm: { type: 'object' } }, countTokens: o200k });
    expect(wrongShape.detections).toEqual([]);
  });

  it('turns any other JSON value into one KTOF text', () => {
    const e = encodePrompt({ users: rows });
    expect(typeof e.prompt).toBe('string');
    expect(e.prompt).toBe(e.ktof);
    expect(e.detections).toMatchObject([{ path: '', kind: 'value' }]);
    expect(decodeReply(e.prompt as string).value).toStrictEqual({ users: rows });
  });

  it('round-trips strings with many layouts side by side', () => {
    roundTrips(`a ${JSON.stringify(rows)} b\n${JSON.stringify(rows, null, '\t')}\n\`\`\`json\n${JSON.stringify(rows, null, 4)}\n\`\`\``);
  });
});

describe('decodeReply', () => {
  it('reads a fenced block, a whole reply, and returns prose as text', () => {
    expect(decodeReply('Here:\n```ktof\n{"a":[1,2]}\n```\nDone.')).toEqual({ isKtof: true, value: { a: [1, 2] }, source: 'fenced' });
    expect(decodeReply('The answer is 42.')).toEqual({ isKtof: false, value: 'The answer is 42.', source: 'none' });
    expect(decodeReply('')).toEqual({ isKtof: false, value: '', source: 'none' });
  });
  it('decodes streamed blocks as soon as they close, whatever the chunking', () => {
    const reply = 'Intro line\n```ktof\n{"a":1}\n```\nmiddle\n```ktof\n[1,2]\n```\n';
    for (const size of [1, 3, 7, reply.length]) {
      const decoder = new ReplyStreamDecoder();
      const events = [];
      for (let i = 0; i < reply.length; i += size) events.push(...decoder.push(reply.slice(i, i + size)));
      expect(events).toEqual([{ type: 'block', value: { a: 1 }, index: 0 }, { type: 'block', value: [1, 2], index: 1 }]);
      expect(decoder.end()).toEqual(decodeReply(reply));
    }
  });
});

describe('primer', () => {
  it('is added once, in front of the system prompt', () => {
    const once = addPrimer('Be brief.');
    expect(once.startsWith(PROMPT_PRIMER)).toBe(true);
    expect(addPrimer(once)).toBe(once);
    expect(addPrimer(undefined)).toBe(PROMPT_PRIMER);
  });
});

describe('strings with many fragments', () => {
  it('drops unprofitable fragments in halves: a thousand fragments cost a dozen whole-string checks, not a thousand', () => {
    let text = '';
    const records = (i: number) => Array.from({ length: 6 }, (_, j) => ({ id: i * 10 + j, name: `name ${j}`, status: 'shipped', ok: j % 2 === 0 }));
    for (let i = 0; i < 1000; i++) text += `batch ${i}:\n${JSON.stringify(records(i))}\n`;
    // A counter under which each fragment pays off alone, but any string with two or more
    // fragments costs more than the original: the whole-string check fails until one is left.
    const fences = (s: string) => s.split('```ktof ').length - 1;
    let wholeChecks = 0;
    const count = (s: string) => {
      if (s.length > text.length / 2) wholeChecks++;
      return countTokens(s) + (fences(s) >= 2 ? 100_000 : 0);
    };
    const { detections, prompt } = encodePrompt(text, { countTokens: count });
    expect(detections).toHaveLength(1);
    expect(decodePrompt(prompt)).toBe(text);
    expect(wholeChecks).toBeLessThanOrEqual(2 + 2 * Math.ceil(Math.log2(1000)));
  });
});
