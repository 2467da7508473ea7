/**
 * `kaizen mcp` (stdio, in-process and --remote) and `/mcp` on `kaizen serve` (Streamable HTTP),
 * driven by the official MCP SDK client.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { decode, encode, KTOF_PRIMER } from '@kaizen/ktof';
import { tokenCounter } from '@kaizen/tokens';
import { BIN, removeTempDirs, startTestServer, USERS, type TestServer } from './helpers.js';
import { connectClient, FAKE_SERVER } from './mcp-helpers.js';

type ToolResult = { content: { type: string; text: string }[]; structuredContent?: Record<string, unknown>; isError?: boolean };

let server: TestServer;
let limited: TestServer;
beforeAll(async () => {
  [server, limited] = await Promise.all([startTestServer(), startTestServer({ rateLimitPerMinute: 3 })]);
});
afterAll(async () => {
  await Promise.all([server?.close(), limited?.close()]);
  removeTempDirs();
});

const stdio = (args: string[] = []) => new StdioClientTransport({ command: process.execPath, args: [BIN, 'mcp', ...args], stderr: 'pipe' });
const call = async (client: Client, name: string, args: Record<string, unknown>) => (await client.callTool({ name, arguments: args })) as ToolResult;

/** The checks every surface (stdio, stdio --remote, HTTP) must pass. */
async function checkTools(client: Client): Promise<void> {
  expect(client.getInstructions()).toContain(KTOF_PRIMER);
  expect((await client.listTools()).tools.map((t) => t.name).sort()).toEqual(['ktof_decode', 'ktof_encode', 'ktof_stats']);

  const encoded = await call(client, 'ktof_encode', { json: JSON.stringify(USERS), options: { delimiter: '|', length_marker: true } });
  expect(encoded.isError).toBeFalsy();
  expect(encoded.content).toEqual([{ type: 'text', text: encode(USERS, { delimiter: '|', lengthMarker: true }) }]);
  expect(encoded.structuredContent).toEqual({ ktof: encoded.content[0]!.text });

  const decoded = await call(client, 'ktof_decode', { ktof: encode(USERS), options: { strict: true } });
  expect(decoded.content[0]!.text).toBe(JSON.stringify(USERS));
  expect(decoded.structuredContent).toEqual({ json: JSON.stringify(USERS) });

  // A malformed document: a tool error with line, column and what was wrong.
  const bad = await call(client, 'ktof_decode', { ktof: 'users[2]{id,name}:\n  1,Ada\n  2' });
  expect(bad.isError).toBe(true);
  expect(bad.content[0]!.text).toMatch(/^line 3, column \d+: malformed KTOF: .*fewer cells/);
  const badOption = await call(client, 'ktof_encode', { json: '[1]', options: { delimiter: 'xx' } });
  expect(badOption).toMatchObject({ isError: true, content: [{ type: 'text', text: 'options.delimiter: String should have at most 1 character' }] });
  const badJson = await call(client, 'ktof_encode', { json: '{"a": 1,}' });
  expect(badJson.isError).toBe(true);
  expect(badJson.content[0]!.text).toContain('"json" is not valid JSON');

  const stats = await call(client, 'ktof_stats', { json: JSON.stringify(USERS), models: ['gpt-4o', 'gpt-4'] });
  const ktof = encode(USERS);
  const [o200k, cl100k] = await Promise.all([tokenCounter('gpt-4o'), tokenCounter('gpt-4')]);
  expect(stats.structuredContent).toEqual({
    bytes: { json: Buffer.byteLength(JSON.stringify(USERS)), ktof: Buffer.byteLength(ktof) },
    tokens: {
      'gpt-4o': { json: o200k(JSON.stringify(USERS)), ktof: o200k(ktof), encoding: 'o200k_base', estimated: false },
      'gpt-4': { json: cl100k(JSON.stringify(USERS)), ktof: cl100k(ktof), encoding: 'cl100k_base', estimated: false },
    },
  });
  expect(JSON.parse(stats.content[0]!.text)).toEqual(stats.structuredContent);
  const unknownModel = await call(client, 'ktof_stats', { json: '{}', models: ['no-such-model-9'] });
  expect(unknownModel.isError).toBe(true);
  expect(unknownModel.content[0]!.text).toContain('no-such-model-9');
}

describe('kaizen mcp (stdio)', () => {
  it('serves ktof_encode, ktof_decode and ktof_stats in-process', async () => {
    const client = await connectClient(stdio());
    await checkTools(client);
    await client.close();
  });

  it('round-trips any JSON through ktof_encode and ktof_decode', async () => {
    const client = await connectClient(stdio());
    await fc.assert(
      fc.asyncProperty(fc.jsonValue(), async (value) => {
        const json = JSON.stringify(value);
        const ktof = (await call(client, 'ktof_encode', { json })).content[0]!.text;
        const back = await call(client, 'ktof_decode', { ktof });
        expect(back.content[0]!.text).toBe(JSON.stringify(JSON.parse(json)));
        expect(decode(ktof)).toEqual(JSON.parse(json));
      }),
      { numRuns: 40 },
    );
    await client.close();
  });

  it('keeps every digit of numbers a JS number cannot hold, and -0, through ktof_encode and ktof_decode', async () => {
    const client = await connectClient(stdio());
    const json = '{"id":12345678901234567890,"n":9007199254740993,"z":-0,"x":1.5}';
    const ktof = (await call(client, 'ktof_encode', { json })).content[0]!.text;
    expect(ktof).toContain('12345678901234567890');
    expect(ktof).toContain('9007199254740993');
    const back = await call(client, 'ktof_decode', { ktof });
    expect(back.content[0]!.text).toBe(json);
    expect(back.structuredContent).toEqual({ json });
    await client.close();
  });

  it('--remote runs the same tools on a Kaizen server', async () => {
    const client = await connectClient(stdio(['--remote', server.url, '--api-key', server.key]));
    await checkTools(client);
    await client.close();
  });

  it('--remote with a refused key: tool errors that say what to do', async () => {
    const client = await connectClient(stdio(['--remote', server.url, '--api-key', 'kzk_wrongwrongwrongwrongwrongwrong']));
    const result = await call(client, 'ktof_encode', { json: '{"a":1}' });
    expect(result.isError).toBe(true);
    expect(result.content[0]!.text).toMatch(/401.*--api-key/);
    await client.close();
  });
});

