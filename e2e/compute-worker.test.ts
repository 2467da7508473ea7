/**
 * The compute worker seen from outside: a `kaizen serve` process of its own (default threshold,
 * 64 KiB), so the event loop measured is not this test process's. In-process checks of the
 * worker are in packages/server/test/compute.test.ts.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { kaizen, removeTempDirs, serve, tempDir } from '@kaizen/testkit';

afterAll(() => removeTempDirs());

describe('large requests on the compute worker', () => {
  it('a large request leaves the event loop free: health answers while it is counted', async () => {
    // A server process of its own (default threshold, 64 KiB), so this process's loop is not the one measured.
    const dataDir = tempDir();
    const key = (await kaizen(['keys', 'create', '--data', dataDir, '--tenant', 'acme'])).stdout.trim();
    const server = await serve(['--data', dataDir]);
    try {
      // ~450 K characters of base64: exact counting for three tokenizers takes over a second.
      const blob = randomBytes(330_000).toString('base64');
      const order: string[] = [];
      const large = fetch(`${server.url}/v1/optimize`, {
        method: 'POST',
        headers: { 'x-api-key': key, 'content-type': 'application/json' },
        body: JSON.stringify({ data: { blob }, token_models: ['gpt-4o', 'gpt-4', 'claude-3-5-haiku'] }),
      }).then(async (r) => {
        order.push('large');
        return { status: r.status, body: (await r.json()) as any };
      });
      // Long enough for the body to arrive and the counting to start; far shorter than the counting.
      await new Promise((resolve) => setTimeout(resolve, 300));
      const health = await fetch(`${server.url}/`);
      order.push('health');
      const result = await large;
      expect(health.status).toBe(200);
      expect(result.status).toBe(200);
      expect(result.body.token_stats['gpt-4o'].estimated).toBe(false);
      expect(order).toEqual(['health', 'large']);
    } finally {
      server.child.kill('SIGTERM');
      await server.exited;
    }
  });
});
