/**
 * The documented nginx configuration (docs/nginx/kaizen.conf), run for real in front of two
 * `kaizen serve --redis` replicas: requests spread over both, any replica decodes any payload,
 * and when one replica dies nginx routes around it.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKey, KaizenProcess, postJson, RedisProcess } from '@kaizen/testkit';
import { samplePrompt } from '../helpers.js';
import { NGINX, NGINX_EXAMPLE, rewriteExample, startNginx } from './nginx.js';

describe('docs/nginx/kaizen.conf', () => {
  it('rewrites to any set of replica ports', () => {
    const text = rewriteExample(readFileSync(NGINX_EXAMPLE, 'utf8'), [1111, 2222, 3333], 4444);
    expect(text.match(/server 127\.0\.0\.1:(1111|2222|3333) max_fails=3 fail_timeout=10s;/g)).toHaveLength(3);
    expect(text).toContain('listen 127.0.0.1:4444;');
    expect(text).not.toContain(':8787');
  });
});

describe.skipIf(!NGINX)('nginx in front of two replicas', () => {
  const redis = new RedisProcess();
  let a: KaizenProcess;
  let b: KaizenProcess;
  let nginx: Awaited<ReturnType<typeof startNginx>>;
  let key: string;

  beforeAll(async () => {
    await redis.start();
    key = await createKey('acme', { redisUrl: redis.url });
    a = new KaizenProcess({ redisUrl: redis.url, args: ['--rate-limit', '100000'] });
    b = new KaizenProcess({ redisUrl: redis.url, args: ['--rate-limit', '100000'] });
    await Promise.all([a.start(), b.start()]);
    nginx = await startNginx([a.port, b.port]);
  });

  afterAll(async () => {
    await nginx?.close();
    await Promise.all([a?.dispose(), b?.dispose()]);
    await redis.dispose();
  });

  it('spreads requests over both replicas, which share every payload', async () => {
    const items = await Promise.all(
      Array.from({ length: 20 }, async (_, i) => {
        const prompt = samplePrompt(i);
        const r = await postJson(nginx.url, '/v1/prompts/encode', { prompt }, key, { headers: { 'x-request-id': `nginx-${i}` } });
        expect(r.status).toBe(200);
        // nginx forwards the caller's request id and the replica echoes it.
        expect(r.headers.get('x-request-id')).toBe(`nginx-${i}`);
        return { id: r.body.meta.payload_id as string, prompt };
      }),
    );
    for (const item of items) expect((await postJson(nginx.url, '/v1/prompts/decode', { ktof: item.id }, key)).body.result).toEqual(item.prompt);
    // Both replicas logged requests (least_conn with 20 concurrent requests uses both).
    expect(a.output).toContain('/v1/prompts');
    expect(b.output).toContain('/v1/prompts');
  });

  it('passes errors through unchanged (401, 413 at the nginx limit)', async () => {
    const noKey = await postJson(nginx.url, '/v1/compress', { data: 1 });
    expect(noKey.status).toBe(401);
    expect(noKey.body.code).toBe('missing_api_key');
    const huge = await postJson(nginx.url, '/v1/compress', { data: 'x'.repeat(5 * 1024 * 1024) }, key);
    expect(huge.status).toBe(413);
  });

  it('routes around a dead replica', async () => {
    await a.kill9();
    const results = await Promise.all(Array.from({ length: 10 }, (_, i) => postJson(nginx.url, '/v1/compress', { data: { i } }, key)));
    expect(results.map((r) => r.status)).toEqual(Array(10).fill(200));
  });
});
