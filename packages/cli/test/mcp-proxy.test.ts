/**
 * `kaizen mcp-proxy`: the official SDK client talks to the real proxy, which runs a fake MCP
 * server written with the same SDK (or a broken one). What the server writes and reads is
 * recorded byte for byte and compared with what the client receives and sends.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { CreateMessageRequestSchema } from '@modelcontextprotocol/sdk/types.js';
import { decode, KTOF_PRIMER } from '@kaizen/ktof';
import { tokenCounter } from '@kaizen/tokens';
import { BIN, kaizen, removeTempDirs, startTestServer, tempDir, waitFor } from './helpers.js';
import { connectClient, FAKE_SERVER, HOSTILE_SERVER, linesOf, RecordingTransport } from './mcp-helpers.js';

afterAll(() => removeTempDirs());

type Message = { id?: unknown; method?: string; result?: Record<string, unknown> } & Record<string, unknown>;
type Item = { type: string; text?: string };

const texts = (result: unknown) => ((result as { content: Item[] }).content ?? []).filter((i) => i.type === 'text').map((i) => i.text!);

/** Runs the fake server through the proxy, drives every kind of message, and returns both recordings. */
async function session(proxyArgs: string[]) {
  const record = join(tempDir('mcp-proxy'), 'fake');
  const transport = new RecordingTransport(['mcp-proxy', ...proxyArgs, '--', process.execPath, FAKE_SERVER], { FAKE_MCP_RECORD: record });
  const client = await connectClient(transport);
  const calls: Record<string, unknown> = {};
  calls['instructions'] = client.getInstructions();
  await client.listTools();
  await client.listResources();
  calls['resource'] = await client.readResource({ uri: 'fake://readme' });
  await client.listPrompts();
  await client.getPrompt({ name: 'greet', arguments: { name: 'Ada' } });
  for (const name of ['rows', 'nested', 'records', 'fails', 'prose', 'image', 'big']) calls[name] = await client.callTool({ name, arguments: {} });
  calls['unknown'] = await client.callTool({ name: 'no_such_tool', arguments: {} });
  // A slow tool, cancelled after its first progress notification.
  const abort = new AbortController();
  let progressSeen = 0;
  const slow = client.callTool({ name: 'slow', arguments: {} }, undefined, {
    signal: abort.signal,
    onprogress: () => {
      progressSeen++;
      abort.abort('enough');
    },
  });
  await expect(slow).rejects.toThrow();
  expect(progressSeen).toBeGreaterThan(0);
  // The cancellation reaches the server through the proxy: wait for it (the callers assert it).
  await waitFor('the cancellation to reach the server', () => transport.stderr.includes('fake: slow was cancelled')).catch(() => {});
  await client.close();
  const code = await transport.exited;
  return { transport, calls, code, serverOut: linesOf(readFileSync(`${record}.out`)), serverIn: linesOf(readFileSync(`${record}.in`)) };
}

