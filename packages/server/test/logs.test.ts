import { afterAll, describe, expect, it } from 'vitest';
import { removeTempDirs, startTestServer, waitFor } from './helpers.js';

afterAll(removeTempDirs);

describe('logs', () => {
  it('never contain API keys or Authorization values, even at debug level', async () => {
    const t = await startTestServer({ logLevel: 'debug' });
    try {
      await t.call('/v1/compress', { data: 1 });
      await t.call('/v1/compress', { data: 1 }, { key: null, headers: { authorization: `Bearer ${t.key}` } });
      await t.call('/v1/compress', { data: 1 }, { key: 'kzk_someone-elses-wrong-key-xxxxxxxxxx' });
      // One access line per request, written as each response finishes: wait for all three.
      const accessLines = () => t.logs.lines.filter((line) => /"method":"POST"[^\n]*"status":\d+/.test(line)).length;
      await waitFor('three access log lines', () => accessLines() >= 3);
      const text = t.logs.text();
      expect(t.logs.lines.length).toBeGreaterThanOrEqual(3);
      expect(text).not.toContain(t.key);
      expect(text).not.toContain('someone-elses');
      expect(text).toContain('[REDACTED]');
      for (const line of t.logs.lines) expect(() => JSON.parse(line)).not.toThrow();
    } finally {
      await t.server.close();
    }
  });
});
