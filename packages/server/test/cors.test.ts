import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig, ConfigError } from '../src/index.js';
import { removeTempDirs, startTestServer, type TestServer } from './helpers.js';

const APP = 'https://app.example.com';
const servers: TestServer[] = [];
afterAll(async () => {
  await Promise.all(servers.map((s) => s.server.close()));
  removeTempDirs();
});

async function preflight(url: string, origin: string) {
  return fetch(`${url}/v1/compress`, {
    method: 'OPTIONS',
    headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type,x-api-key,x-request-id' },
  });
}

describe('CORS', () => {
  it('is off by default: no CORS headers, so browsers on other origins are refused', async () => {
    const t = await startTestServer();
    servers.push(t);
    const response = await fetch(`${t.url}/`, { headers: { origin: APP } });
    expect(response.headers.get('access-control-allow-origin')).toBeNull();
    expect((await preflight(t.url, APP)).headers.get('access-control-allow-origin')).toBeNull();
  });

  it('answers preflights without a key and marks responses for the listed origins only', async () => {
    const t = await startTestServer({ corsOrigins: [APP] });
    servers.push(t);
    const allowed = await preflight(t.url, APP);
    expect(allowed.status).toBe(204);
    expect(allowed.headers.get('access-control-allow-origin')).toBe(APP);
    expect(allowed.headers.get('access-control-allow-headers')).toContain('x-api-key');

    const call = await t.call('/v1/compress', { data: [1, 2] }, { headers: { origin: APP } });
    expect(call.status).toBe(200);
    expect(call.headers.get('access-control-allow-origin')).toBe(APP);
    expect(call.headers.get('access-control-expose-headers')).toContain('x-request-id');

    const refused = await t.call('/v1/compress', { data: [1] }, { key: null, headers: { origin: APP } });
    expect(refused.status).toBe(401);
    expect(refused.headers.get('access-control-allow-origin')).toBe(APP);

    const other = await preflight(t.url, 'https://evil.example.net');
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('reads KAIZEN_CORS_ORIGINS and refuses values that are not origins', () => {
    expect(loadConfig({}, { KAIZEN_CORS_ORIGINS: `${APP}, http://localhost:5173` }).corsOrigins).toEqual([APP, 'http://localhost:5173']);
    expect(loadConfig({}, { KAIZEN_CORS_ORIGINS: '*' }).corsOrigins).toEqual(['*']);
    expect(() => loadConfig({}, { KAIZEN_CORS_ORIGINS: 'https://app.example.com/path' })).toThrow(ConfigError);
    expect(() => loadConfig({}, { KAIZEN_CORS_ORIGINS: 'app.example.com' })).toThrow(/origins like/);
  });
});