describe('kaizen mcp-proxy -- <command>', () => {
  it('passes every message through byte for byte except re-encoded tool results, which decode to the original JSON and never grow', async () => {
    const { transport, calls, code, serverOut, serverIn } = await session([]);
    expect(code).toBe(0);
    // The child's stderr reaches ours; the cancellation reached the server.
    expect(transport.stderr).toContain('fake: ready');
    expect(transport.stderr).toContain('fake: slow was cancelled');
    // Client -> server: all identical (requests, notifications, the cancellation).
    expect(serverIn.map(String)).toEqual(transport.sent.map(String));
    expect(serverIn.some((l) => l.includes('notifications/cancelled'))).toBe(true);

    // Server -> client: same messages in the same order.
    expect(transport.received.length).toBe(serverOut.length);
    const [o200k, cl100k] = await Promise.all([tokenCounter('gpt-4o'), tokenCounter('gpt-4')]);
    const requests = new Map(transport.sent.map((l) => JSON.parse(String(l)) as Message).filter((m) => m.id !== undefined && m.method !== undefined).map((m) => [JSON.stringify(m.id), m]));
    const rewrittenTools = new Set<string>();
    for (let i = 0; i < serverOut.length; i++) {
      const original = serverOut[i]!;
      const received = transport.received[i]!;
      if (original.equals(received)) continue;
      const before = JSON.parse(String(original)) as Message;
      const after = JSON.parse(String(received)) as Message;
      const request = requests.get(JSON.stringify(before.id))!;
      if (request.method === 'initialize') {
        expect({ ...after.result, instructions: undefined }).toEqual({ ...before.result, instructions: undefined });
        continue;
      }
      expect(request.method).toBe('tools/call');
      rewrittenTools.add((request['params'] as { name: string }).name);
      expect(received.length).toBeLessThanOrEqual(original.length);
      // Only text items differ; each decodes back to exactly the JSON it replaced, in fewer tokens.
      expect({ ...after.result, content: undefined }).toEqual({ ...before.result, content: undefined });
      const beforeItems = before.result!['content'] as Item[];
      const afterItems = after.result!['content'] as Item[];
      expect(afterItems.length).toBe(beforeItems.length);
      afterItems.forEach((item, k) => {
        const old = beforeItems[k]!;
        if (item.text === old.text) return expect(item).toEqual(old);
        expect({ ...item, text: '' }).toEqual({ ...old, text: '' });
        expect(JSON.stringify(decode(item.text!))).toBe(JSON.stringify(JSON.parse(old.text!)));
        expect(Buffer.byteLength(item.text!)).toBeLessThanOrEqual(Buffer.byteLength(old.text!));
        if (old.text!.length < 100_000) {
          expect(o200k(item.text!)).toBeLessThan(o200k(old.text!));
          expect(cl100k(item.text!)).toBeLessThanOrEqual(cl100k(old.text!));
        }
      });
    }
    expect([...rewrittenTools].sort()).toEqual(['big', 'image', 'nested', 'records', 'rows']);

    // What the client got: the primer once, after the server's own instructions.
    const instructions = calls['instructions'] as string;
    expect(instructions.startsWith('A fake server for tests.\n\n')).toBe(true);
    expect(instructions.split(KTOF_PRIMER).length).toBe(2);
    // Results that are not JSON, not lossless, errors and images pass unchanged.
    expect(texts(calls['prose'])[0]).toBe('Found 3 tickets. The first one is about billing.');
    expect(texts(calls['prose'])[1]).toBe('{"price": 1.50, "qty": 1e3, "rows": [{"a": 1}, {"a": 2}, {"a": 3}]}');
    expect((calls['fails'] as { isError: boolean }).isError).toBe(true);
    // The image item is untouched; the small JSON beside it is rewritten, as it saves a token.
    const image = (calls['image'] as { content: Item[] }).content;
    expect(image[0]).toEqual({ type: 'image', data: Buffer.from('not really a png').toString('base64'), mimeType: 'image/png' });
    expect(image[1]).toEqual({ type: 'text', text: 'ok: true' });
    expect((calls['unknown'] as { isError: boolean }).isError).toBe(true);
    // structuredContent stays JSON for programs (it is validated against the outputSchema).
    const nested = calls['nested'] as { structuredContent: { total: number }; content: Item[] };
    expect(nested.structuredContent.total).toBe(20);
    expect(decode(nested.content[0]!.text!)).toEqual(nested.structuredContent);
    // The 5 MB result shrank.
    const bigText = texts(calls['big'])[0]!;
    const bigOriginal = serverOut.find((l) => l.length > 4_000_000)!;
    expect(bigOriginal.length).toBeGreaterThan(4_500_000);
    expect(bigText.length).toBeLessThan(bigOriginal.length * 0.8);
  });

  it('--only, --except and --min-bytes select which results are re-encoded; --drop-structured drops duplicates', async () => {
    const { calls, code, transport } = await session(['--only', 'nested,big', '--min-bytes', '1000', '--verbose']);
    expect(code).toBe(0);
    expect(transport.stderr).toMatch(/kaizen mcp-proxy: nested: \d+ -> \d+ gpt-4o tokens \(-\d+\.\d%\), \d+ -> \d+ bytes/);
    expect(transport.stderr).not.toContain('kaizen mcp-proxy: rows:');
    expect(texts(calls['rows'])[0]!.startsWith('[\n  {\n    "id": 1000')).toBe(true);
    expect(texts(calls['nested'])[0]!.startsWith('orders[20]')).toBe(true);
    const except = await session(['--except', 'nested', '--drop-structured']);
    // --drop-structured: the duplicate goes for a tool without an outputSchema, and stays for one with it.
    const records = except.calls['records'] as { structuredContent?: unknown; content: Item[] };
    expect(records.structuredContent).toBeUndefined();
    expect((decode(records.content[0]!.text!) as { records: unknown[] }).records).toHaveLength(10);
    expect((except.calls['nested'] as { structuredContent?: unknown }).structuredContent).toBeDefined();
    expect(texts(except.calls['nested'])[0]!.startsWith('{"orders":')).toBe(true);
    expect(texts(except.calls['rows'])[0]!.startsWith('[50]')).toBe(true);
  });
});

