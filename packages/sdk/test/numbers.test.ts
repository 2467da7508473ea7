/** Numbers a JS number cannot hold keep their digits through the SDK, in local mode and against the real server. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KtofNumber, stringifyJson } from '@kaizen/ktof';
import { KaizenClient } from '../src/index.js';
import { type RealServer, startRealServer } from './helpers/real-server.js';

let real: RealServer;
beforeAll(async () => {
  real = await startRealServer({});
});
afterAll(() => real.close());

const DATA = { id: new KtofNumber('12345678901234567890'), next: 9007199254740993n, zero: -0, rows: [{ n: 1 }, { n: new KtofNumber('0.1000000000000000000001') }] };
const EXACT = '{"id":12345678901234567890,"next":9007199254740993,"zero":-0,"rows":[{"n":1},{"n":0.1000000000000000000001}]}';

describe.each([
  ['local', () => KaizenClient.local()],
  ['remote', () => new KaizenClient({ baseUrl: real.url, apiKey: real.key, logLevel: 'off' })],
])('%s client', (_name, client) => {
  it('compresses and decompresses them digit for digit', async () => {
    const kaizen = client();
    const packed = await kaizen.compress({ data: DATA });
    expect(packed.result).toContain('id: 12345678901234567890\nnext: 9007199254740993\nzero: -0');
    const back = await kaizen.decompress({ data: packed.result });
    expect(stringifyJson(back.result)).toBe(EXACT);
    expect((back.result as { id: KtofNumber }).id).toBeInstanceOf(KtofNumber);
  });
});
