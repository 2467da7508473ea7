/**
 * The gateway in a fleet: two `kaizen serve --redis` replicas (started by the CLI with the
 * gateway flags) behind one fake upstream. Both send the same bytes for the same request, and
 * a tenant's rate limit is shared, its 429s in the vendor's error shape.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKey, KaizenProcess, RedisProcess } from '@kaizen/testkit';
import { refilledWithin } from '../helpers.js';
import { NGINX, startNginx } from '../fleet/nginx.js';
import { FakeUpstream, gatedChatStream } from '../../packages/server/test/gateway/fake-upstream.js';
import { ANTHROPIC_SDKS, OPENAI_SDKS } from '../../packages/server/test/gateway/sdks.js';

const RATE_LIMIT = 8;
const fake = new FakeUpstream();
const redis = new RedisProcess();
let a: KaizenProcess;
let b: KaizenProcess;
let key: string;

const rows = JSON.stringify(Array.from({ length: 40 }, (_, i) => ({ id: i, sku: `SKU-${i}`, qty: i % 4, price: i * 1.25 })));

beforeAll(async () => {
  await Promise.all([fake.start(), redis.start()]);
  key = await createKey('acme', { redisUrl: redis.url });
  const replica = () =>
    new KaizenProcess({
      redisUrl: redis.url,
      args: ['--rate-limit', String(RATE_LIMIT), '--openai-upstream', `${fake.url}/v1`, '--anthropic-upstream', fake.url],
      env: { KAIZEN_OPENAI_API_KEY: 'sk-fleet-openai', KAIZEN_ANTHROPIC_API_KEY: 'sk-fleet-anthropic' },
    });
  a = replica();
  b = replica();
  await Promise.all([a.start(), b.start()]);
});

afterAll(async () => {
  await Promise.all([a?.dispose(), b?.dispose()]);
  await Promise.all([redis.dispose(), fake.close()]);
});

describe('the gateway on two replicas sharing Redis', () => {
  it('both replicas rewrite a request to the same bytes, with their own vendor key, and both list the gateway', async () => {
    const OpenAI = await OPENAI_SDKS[0]!.load();
    const bodies: string[] = [];
    for (const replica of [a, b]) {
      const openai = new OpenAI({ baseURL: `${replica.url}/openai/v1`, apiKey: key, maxRetries: 0 });
      await openai.chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'tool', tool_call_id: 'c1', content: rows }] });
      expect(fake.last.headers.authorization).toBe('Bearer sk-fleet-openai');
      bodies.push(fake.last.body);
      const health = await (await fetch(`${replica.url}/`)).json();
      expect(health.gateway.upstreams.anthropic).toEqual({ url: fake.url, key_configured: true });
    }
    expect(bodies[0]).toContain('```ktof');
    expect(bodies[1]).toBe(bodies[0]);

    const Anthropic = await ANTHROPIC_SDKS[0]!.load();
    const anthropic = new Anthropic({ baseURL: `${b.url}/anthropic`, apiKey: key, maxRetries: 0 });
    await anthropic.messages.create({ model: 'claude-sonnet-4', max_tokens: 10, messages: [{ role: 'user', content: rows }] });
    expect(fake.last.headers['x-api-key']).toBe('sk-fleet-anthropic');
  });

  it('shares a tenant\'s rate limit across replicas; refusals are 429s the SDK reads as RateLimitError', async () => {
    const tenantKey = await createKey('limited', { redisUrl: redis.url });
    const OpenAI = await OPENAI_SDKS[0]!.load();
    const clients = [a, b].map((replica) => new OpenAI({ baseURL: `${replica.url}/openai/v1`, apiKey: tenantKey, maxRetries: 0 }));
    const attempts = RATE_LIMIT * 2;
    const started = Date.now();
    const outcomes = await Promise.all(
      Array.from({ length: attempts }, (_, i) =>
        clients[i % 2]!.chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: `hi ${i}` }] }).then(
          () => 'ok',
          (error: unknown) => error,
        ),
      ),
    );
    const dripped = refilledWithin(RATE_LIMIT, Date.now() - started);
    const ok = outcomes.filter((o) => o === 'ok').length;
    const limited = outcomes.filter((o) => o instanceof OpenAI.RateLimitError);
    expect(ok + limited.length).toBe(attempts);
    // A bucket of RATE_LIMIT, refilling RATE_LIMIT a minute: only what dripped in meanwhile gets past it.
    expect(ok).toBeGreaterThanOrEqual(RATE_LIMIT);
    expect(ok).toBeLessThanOrEqual(RATE_LIMIT + dripped);
    const first = limited[0] as InstanceType<typeof OpenAI.RateLimitError>;
    expect(first.error).toMatchObject({ type: 'rate_limit_error', code: 'rate_limited' });
    expect(first.headers?.get('retry-after')).toBeTruthy();
  });

  it.skipIf(!NGINX)('streams through docs/nginx/kaizen.conf chunk by chunk (the second chunk is only sent once the first arrived)', async () => {
    const nginx = await startNginx([a.port, b.port]);
    try {
      const gated = gatedChatStream(['Hello', ' fleet']);
      fake.respond(gated.responder);
      const OpenAI = await OPENAI_SDKS[0]!.load();
      const openai = new OpenAI({ baseURL: `${nginx.url}/openai/v1`, apiKey: key, maxRetries: 0 });
      const stream = await openai.chat.completions.create({ model: 'gpt-4o', stream: true, messages: [{ role: 'user', content: 'hi' }] });
      let text = '';
      for await (const chunk of stream) {
        text += chunk.choices[0]?.delta?.content ?? '';
        if (text === 'Hello') gated.release();
      }
      expect(text).toBe('Hello fleet');
    } finally {
      fake.respond(undefined);
      await nginx.close();
    }
  });
});
