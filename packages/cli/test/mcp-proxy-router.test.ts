/**
 * The proxy's router (runProxy) on in-memory streams, with a scripted server on the other side:
 * protocol paths the fake SDK server does not exercise (tool calls run as tasks, batches).
 */
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { decode } from '@kaizen/ktof';
import { tokenCounter } from '@kaizen/tokens';
import { runProxy } from '../src/mcp/proxy/proxy.js';
import type { UpstreamHandlers } from '../src/mcp/proxy/upstream.js';
import { waitFor } from '@kaizen/testkit';

const count = await tokenCounter('gpt-4o');
const ROWS = JSON.stringify({ rows: [{ id: 1, name: 'Ada' }, { id: 2, name: 'Lin' }, { id: 3, name: 'Kim' }] }, null, 2);

/** A proxy whose server answers each request with `answer(request)` (undefined: no answer). */
function harness(answer: (request: Record<string, unknown>) => unknown) {
  const input = new PassThrough();
  const output = new PassThrough();
  const received: string[] = [];
  let buffered = '';
  output.on('data', (chunk: Buffer) => {
    buffered += chunk.toString('utf8');
    const lines = buffered.split('\n');
    buffered = lines.pop()!;
    received.push(...lines);
  });
  let handlers!: UpstreamHandlers;
  const done = runProxy({
    connect(h) {
      handlers = h;
      return {
        label: '`scripted`',
        async send(line) {
          const message = JSON.parse(line.toString('utf8'));
          const requests = Array.isArray(message) ? message : [message];
          const answers = requests.map(answer).filter((a) => a !== undefined);
          if (answers.length) {
            const reply = Array.isArray(message) ? answers : answers[0];
            setImmediate(() => handlers.message(Buffer.from(JSON.stringify(reply)), reply));
          }
        },
        initialized() {},
        stop: () => setImmediate(() => handlers.exit({ status: 0, reason: 'exited with code 0' })),
      };
    },
    rewrite: { minBytes: 0, count },
    selects: () => true,
    timeoutMs: 0,
    input,
    output,
    log: () => {},
  });
  const send = (message: unknown) => input.write(`${JSON.stringify(message)}\n`);
  const next = async (n: number) => {
    await waitFor(`${n} answers from the proxy`, () => received.length >= n).catch(() => {});
    return received.slice(0, n).map((line) => JSON.parse(line));
  };
  return { send, next, received, end: () => input.end(), done };
}

describe('runProxy', () => {
  it('re-encodes the result of a tool call run as a task, fetched with tasks/result', async () => {
    const task = { taskId: 't-1', status: 'working', ttl: null, createdAt: '2026-01-01T00:00:00Z', lastUpdatedAt: '2026-01-01T00:00:00Z' };
    const proxy = harness((request) => {
      if (request['method'] === 'tools/call') return { jsonrpc: '2.0', id: request['id'], result: { task } };
      if (request['method'] === 'tasks/result') return { jsonrpc: '2.0', id: request['id'], result: { content: [{ type: 'text', text: ROWS }], _meta: { 'io.modelcontextprotocol/related-task': { taskId: 't-1' } } } };
      return undefined;
    });
    proxy.send({ jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'search', arguments: {}, task: { ttl: 60000 } } });
    proxy.send({ jsonrpc: '2.0', id: 2, method: 'tasks/result', params: { taskId: 't-1' } });
    const [created, payload] = await proxy.next(2);
    expect(created.result).toEqual({ task });
    expect(payload.result._meta).toEqual({ 'io.modelcontextprotocol/related-task': { taskId: 't-1' } });
    expect(payload.result.content[0].text.startsWith('rows[3]{id,name}:')).toBe(true);
    expect(decode(payload.result.content[0].text)).toEqual(JSON.parse(ROWS));
    proxy.end();
    expect(await proxy.done).toBe(0);
  });

  it('rewrites the tool results inside a batch answer and keeps the rest of it', async () => {
    const proxy = harness((request) =>
      request['method'] === 'tools/call' ? { jsonrpc: '2.0', id: request['id'], result: { content: [{ type: 'text', text: ROWS }] } } : { jsonrpc: '2.0', id: request['id'], result: {} },
    );
    proxy.send([
      { jsonrpc: '2.0', id: 'a', method: 'tools/call', params: { name: 'search' } },
      { jsonrpc: '2.0', id: 'b', method: 'ping' },
    ]);
    const [batch] = await proxy.next(1);
    expect(batch).toHaveLength(2);
    expect(batch[0].result.content[0].text.startsWith('rows[3]{id,name}:')).toBe(true);
    expect(decode(batch[0].result.content[0].text)).toEqual(JSON.parse(ROWS));
    expect(batch[1]).toEqual({ jsonrpc: '2.0', id: 'b', result: {} });
    proxy.end();
    await proxy.done;
  });
});