describe('/mcp on kaizen serve (Streamable HTTP)', () => {
  const http = (target: TestServer, key?: string) =>
    new StreamableHTTPClientTransport(new URL(`${target.url}/mcp`), key ? { requestInit: { headers: { 'x-api-key': key } } } : {});

  it('serves the same tools behind the API key', async () => {
    const client = await connectClient(http(server, server.key));
    await checkTools(client);
    await client.close();
  });

  it('ktof_decode gives back the prompt a payload id of the same tenant stands for (docs/mcp.md)', async () => {
    const prompt = { messages: [{ role: 'user', content: JSON.stringify(USERS) }] };
    const encoded = await fetch(`${server.url}/v1/prompts/encode`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-api-key': server.key }, body: JSON.stringify({ prompt }) });
    const id = ((await encoded.json()) as { meta: { payload_id: string } }).meta.payload_id;
    const client = await connectClient(http(server, server.key));
    const decoded = await call(client, 'ktof_decode', { ktof: id });
    expect(decoded.isError).toBeFalsy();
    expect(JSON.parse(decoded.content[0]!.text)).toEqual(prompt);
    const unknown = await call(client, 'ktof_decode', { ktof: 'kz_' + 'a'.repeat(22) });
    expect(unknown.isError).toBe(true);
    await client.close();
  });

  it('refuses a request without a key (401) and a GET (405)', async () => {
    await expect(connectClient(http(server))).rejects.toThrow(/missing_api_key/);
    const get = await fetch(`${server.url}/mcp`, { headers: { 'x-api-key': server.key, accept: 'text/event-stream' } });
    expect(get.status).toBe(405);
    expect(get.headers.get('allow')).toBe('POST');
  });

  it('refuses a JSON-RPC batch (it would pass many calls as one rate-limited request)', async () => {
    const call = (id: number) => ({ jsonrpc: '2.0', id, method: 'tools/call', params: { name: 'ktof_encode', arguments: { json: '{}' } } });
    const response = await fetch(`${server.url}/mcp`, {
      method: 'POST',
      headers: { 'x-api-key': server.key, 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
      body: JSON.stringify([call(1), call(2)]),
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: { code: -32600 } });
  });

  it('counts MCP requests against the tenant rate limit', async () => {
    const client = await connectClient(http(limited, limited.key)); // at least 2 requests: initialize, initialized
    let succeeded = 0;
    let refusal: unknown;
    for (let i = 0; i < 5 && refusal === undefined; i++) {
      try {
        await call(client, 'ktof_encode', { json: '{"a":1}' });
        succeeded++;
      } catch (error) {
        refusal = error;
      }
    }
    expect(succeeded).toBeLessThanOrEqual(1); // the limit is 3 a minute
    expect(String(refusal)).toContain('rate_limited');
    await client.close().catch(() => {});
  });
});

describe('docs/mcp.md', () => {
  const doc = readFileSync(fileURLToPath(new URL('../../../docs/mcp.md', import.meta.url)), 'utf8');
  const blocks = [...doc.matchAll(/```json\n([\s\S]*?)```/g)].map((m) => JSON.parse(m[1]!) as { mcpServers: Record<string, { command?: string; args?: string[]; url?: string }> });

  it('has mcpServers blocks for the server, the proxy and /mcp', () => {
    const entries = blocks.flatMap((b) => Object.values(b.mcpServers));
    expect(entries.some((e) => e.args?.[1] === 'mcp')).toBe(true);
    expect(entries.some((e) => e.args?.[1] === 'mcp-proxy' && e.args.includes('--'))).toBe(true);
    expect(entries.some((e) => e.args?.[1] === 'mcp-proxy' && e.args.includes('--url'))).toBe(true);
    expect(entries.some((e) => e.url?.endsWith('/mcp'))).toBe(true);
  });

  it('its stdio blocks start working servers (the install path and the wrapped server swapped for local ones)', async () => {
    for (const entry of blocks.flatMap((b) => Object.values(b.mcpServers))) {
      if (entry.command !== 'node' || entry.args?.[0] !== '/opt/kaizen/packages/cli/dist/bin.js' || entry.args.includes('--remote') || entry.args.includes('--url')) continue;
      let args = [BIN, ...entry.args.slice(1)];
      if (args.includes('--')) args = [...args.slice(0, args.indexOf('--') + 1), process.execPath, FAKE_SERVER];
      const client = await connectClient(new StdioClientTransport({ command: process.execPath, args, stderr: 'pipe' }));
      expect((await client.listTools()).tools.length).toBeGreaterThan(0);
      expect(client.getInstructions()).toContain(KTOF_PRIMER);
      await client.close();
    }
  });
});
