/**
 * The full lifecycle of a prompt with the Kaizen SDK: encode it, store it, replay it, decode
 * the model's KTOF reply, and handle errors. Run against a local server:
 *
 *   npm start                      # prints an API key on first start
 *   KAIZEN_BASE_URL=http://127.0.0.1:8787 KAIZEN_API_KEY=kzk_... npx tsx examples/lifecycle.ts
 *
 * Or with no server at all: KAIZEN_LOCAL=1 npx tsx examples/lifecycle.ts
 */
import { KaizenClient, KaizenAPIError, KaizenNotFoundError, KaizenValidationError } from '@kaizen/sdk';
import './exit-cleanly.js';

const tickets = [
  { id: 101, customer: 'Ada', priority: 'high', status: 'open', tags: ['billing'] },
  { id: 102, customer: 'Grace', priority: 'low', status: 'closed', tags: ['login', 'mobile'] },
  { id: 103, customer: 'Linus', priority: 'medium', status: 'open', tags: [] },
];

const chat = {
  model: 'gpt-4o-mini',
  messages: [
    { role: 'system', content: 'You triage support tickets. Answer in KTOF.' },
    { role: 'user', content: `Which tickets need attention today?\n${JSON.stringify(tickets)}` },
  ],
};

// `await using` closes the client (and its sockets) when this scope ends, even on errors.
await using kaizen = process.env.KAIZEN_LOCAL ? KaizenClient.local() : KaizenClient.fromEnv();

const health = await kaizen.health();
console.log(`connected: ${kaizen.baseUrl} (version ${health.version})`);

// 1. Encode the outbound request: JSON inside the chat becomes KTOF.
const optimized = await kaizen.optimizeRequest({ prompt: chat, token_models: ['gpt-4o-mini'] });
const tokens = optimized.token_stats['gpt-4o-mini']!;
console.log(`optimize.request: ${tokens.original} -> ${tokens.compressed} tokens for gpt-4o-mini`);

// 2. Store the prompt for audit/replay; metadata is echoed back and kept with it.
const stored = await kaizen.promptsEncode({ prompt: chat, metadata: { ticket_batch: 'daily-triage' } });
const payloadId = stored.meta.payload_id;
console.log(`prompts.encode: stored ${payloadId} until ${stored.meta.expires_at}`);

// 3. Replay it later by id: the original prompt comes back exactly.
const replay = await kaizen.promptsDecode({ ktof: payloadId, metadata: { replayed_by: 'lifecycle-example' } });
const same = JSON.stringify(replay.result) === JSON.stringify(chat);
console.log(`prompts.decode: original restored: ${same}; metadata keys: ${Object.keys(replay.metadata ?? {}).sort().join(', ')}`);

// 4. The model answers in KTOF; turn the reply back into JSON.
const reply = (await kaizen.compress({ data: { attention: [101, 103], reason: 'open and not low priority' } })).result;
const decoded = await kaizen.optimizeResponse({ ktof: reply });
console.log(`optimize.response: ${JSON.stringify(decoded.result)}`);

// 5. Errors are typed: a missing payload id and a bad request.
try {
  await kaizen.promptsDecode({ ktof: 'kz_AAAAAAAAAAAAAAAAAAAAAA' });
} catch (error) {
  if (error instanceof KaizenNotFoundError) console.log(`not found: ${error.statusCode} ${error.code} (request ${error.requestId})`);
  else throw error;
}
try {
  await kaizen.compress({ data: tickets, options: { indent: 0 } });
} catch (error) {
  // Checked locally before any network traffic, with the same detail the server would send.
  if (error instanceof KaizenValidationError) console.log(`invalid: ${error.errors.map((e) => `${e.loc.join('.')}: ${e.msg}`).join('; ')}`);
  else if (error instanceof KaizenAPIError) console.log(`api error ${error.statusCode}: ${error.message}`);
  else throw error;
}

// 6. Many prompts at once, with bounded concurrency and per-item results.
const batch = await kaizen.promptsEncodeBatch(
  tickets.map((ticket) => ({ prompt: { messages: [{ role: 'user', content: JSON.stringify(ticket) }] } })),
  { concurrency: 2 },
);
console.log(`batch: ${batch.filter((r) => r.status === 'fulfilled').length}/${batch.length} stored`);
console.log('done');
