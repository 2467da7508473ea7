/** The request sets `bench:prompt-encode` times (request i of a set; sets cycle or never repeat). */
import type { BodyOperationName } from '@kaizen/protocol';
import { chatPrompt, encodeBody } from './chat-prompts.js';
import { promptScenarios } from './prompt-scenarios.js';
import { datasets } from '../data/index.js';
import { encode } from '@kaizen/ktof';
import { encodePromptDocument } from '@kaizen/prompt';

export interface RequestSet {
  name: string;
  request(i: number): { op: BodyOperationName; body: string };
}

/** Distinct prompts bench:server cycles through. */
const SERVER_PROMPTS = 128;
/** Turns of a conversation before the next one starts. */
const TURNS = 8;

/**
 * Request i of a stream of conversations: each request resends every earlier turn of its
 * conversation and adds one (a user turn carrying new JSON records, after the model's answer to
 * the previous one), as a chat client does; after TURNS turns a new conversation starts. No two
 * requests are the same, so this is the per-string caches' case and never the document cache's.
 */
function conversationBody(i: number): string {
  const conversation = 2_000_000 + Math.floor(i / TURNS) * TURNS;
  const turns = (i % TURNS) + 1;
  const [system] = chatPrompt(conversation).messages;
  const messages: { role: string; content: string }[] = [system!];
  for (let t = 0; t < turns; t++) {
    if (t > 0) messages.push({ role: 'assistant', content: `Orders ${1000 + t} and ${2000 + t} are late; the others are on time.` });
    messages.push(chatPrompt(conversation + t).messages[1]!);
  }
  return JSON.stringify({ prompt: { model: 'gpt-4o-mini', messages }, token_models: ['gpt-4o-mini'] });
}

export function requestSets(): RequestSet[] {
  const server = Array.from({ length: SERVER_PROMPTS }, (_, i) => encodeBody(chatPrompt(i + 1)));
  const chats = promptScenarios().map((c) => JSON.stringify({ prompt: c.request, token_models: ['gpt-4o'] }));
  const values = datasets(42).map((d) => d.value);
  const documents = values.map((value) => JSON.stringify({ data: encode(value) }));
  const data = values.map((value) => JSON.stringify({ data: value }));
  // What prompts.encode returns for them: JSON folded out of their strings, which decompress unfolds.
  const results = promptScenarios().map((c) => JSON.stringify({ data: encodePromptDocument(c.request).ktof }));
  return [
    { name: 'prompts.encode, bench:server chats (128, cycled: per-string caches warm)', request: (i) => ({ op: 'promptsEncode', body: server[i % server.length]! }) },
    { name: 'prompts.encode, bench:server chats, every prompt new', request: (i) => ({ op: 'promptsEncode', body: encodeBody(chatPrompt(1_000_000 + i)) }) },
    { name: `prompts.encode, conversations of ${TURNS} turns, each request one turn longer`, request: (i) => ({ op: 'promptsEncode', body: conversationBody(i) }) },
    { name: 'prompts.encode, bench:prompts chats (15, cycled), gpt-4o', request: (i) => ({ op: 'promptsEncode', body: chats[i % chats.length]! }) },
    { name: 'compress, bench:speed datasets (cycled)', request: (i) => ({ op: 'compress', body: data[i % data.length]! }) },
    { name: 'decompress, bench:speed datasets (cycled)', request: (i) => ({ op: 'decompress', body: documents[i % documents.length]! }) },
    { name: 'decompress, prompts.encode results of the bench:prompts chats (15, cycled)', request: (i) => ({ op: 'decompress', body: results[i % results.length]! }) },
  ];
}