describe('kaizen mcp-proxy and requests from the server', () => {
  it('passes a sampling request to the client and back, and waits for it past --timeout', async () => {
    const transport = new RecordingTransport(['mcp-proxy', '--timeout', '4', '--', process.execPath, FAKE_SERVER]);
    const client = new Client({ name: 'kaizen-tests', version: '1.0.0' }, { capabilities: { sampling: {} } });
    client.setRequestHandler(CreateMessageRequestSchema, async (request) => {
      expect(request.params.messages[0]!.content).toEqual({ type: 'text', text: 'Say hi' });
      await new Promise((r) => setTimeout(r, 5500)); // a person approving the request, longer than --timeout
      return { role: 'assistant', content: { type: 'text', text: 'hi' }, model: 'test-model' };
    });
    await client.connect(transport);
    const result = (await client.callTool({ name: 'ask', arguments: {} })) as { content: Item[] };
    expect(decode(result.content[0]!.text!)).toEqual({ sampled: 'hi', model: 'test-model' });
    await client.close();
  });
});

describe('kaizen mcp-proxy stopped by a signal', () => {
  it('stops its server and exits with its status on SIGTERM', async () => {
    const transport = new RecordingTransport(['mcp-proxy', '--', process.execPath, FAKE_SERVER]);
    const client = await connectClient(transport);
    await client.listTools();
    transport.child.kill('SIGTERM');
    expect(await transport.exited).toBe(0); // the server saw its input close and exited cleanly
  });
});

