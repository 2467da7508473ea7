/**
 * Payloads stored before `result` became one KTOF string (their `encoded` column holds the
 * structure-preserving form) still decode to the same value: prompts.decode by id answers from
 * `original`, over real HTTP, from the real SQLite file, after a restart.
 */
import { afterAll, expect, it } from 'vitest';
import { removeTempDirs, startTestServer, tempDir } from './helpers.js';

afterAll(removeTempDirs);

it('a row written in the previous format decodes to its original after a restart', async () => {
  const dataDir = tempDir();
  const original = { model: 'gpt-4o', messages: [{ role: 'user', content: 'Totals: [{"id":1,"total":9.5},{"id":2,"total":20}]' }] };
  const first = await startTestServer({ dataDir });
  const now = Date.now();
  await first.server.backends.payloads.put({
    id: 'kz_PreviousFormatRow000A',
    tenant: 'acme',
    // What the previous engine stored: the chat request with a KTOF fragment in its content.
    encoded: { model: 'gpt-4o', messages: [{ role: 'user', content: 'Totals: \n```ktof j0<\n[2]{id,total}:\n  1,9.5\n  2,20\n```' }] },
    original,
    metadata: { user: 'u-7' },
    meta: { format: 'ktof', version: '1', detections: [{ path: '/messages/0/content', kind: 'embedded' }] },
    createdAt: now,
    expiresAt: now + 3_600_000,
  });
  await first.server.close();

  const second = await startTestServer({ dataDir });
  try {
    const key = (await second.server.backends.keys.create('acme')).key;
    const answer = await second.call('/v1/prompts/decode', { ktof: 'kz_PreviousFormatRow000A', metadata: { by: 'compat' } }, { key });
    expect(answer.status).toBe(200);
    expect(JSON.stringify(answer.body.result)).toBe(JSON.stringify(original));
    expect(answer.body.metadata).toMatchObject({ user: 'u-7', by: 'compat' });
  } finally {
    await second.server.close();
  }
});
