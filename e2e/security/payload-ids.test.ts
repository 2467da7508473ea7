/**
 * Payload ids are unguessable: `kz_` + 22 base64url characters carrying 128 random bits.
 * Checked on ids minted by a real server (format, length, distinctness, per-bit frequency)
 * and, with a larger sample, on the generator itself.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newPayloadId } from '@kaizen/core';
import { createKey, KaizenProcess, postJson } from '@kaizen/testkit';

const ID_PATTERN = /^kz_[A-Za-z0-9_-]{22}$/;

/** The 128 random bits of an id (22 base64url chars = 132 bits; the last 4 are padding). */
function idBits(id: string): Uint8Array {
  const bytes = Buffer.from(id.slice(3), 'base64url');
  expect(bytes.length).toBe(16);
  const bits = new Uint8Array(128);
  for (let i = 0; i < 128; i++) bits[i] = (bytes[i >> 3]! >> (7 - (i & 7))) & 1;
  return bits;
}

/**
 * Each of the 128 bit positions is set in about half the ids, and so is the total. Bounds are
 * 5.5 standard deviations: a fair generator fails with probability below 1e-5 per run, while a
 * constant, a counter or a timestamp in any position fails at once.
 */
function expectUniformBits(ids: string[]): void {
  const n = ids.length;
  const ones = new Array<number>(128).fill(0);
  for (const id of ids) idBits(id).forEach((bit, i) => (ones[i]! += bit));
  const sd = Math.sqrt(n) / 2;
  const off = ones.map((count, position) => ({ position, count })).filter(({ count }) => Math.abs(count - n / 2) > 5.5 * sd);
  expect(off).toEqual([]);
  const total = ones.reduce((a, b) => a + b, 0);
  expect(Math.abs(total - 64 * n)).toBeLessThan(5.5 * Math.sqrt(128 * n) / 2);
}

function expectDistinctPrefixes(ids: string[]): void {
  expect(new Set(ids).size).toBe(ids.length);
  // Not even the first 64 bits repeat (a birthday collision there would need ~4e9 ids).
  expect(new Set(ids.map((id) => id.slice(0, 3 + 11))).size).toBe(ids.length);
}

describe('payload ids minted by a real server', () => {
  const server = new KaizenProcess({ args: ['--rate-limit', '1000000'] });
  const ids: string[] = [];

  beforeAll(async () => {
    const key = await createKey('acme', { dataDir: server.dataDir });
    await server.start();
    let next = 0;
    await Promise.all(
      Array.from({ length: 16 }, async () => {
        while (next < 800) {
          next++;
          const r = await postJson(server.url, '/v1/prompts/encode', { prompt: 'same prompt every time' }, key);
          expect(r.status).toBe(200);
          ids.push(r.body.meta.payload_id);
        }
      }),
    );
  });

  afterAll(() => server.dispose());

  it('have the documented format and length', () => {
    for (const id of ids) expect(id).toMatch(ID_PATTERN);
  });

  it('never repeat, even for the same prompt, tenant and instant', () => expectDistinctPrefixes(ids));

  it('carry uniformly random bits', () => expectUniformBits(ids));
});

describe('the id generator', () => {
  it('passes the same checks on 20,000 ids', () => {
    const ids = Array.from({ length: 20_000 }, newPayloadId);
    for (const id of ids) expect(id).toMatch(ID_PATTERN);
    expectDistinctPrefixes(ids);
    expectUniformBits(ids);
  });
});
