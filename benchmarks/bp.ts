import { createEngine, MemoryPayloadStore } from '@kaizen/core';
import { parseRequest } from '@kaizen/protocol';
import { chatPrompt } from './lib/chat-prompts.js';
const prompts = Array.from({ length: 128 }, (_, i) => chatPrompt(i + 1));
const engine = createEngine({ store: new MemoryPayloadStore(), version: 'bench' });
const context = { tenant: 'bench', requestId: 'bench' };
async function perCall(fn: (i: number) => unknown, n = 3000) {
  for (let i = 0; i < 300; i++) await fn(i);
  const t = performance.now();
  for (let i = 0; i < n; i++) await fn(i + 1000);
  return (performance.now() - t) / n;
}
const prompt = (i: number) => structuredClone(prompts[i % prompts.length]) as never;
for (let r = 0; r < 3; r++) {
console.log('engine.promptsEncode ms', (await perCall((i) => engine.promptsEncode(parseRequest('promptsEncode', { prompt: prompt(i), token_models: ['gpt-4o-mini'] }), context))).toFixed(3));
console.log('engine.compress ms', (await perCall((i) => engine.compress(parseRequest('compress', { data: prompt(i) }), context))).toFixed(3));
}
