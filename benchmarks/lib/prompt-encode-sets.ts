/** The request sets `bench:prompt-encode` times (request i of a set; sets cycle or never repeat). */
import type { BodyOperationName } from '@kaizen/protocol';
import { chatPrompt, encodeBody } from './chat-prompts.js';
import { promptScenarios } from './prompt-scenarios.js';
import { datasets } from '../data/index.js';
import { encode } from '@kaizen/ktof';

export interface RequestSet {
  name: string;
  request(i: number): { op: BodyOperationName; body: string };
}

/** Distinct prompts bench:server cycles through. */
const SERVER_PROMPTS = 128;

export function requestSets(): RequestSet[] {
  const server = Array.from({ length: SERVER_PROMPTS }, (_, i) => encodeBody(chatPrompt(i + 1)));
  const chats = promptScenarios().map((c) => JSON.stringify({ prompt: c.request, token_models: ['gpt-4o'] }));
  const documents = datasets(42).map((d) => JSON.stringify({ data: encode(d.value) }));
  return [
    { name: 'prompts.encode, bench:server chats (128, cycled: per-string caches warm)', request: (i) => ({ op: 'promptsEncode', body: server[i % server.length]! }) },
    { name: 'prompts.encode, bench:server chats, every prompt new', request: (i) => ({ op: 'promptsEncode', body: encodeBody(chatPrompt(1_000_000 + i)) }) },
    { name: 'prompts.encode, bench:prompts chats (15, cycled), gpt-4o', request: (i) => ({ op: 'promptsEncode', body: chats[i % chats.length]! }) },
    { name: 'decompress, bench:speed datasets (cycled)', request: (i) => ({ op: 'decompress', body: documents[i % documents.length]! }) },
  ];
}
