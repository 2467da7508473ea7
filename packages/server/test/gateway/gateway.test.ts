/**
 * The gateway through the real vendor SDKs: `openai` and `@anthropic-ai/sdk` pointed at
 * `kaizen serve`'s /openai/v1 and /anthropic routes, with a fake upstream on loopback that
 * records exactly what it received.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROMPT_PRIMER } from '@kaizen/prompt';
import { logCapture, startTestServer, removeTempDirs, waitFor, type TestServer } from '../helpers.js';
import { CHAT_COMPLETION, chatChunks, FakeUpstream, gatedChatStream, MESSAGE, sendJson } from './fake-upstream.js';
import { ANTHROPIC_SDKS, OPENAI_SDKS } from './sdks.js';

const OPENAI_VENDOR_KEY = 'sk-proj-VENDORSECRET-openai-0123456789';
const ANTHROPIC_VENDOR_KEY = 'sk-ant-VENDORSECRET-anthropic-0123456789';

const orders = Array.from({ length: 40 }, (_, i) => ({ id: `A-${1000 + i}`, customer: `Customer ${i}`, total: 10 + i * 2.5, status: i % 3 ? 'paid' : 'late' }));
const ORDERS_JSON = JSON.stringify(orders);

const fake = new FakeUpstream();
let gw: TestServer;
let logs: ReturnType<typeof logCapture>;

beforeAll(async () => {
  await fake.start();
  logs = logCapture();
  gw = await startTestServer({
    openaiUpstream: `${fake.url}/v1`,
    anthropicUpstream: fake.url,
    openaiApiKey: OPENAI_VENDOR_KEY,
    anthropicApiKey: ANTHROPIC_VENDOR_KEY,
    gatewayTimeoutMs: 1_000,
    logLevel: 'debug',
    logDestination: logs.stream,
  });
});

afterAll(async () => {
  await gw?.server.close();
  await fake.close();
  removeTempDirs();
});

function upstreamJson() {
  return JSON.parse(fake.last.body);
}

function countOccurrences(text: string, part: string): number {
  return text.split(part).length - 1;
}

for (const sdk of OPENAI_SDKS) {
  describe(`OpenAI SDK ${sdk.label} through /openai/v1`, () => {
    async function client(options: Record<string, unknown> = {}) {
      const OpenAI = await sdk.load();
      return new OpenAI({ baseURL: `${gw.url}/openai/v1`, apiKey: gw.key, maxRetries: 0, ...options });
    }

    it('chat completion: JSON in a tool result becomes KTOF with the primer once, the vendor key replaces the Kaizen key, the answer comes back unchanged', async () => {
      fake.respond(undefined);
      const openai = await client();
      const tools = [{ type: 'function' as const, function: { name: 'list_orders', description: 'Lists orders', parameters: { type: 'object', properties: { since: { type: 'string' } } } } }];
      const { data, response } = await openai.chat.completions
        .create({
          model: 'gpt-4o-mini',
          tools,
          messages: [
            { role: 'system', content: 'You summarise orders.' },
            { role: 'user', content: 'Which orders are late?' },
            { role: 'assistant', content: null, tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'list_orders', arguments: '{"since":"2024-01-01"}' } }] },
            { role: 'tool', tool_call_id: 'call_1', content: ORDERS_JSON },
          ],
        })
        .withResponse();
      expect(data).toEqual(CHAT_COMPLETION);
      const received = fake.last;
      expect(received.path).toBe('/v1/chat/completions');
      expect(received.headers.authorization).toBe(`Bearer ${OPENAI_VENDOR_KEY}`);
      expect(JSON.stringify(received.headers)).not.toContain(gw.key);
      const sent = upstreamJson();
      expect(sent.tools).toEqual(tools);
      expect(sent.messages[0].content).toBe('You summarise orders.');
      expect(sent.messages[2].tool_calls[0].function.arguments).toBe('{"since":"2024-01-01"}');
      expect(sent.messages[3].content.startsWith(PROMPT_PRIMER)).toBe(true);
      expect(sent.messages[3].content).toContain('```ktof');
      expect(countOccurrences(received.body, JSON.stringify(PROMPT_PRIMER).slice(1, 40))).toBe(1);
      const original = Number(response.headers.get('x-kaizen-tokens-original'));
      const tokensSent = Number(response.headers.get('x-kaizen-tokens-sent'));
      expect(original).toBeGreaterThan(tokensSent);
      expect(response.headers.get('x-kaizen-tokens-estimated')).toBe('false');
      // The vendor's request id is the one the SDK reports.
      expect(response.headers.get('x-request-id')).toBe('req_upstream_1');
      expect(response.headers.get('x-kaizen-request-id')).toBeTruthy();
    });

    it('a chat without JSON goes upstream byte for byte', async () => {
      const openai = await client();
      await openai.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Hello there, how are you today?' }], temperature: 0.5 });
      expect(fake.last.body).toBe(JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Hello there, how are you today?' }], temperature: 0.5 }));
    });

    it('streams chunks as they arrive (the second is only sent once the first reached the SDK)', async () => {
      const gated = gatedChatStream(['Hello', ' world']);
      fake.respond(gated.responder);
      const openai = await client();
      const { data: stream, response } = await openai.chat.completions
        .create({ model: 'gpt-4o-mini', stream: true, messages: [{ role: 'user', content: `Data: ${ORDERS_JSON}` }] })
        .withResponse();
      // nginx in front must not buffer the stream either.
      expect(response.headers.get('x-accel-buffering')).toBe('no');
      let text = '';
      for await (const chunk of stream) {
        text += chunk.choices[0]?.delta?.content ?? '';
        if (text === 'Hello') gated.release();
      }
      expect(text).toBe('Hello world');
      expect(upstreamJson().stream).toBe(true);
      fake.respond(undefined);
    });

    it('responses: JSON inside input items is encoded, instructions and the answer pass through', async () => {
      const openai = await client();
      const response = await openai.responses.create({
        model: 'gpt-4o-mini',
        instructions: 'Answer briefly.',
        input: [{ role: 'user', content: [{ type: 'input_text', text: ORDERS_JSON }] }],
      });
      expect(response.output_text).toBe('Done.');
      expect(fake.last.path).toBe('/v1/responses');
      const sent = upstreamJson();
      expect(sent.instructions).toBe('Answer briefly.');
      expect(sent.input[0].content[0].text).toContain('```ktof');
    });

    it('models.list passes through', async () => {
      const openai = await client();
      const models = [];
      for await (const model of openai.models.list()) models.push(model.id);
      expect(models).toEqual(['gpt-4o-mini']);
      expect(fake.last.method).toBe('GET');
      expect(fake.last.path).toBe('/v1/models');
    });

    it('an upstream error keeps its status and body', async () => {
      fake.respond((_request, response) => sendJson(response, 400, { error: { message: 'max_tokens is too large', type: 'invalid_request_error', param: 'max_tokens', code: null } }));
      const openai = await client();
      const error = await openai.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf((await sdk.load()).BadRequestError);
      expect((error as { status: number }).status).toBe(400);
      expect((error as Error).message).toContain('max_tokens is too large');
      fake.respond(undefined);
    });

    it('an upstream that does not answer in time is a 504 in the OpenAI error shape', async () => {
      fake.respond(() => undefined); // never answers
      const openai = await client();
      const error = (await openai.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] }).catch((e: unknown) => e)) as {
        status: number;
        error: { type: string; code: string };
      };
      expect(error.status).toBe(504);
      expect(error.error.type).toBe('server_error');
      expect(error.error.code).toBe('upstream_timeout');
      fake.respond(undefined);
    });

    it('a Kaizen key that is unknown is a 401 the SDK reads as AuthenticationError', async () => {
      const openai = await client({ apiKey: 'kzk_not-a-real-key-000000000000000' });
      const error = await openai.models.list().catch((e: unknown) => e);
      expect(error).toBeInstanceOf((await sdk.load()).AuthenticationError);
    });

    it('a caller that gives up before the upstream answers aborts the upstream request', async () => {
      fake.respond(() => undefined); // never answers
      const openai = await client({ timeout: 150 });
      const error = await openai.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf((await sdk.load()).APIConnectionTimeoutError);
      const waiting = fake.last;
      // Polled up to a bound a loaded machine stays far below: a missing abort is never seen at all.
      await waitFor('the upstream request to be aborted', () => waiting.aborted).catch(() => {});
      expect(waiting.aborted).toBe(true);
      fake.respond(undefined);
    });

    it('an unknown route under /openai is a 404 in the OpenAI shape that lists the routes', async () => {
      const response = await fetch(`${gw.url}/openai/v1/embeddings`, { method: 'POST', headers: { authorization: `Bearer ${gw.key}`, 'content-type': 'application/json' }, body: '{}' });
      expect(response.status).toBe(404);
      const body = await response.json();
      expect(body.error.type).toBe('not_found_error');
      expect(body.error.message).toContain('POST /openai/v1/chat/completions');
    });

    it('a caller that aborts a stream aborts the upstream request', async () => {
      let upstreamClosed!: () => void;
      const closed = new Promise<void>((resolve) => (upstreamClosed = resolve));
      fake.respond((_request, response) => {
        response.writeHead(200, { 'content-type': 'text/event-stream' });
        response.write(chatChunks(['a'])[1]!);
        const timer = setInterval(() => response.write(': keep-alive\n\n'), 20);
        response.on('close', () => {
          clearInterval(timer);
          upstreamClosed();
        });
      });
      const openai = await client();
      const controller = new AbortController();
      const stream = await openai.chat.completions.create({ model: 'gpt-4o-mini', stream: true, messages: [{ role: 'user', content: 'hi' }] }, { signal: controller.signal });
      for await (const _chunk of stream) {
        controller.abort();
        break;
      }
      await closed;
      expect(fake.last.aborted).toBe(true);
      fake.respond(undefined);
    });
  });
}

for (const sdk of ANTHROPIC_SDKS) {
  describe(`Anthropic SDK ${sdk.label} through /anthropic`, () => {
    async function client(options: Record<string, unknown> = {}) {
      const Anthropic = await sdk.load();
      return new Anthropic({ baseURL: `${gw.url}/anthropic`, apiKey: gw.key, maxRetries: 0, ...options });
    }

    it('messages: tool_result JSON becomes KTOF, the system prompt and tools pass through, x-api-key carries the vendor key', async () => {
      fake.respond(undefined);
      const anthropic = await client();
      const tools = [{ name: 'list_orders', description: 'Lists orders', input_schema: { type: 'object' as const, properties: { since: { type: 'string' } } } }];
      const message = await anthropic.messages.create({
        model: 'claude-sonnet-4-20250514',
        max_tokens: 100,
        system: 'You summarise orders.',
        tools,
        messages: [
          { role: 'user', content: 'Which orders are late?' },
          { role: 'assistant', content: [{ type: 'tool_use', id: 'toolu_1', name: 'list_orders', input: { since: '2024-01-01' } }] },
          { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_1', content: ORDERS_JSON }] },
        ],
      });
      expect(message).toEqual(MESSAGE);
      const received = fake.last;
      expect(received.path).toBe('/v1/messages');
      expect(received.headers['x-api-key']).toBe(ANTHROPIC_VENDOR_KEY);
      expect(received.headers.authorization).toBeUndefined();
      expect(received.headers['anthropic-version']).toBeTruthy();
      expect(JSON.stringify(received.headers)).not.toContain(gw.key);
      const sent = upstreamJson();
      expect(sent.system).toBe('You summarise orders.');
      expect(sent.tools).toEqual(tools);
      expect(sent.messages[1].content[0].input).toEqual({ since: '2024-01-01' });
      expect(sent.messages[2].content[0].content.startsWith(PROMPT_PRIMER)).toBe(true);
    });

    it('streams events as they arrive', async () => {
      const anthropic = await client();
      const stream = anthropic.messages.stream({ model: 'claude-sonnet-4-20250514', max_tokens: 50, messages: [{ role: 'user', content: ORDERS_JSON }] });
      const text = await stream.finalText();
      expect(text).toBe('Two orders.');
      expect(upstreamJson().messages[0].content).toContain('```ktof');
    });

    it('count_tokens sees the rewritten request', async () => {
      const anthropic = await client();
      const counted = await anthropic.messages.countTokens({ model: 'claude-sonnet-4-20250514', messages: [{ role: 'user', content: ORDERS_JSON }] });
      expect(counted.input_tokens).toBe(42);
      expect(fake.last.path).toBe('/v1/messages/count_tokens');
      expect(upstreamJson().messages[0].content).toContain('```ktof');
    });

    it('an unreachable upstream is a 502 in the Anthropic error shape', async () => {
      const dead = await startTestServer({ anthropicUpstream: 'http://127.0.0.1:9', anthropicApiKey: ANTHROPIC_VENDOR_KEY });
      try {
        const Anthropic = await sdk.load();
        const anthropic = new Anthropic({ baseURL: `${dead.url}/anthropic`, apiKey: dead.key, maxRetries: 0 });
        const error = (await anthropic.messages.create({ model: 'claude-sonnet-4', max_tokens: 5, messages: [{ role: 'user', content: 'hi' }] }).catch((e: unknown) => e)) as {
          status: number;
          error: { type: string; error: { type: string; message: string } };
        };
        expect(error.status).toBe(502);
        expect(error.error.type).toBe('error');
        expect(error.error.error.type).toBe('api_error');
        expect(error.error.error.message).toContain('could not be reached');
      } finally {
        await dead.server.close();
      }
    });
  });
}

describe('gateway modes and guarantees', () => {
  it('a route whose vendor key is not configured answers 503 saying which variable to set', async () => {
    const bare = await startTestServer({ openaiUpstream: `${fake.url}/v1` });
    try {
      const response = await fetch(`${bare.url}/openai/v1/chat/completions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${bare.key}`, 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'gpt-4o-mini', messages: [] }),
      });
      expect(response.status).toBe(503);
      const body = await response.json();
      expect(body.error.message).toContain('KAIZEN_OPENAI_API_KEY');
      expect(body.error.code).toBe('vendor_key_missing');
    } finally {
      await bare.server.close();
    }
  });

  it("a body over --max-body is a 413 that Node's fetch can read (the rest of the body is drained first)", async () => {
    const before = fake.received.length;
    for (const size of [5, 9, 16]) {
      const response = await fetch(`${gw.url}/openai/v1/chat/completions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${gw.key}`, 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'gpt-4o', messages: [{ role: 'user', content: 'x'.repeat(size * 1024 * 1024) }] }),
      });
      expect(response.status).toBe(413);
      expect((await response.json()).error.code).toBe('payload_too_large');
    }
    expect(fake.received.length).toBe(before);
  });

  it('a body over --max-body is a 413 in the Anthropic shape, counted as such, and nothing goes upstream', async () => {
    const small = await startTestServer({ anthropicUpstream: fake.url, anthropicApiKey: ANTHROPIC_VENDOR_KEY, maxBodyBytes: 2_000 });
    try {
      const before = fake.received.length;
      const Anthropic = await ANTHROPIC_SDKS[0]!.load();
      const anthropic = new Anthropic({ baseURL: `${small.url}/anthropic`, apiKey: small.key, maxRetries: 0 });
      const error = (await anthropic.messages.create({ model: 'claude-sonnet-4', max_tokens: 5, messages: [{ role: 'user', content: ORDERS_JSON }] }).catch((e: unknown) => e)) as {
        status: number;
        error: { error: { type: string; message: string } };
      };
      expect(error.status).toBe(413);
      expect(error.error.error.type).toBe('request_too_large');
      expect(error.error.error.message).toContain('--max-body');
      expect(fake.received.length).toBe(before);
      const metrics = await (await fetch(`${small.url}/metrics`)).text();
      expect(metrics).toContain('kaizen_gateway_requests_total{tenant="acme",route="/anthropic/v1/messages",status="413"} 1');
    } finally {
      await small.server.close();
    }
  });

  it('BYOK: the caller\'s vendor key goes upstream untouched, the Kaizen key travels in x-kaizen-api-key and never upstream', async () => {
    const byok = await startTestServer({ openaiUpstream: `${fake.url}/v1`, anthropicUpstream: fake.url, gatewayByok: true });
    try {
      const OpenAI = await OPENAI_SDKS[0]!.load();
      const openai = new OpenAI({ baseURL: `${byok.url}/openai/v1`, apiKey: 'sk-caller-own-key', maxRetries: 0, defaultHeaders: { 'x-kaizen-api-key': byok.key } });
      await openai.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: ORDERS_JSON }] });
      expect(fake.last.headers.authorization).toBe('Bearer sk-caller-own-key');
      expect(JSON.stringify(fake.last.headers)).not.toContain(byok.key);

      for (const sdk of ANTHROPIC_SDKS) {
        const Anthropic = await sdk.load();
        const anthropic = new Anthropic({ baseURL: `${byok.url}/anthropic`, apiKey: 'sk-ant-caller-own', maxRetries: 0, defaultHeaders: { 'x-kaizen-api-key': byok.key } });
        await anthropic.messages.create({ model: 'claude-sonnet-4', max_tokens: 5, messages: [{ role: 'user', content: 'hi' }] });
        // Anthropic SDKs send the key as x-api-key or Authorization: Bearer, depending on version: either goes as sent.
        const vendorCredential = fake.last.headers['x-api-key'] ?? fake.last.headers.authorization;
        expect(vendorCredential, sdk.label).toMatch(/^(Bearer )?sk-ant-caller-own$/);
        expect(JSON.stringify(fake.last.headers)).not.toContain(byok.key);
      }

      // Without the Kaizen header: 401 naming it. A Kaizen key in the vendor header: refused, not forwarded.
      const before = fake.received.length;
      const missing = await new OpenAI({ baseURL: `${byok.url}/openai/v1`, apiKey: 'sk-caller-own-key', maxRetries: 0 }).models.list().catch((e: unknown) => e);
      expect((missing as { status: number }).status).toBe(401);
      expect((missing as Error).message).toContain('x-kaizen-api-key');
      const leaked = await new OpenAI({ baseURL: `${byok.url}/openai/v1`, apiKey: byok.key, maxRetries: 0 }).models.list().catch((e: unknown) => e);
      expect((leaked as { status: number }).status).toBe(401);
      expect(fake.received.length).toBe(before);
    } finally {
      await byok.server.close();
    }
  });

  it('BYOK under --anonymous-loopback needs no Kaizen key from this machine', async () => {
    const byok = await startTestServer({ openaiUpstream: `${fake.url}/v1`, gatewayByok: true, anonymousLoopback: true });
    try {
      const OpenAI = await OPENAI_SDKS[0]!.load();
      const openai = new OpenAI({ baseURL: `${byok.url}/openai/v1`, apiKey: 'sk-caller-own-key', maxRetries: 0 });
      await openai.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] });
      expect(fake.last.headers.authorization).toBe('Bearer sk-caller-own-key');
    } finally {
      await byok.server.close();
    }
  });

  it('x-kaizen-bypass: 1 sends the body untouched; unknown fields and number spellings survive a rewrite byte for byte', async () => {
    const raw = `{"model":"gpt-4o-mini","x_custom":{"a":1.0,"b":"caf\\u00e9"},"messages":[{"role":"user","content":${JSON.stringify(ORDERS_JSON)}}],"temperature":1e0}`;
    const send = (headers: Record<string, string>) =>
      fetch(`${gw.url}/openai/v1/chat/completions?api-version=2024-10-21`, { method: 'POST', headers: { authorization: `Bearer ${gw.key}`, 'content-type': 'application/json', ...headers }, body: raw });
    expect((await send({ 'x-kaizen-bypass': '1' })).status).toBe(200);
    expect(fake.last.body).toBe(raw);
    expect(fake.last.path).toBe('/v1/chat/completions?api-version=2024-10-21');
    expect(fake.last.headers['x-kaizen-bypass']).toBeUndefined();

    const response = await send({});
    expect(response.status).toBe(200);
    const body = fake.last.body;
    expect(body.startsWith('{"model":"gpt-4o-mini","x_custom":{"a":1.0,"b":"caf\\u00e9"},"messages":[{"role":"user","content":"')).toBe(true);
    expect(body.endsWith('"}],"temperature":1e0}')).toBe(true);
    expect(body).toContain('```ktof');
  });

  it('a body that is not JSON goes upstream as sent, for the upstream to judge', async () => {
    fake.respond((_request, response) => sendJson(response, 400, { error: { message: 'We could not parse the JSON body of your request.', type: 'invalid_request_error' } }));
    const response = await fetch(`${gw.url}/openai/v1/chat/completions`, { method: 'POST', headers: { authorization: `Bearer ${gw.key}`, 'content-type': 'application/json' }, body: '{"model": "gpt-4o",' });
    fake.respond(undefined);
    expect(response.status).toBe(400);
    expect((await response.json()).error.message).toContain('could not parse');
    expect(fake.last.body).toBe('{"model": "gpt-4o",');
    expect(response.headers.get('x-kaizen-tokens-original')).toBeNull();
  });

  it('a body not declared JSON is refused with 415 in the vendor error shape and never goes upstream', async () => {
    const before = fake.received.length;
    const response = await fetch(`${gw.url}/openai/v1/chat/completions`, { method: 'POST', headers: { authorization: `Bearer ${gw.key}`, 'content-type': 'text/plain' }, body: '{"model":"gpt-4o","messages":[]}' });
    expect(response.status).toBe(415);
    expect((await response.json()).error.message).toContain('application/json');
    expect(fake.received.length).toBe(before);
  });

  it('GET / lists the gateway routes and which upstreams hold a key', async () => {
    const health = await (await fetch(`${gw.url}/`)).json();
    expect(health.gateway.routes).toEqual([
      'POST /openai/v1/chat/completions',
      'POST /openai/v1/responses',
      'GET /openai/v1/models',
      'POST /anthropic/v1/messages',
      'POST /anthropic/v1/messages/count_tokens',
    ]);
    expect(health.gateway.upstreams.openai).toEqual({ url: `${fake.url}/v1`, key_configured: true });
    expect(health.gateway.mode).toBe('key_injection');
  });

  it('counts per tenant and route in /metrics and writes one access-log line per call with the figures; no key ever reaches a log', async () => {
    const openai = new (await OPENAI_SDKS[0]!.load())({ baseURL: `${gw.url}/openai/v1`, apiKey: gw.key, maxRetries: 0 });
    const { response } = await openai.chat.completions
      .create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: ORDERS_JSON }] }, { headers: { 'x-request-id': 'gw-log-check' } })
      .withResponse();
    const metrics = await (await fetch(`${gw.url}/metrics`)).text();
    expect(metrics).toMatch(/kaizen_gateway_requests_total\{tenant="acme",route="\/openai\/v1\/chat\/completions",status="200"\} \d+/);
    expect(metrics).toMatch(/kaizen_gateway_input_tokens_saved_total\{tenant="acme",route="\/openai\/v1\/chat\/completions"\} \d+/);
    expect(metrics).toMatch(/kaizen_http_requests_total\{route="\/openai\/v1\/chat\/completions"/);
    const linesOfCall = () => logs.lines.map((line) => JSON.parse(line)).filter((line) => line.request_id === 'gw-log-check');
    await waitFor('the access log line of gw-log-check', () => linesOfCall().length > 0);
    const lines = linesOfCall();
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({
      path: '/openai/v1/chat/completions',
      status: 200,
      tenant: 'acme',
      vendor: 'openai',
      upstream_status: 200,
      tokens_original: Number(response.headers.get('x-kaizen-tokens-original')),
      tokens_sent: Number(response.headers.get('x-kaizen-tokens-sent')),
    });
    const everything = logs.text();
    expect(everything).not.toContain(OPENAI_VENDOR_KEY);
    expect(everything).not.toContain(ANTHROPIC_VENDOR_KEY);
    expect(everything).not.toContain(gw.key);
    expect(everything).toContain('[REDACTED]'); // debug lines carried the headers, censored
  });
});