describe('kaizen mcp-proxy with broken servers', () => {
  const hostile = (mode: string, extra: string[] = []) =>
    new StdioClientTransport({ command: process.execPath, args: [BIN, 'mcp-proxy', ...extra, '--', process.execPath, HOSTILE_SERVER, mode], stderr: 'pipe' });
  const stderrOf = (transport: StdioClientTransport) => {
    let text = '';
    transport.stderr!.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
    return () => text;
  };

  it('a server writing garbage on stdout: the garbage is reported on stderr and the call gets a clear error, not a hang', async () => {
    const transport = hostile('garbage', ['--timeout', '2']);
    const stderr = stderrOf(transport);
    const client = await connectClient(transport);
    await expect(client.callTool({ name: 'go', arguments: {} })).rejects.toThrow(/did not answer tools\/call within 2 s; it wrote output that is not JSON-RPC/);
    expect(stderr()).toContain('not JSON-RPC on stdout (ignored): "Listening on port 3000!"');
    expect(stderr()).toContain('{\\"not\\": \\"json-rpc\\"}');
    // The session still works.
    expect((await client.listTools()).tools.map((t) => t.name)).toEqual(['go']);
    await client.close();
  });

  it('a server crashing in the middle of a call: the call fails saying so and the proxy exits with its status', async () => {
    const transport = hostile('crash');
    const stderr = stderrOf(transport);
    const client = await connectClient(transport);
    const started = Date.now();
    await expect(client.callTool({ name: 'go', arguments: {} })).rejects.toThrow(/the MCP server `node hostile-mcp-server.mjs` exited with code 3 before answering tools\/call/);
    expect(Date.now() - started).toBeLessThan(10_000);
    await waitFor('the proxy to report the exit', () => stderr().includes('exited with code 3')).catch(() => {});
    expect(stderr()).toContain('exited with code 3');
    await client.close();
  });

  it('exits with the server status, and names a command that cannot start', async () => {
    const crash = await kaizen(['mcp-proxy', '--', process.execPath, '-e', 'process.exit(7)']);
    expect(crash.code).toBe(7);
    const missing = await kaizen(['mcp-proxy', '--', 'kaizen-no-such-command-xyz']);
    expect(missing.code).toBe(127);
    expect(missing.stderr).toContain('could not be started');
    expect(missing.stderr).toContain('command not found');
  });

  it('a server that never answers: initialize fails after --timeout', async () => {
    const transport = hostile('silent', ['--timeout', '0.5']);
    const client = new Client({ name: 't', version: '1' });
    await expect(client.connect(transport)).rejects.toThrow(/did not answer initialize within 0.5 s/);
    await transport.close();
  });

  it('stops a server that ignores the end of its input when the client goes away', async () => {
    const lingering = `process.stdin.resume(); process.stdin.on('end', () => {}); setInterval(() => {}, 1000)`;
    const started = Date.now();
    const result = await kaizen(['mcp-proxy', '--', process.execPath, '-e', lingering]);
    expect(Date.now() - started).toBeLessThan(20_000); // 2 s grace, then SIGTERM: no hang
    expect(result.code).toBe(128 + 15); // SIGTERM
  });

  it('gives the options after the server command to the server, with or without --', async () => {
    // The child exits 7 only when it received exactly these arguments; -v is also a proxy flag.
    const script = join(tempDir(), 'argv.mjs');
    writeFileSync(script, `process.exit(process.argv.slice(2).join(' ') === '--port 3 -v' ? 7 : 1)`);
    expect((await kaizen(['mcp-proxy', '--min-bytes', '10', process.execPath, script, '--port', '3', '-v'])).code).toBe(7);
    expect((await kaizen(['mcp-proxy', '--min-bytes', '10', '--', process.execPath, script, '--port', '3', '-v'])).code).toBe(7);
  });

  it('refuses bad command lines with exit 2', async () => {
    expect((await kaizen(['mcp-proxy'])).code).toBe(2);
    expect((await kaizen(['mcp-proxy', '--url', 'ftp://x', '--', 'node'])).code).toBe(2);
    expect((await kaizen(['mcp-proxy', '--only', 'a', '--except', 'b', '--', 'node'])).stderr).toContain('either --only or --except');
    expect((await kaizen(['mcp-proxy', '--min-bytes', '-3', '--', 'node'])).stderr).toContain('--min-bytes takes a number');
    expect((await kaizen(['mcp-proxy', '--model', 'nope-9', '--', 'node'])).code).toBe(2);
  });
});

describe('kaizen mcp-proxy --url', () => {
  it('wraps a Streamable HTTP server (kaizen serve /mcp) and re-encodes its JSON results', async () => {
    const server = await startTestServer();
    try {
      const transport = new StdioClientTransport({ command: process.execPath, args: [BIN, 'mcp-proxy', '--url', `${server.url}/mcp`, '-H', `x-api-key: ${server.key}`], stderr: 'pipe' });
      const client = await connectClient(transport);
      expect(client.getInstructions()).toContain(KTOF_PRIMER);
      const models = ['gpt-4o', 'gpt-4', 'gpt-4o-mini', 'claude-sonnet-4', 'gemini-2.5-pro'];
      const stats = (await client.callTool({ name: 'ktof_stats', arguments: { json: '{"a":[1,2,3]}', models } })) as { content: Item[]; structuredContent: { tokens: Record<string, unknown> } };
      expect(Object.keys(stats.structuredContent.tokens)).toEqual(models);
      const text = stats.content[0]!.text!;
      expect(text.startsWith('{')).toBe(false);
      expect(decode(text)).toEqual(stats.structuredContent);
      await client.close();
    } finally {
      await server.close();
    }
  });
});
