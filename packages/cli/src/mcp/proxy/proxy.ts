/**
 * The proxy between an MCP client (our stdio) and an MCP server (an Upstream), working on
 * JSON-RPC messages rather than through the SDK's high-level Client/Server, so that what it
 * does not change reaches the other side byte for byte. It tracks the client's requests by id
 * and changes exactly two kinds of answers: the `initialize` result (the KTOF primer joins the
 * instructions) and the results of selected tools, from `tools/call` or, for a call run as a
 * task, `tasks/result` (JSON text items become KTOF, see rewrite.ts). It also answers, itself,
 * requests the server can no longer answer: when the server exits or stays silent past the
 * timeout, so the client never hangs.
 */
import type { Readable, Writable } from 'node:stream';
import { KTOF_PRIMER } from '@kaizen/ktof';
import { LineSplitter } from './lines.js';
import { rewriteToolResult, type ItemOutcome, type RewriteSettings } from './rewrite.js';
import { parseMessage, type Upstream, type UpstreamExit, type UpstreamHandlers } from './upstream.js';

/** Added to the server's instructions (once) so the model can read rewritten results. */
export const PROXY_INSTRUCTIONS = `Tool results from this server may be written in KTOF instead of JSON: the same data in fewer tokens.\n${KTOF_PRIMER}`;

/** JSON-RPC error codes the proxy answers with (the SDK's ConnectionClosed and RequestTimeout). */
const CONNECTION_CLOSED = -32000;
const REQUEST_TIMEOUT = -32001;

export interface ProxyOptions {
  /** Connects to the server; called once with the handlers the proxy listens on. */
  connect(handlers: UpstreamHandlers): Upstream;
  rewrite: RewriteSettings;
  /** Whether results of this tool are rewritten (--only / --except). */
  selects(tool: string): boolean;
  /** A request the server leaves unanswered this long (ms) is answered with an error; 0: never. Progress restarts it. */
  timeoutMs: number;
  input: Readable;
  output: Writable;
  /** One line for stderr. */
  log(line: string): void;
  /** Drop `structuredContent` that duplicates a rewritten text, for tools listed without an outputSchema (--drop-structured). */
  dropStructured?: boolean;
  /** Called for every rewritten result (benchmarks, verbose logs). */
  onRewrite?(tool: string, items: ItemOutcome[]): void;
}

type Id = string | number;
type Message = Record<string, unknown>;

interface Pending {
  id: Id;
  method: string;
  tool?: string;
  /** tasks/result: the task whose tool result this is (its tool is looked up when the answer comes). */
  taskId?: string;
  progressToken?: unknown;
  timer?: NodeJS.Timeout;
}

const isRecord = (v: unknown): v is Message => v !== null && typeof v === 'object' && !Array.isArray(v);
const keyOf = (id: unknown) => JSON.stringify(id);
const truncate = (text: string, max = 200) => (text.length > max ? `${text.slice(0, max)}... (${text.length} characters)` : text);

/** Runs the proxy; resolves with the exit status to end with (the server's). */
export function runProxy(options: ProxyOptions): Promise<number> {
  const { output, log } = options;
  const pending = new Map<string, Pending>();
  let lastGarbage: string | undefined;
  /** Requests the server sent the client (sampling, elicitation...) still unanswered: a person may be answering, so no timeout fires meanwhile. */
  const serverRequests = new Set<string>();
  let clientGone = false;
  let inputEnded = false;
  let holdingServer = false;
  let holdingClient = false;
  /** The tool each task runs (a tools/call answered with a task): its result comes from tasks/result. */
  const taskTools = new Map<string, string>();
  /** Tools the server listed without an outputSchema: their structuredContent may be dropped. */
  const schemaless = new Set<string>();

  const write = (bytes: Buffer | string) => {
    if (clientGone) return;
    output.write(bytes);
    // A client reading slowly holds the server back rather than letting output pile up here.
    if (!output.write('\n') && upstream.pause && !holdingServer) {
      holdingServer = true;
      upstream.pause();
      output.once('drain', () => {
        holdingServer = false;
        upstream.resume?.();
      });
    }
  };
  const answerError = (entry: Pending, code: number, message: string) => {
    pending.delete(keyOf(entry.id));
    clearTimeout(entry.timer);
    write(JSON.stringify({ jsonrpc: '2.0', id: entry.id, error: { code, message } }));
  };
  const garbageNote = () => (lastGarbage === undefined ? '' : `; it wrote output that is not JSON-RPC: ${JSON.stringify(truncate(lastGarbage, 120))}`);

  const arm = (entry: Pending) => {
    // tasks/result waits for a task to finish by design: long-running work is what tasks are for.
    if (options.timeoutMs <= 0 || entry.method === 'tasks/result') return;
    clearTimeout(entry.timer);
    entry.timer = setTimeout(() => {
      if (serverRequests.size > 0) return arm(entry);
      const seconds = options.timeoutMs / 1000;
      answerError(entry, REQUEST_TIMEOUT, `kaizen mcp-proxy: the MCP server ${upstream.label} did not answer ${entry.method} within ${seconds} s${garbageNote()} (raise --timeout for slow tools)`);
    }, options.timeoutMs);
  };

  /** Notes a client message: requests are tracked, cancellations end tracking. */
  const trackClient = (message: unknown) => {
    if (!isRecord(message)) return;
    if (!('method' in message)) {
      serverRequests.delete(keyOf(message['id']));
      return;
    }
    if (typeof message['method'] !== 'string') return;
    const params = isRecord(message['params']) ? message['params'] : undefined;
    if ('id' in message && (typeof message['id'] === 'string' || typeof message['id'] === 'number')) {
      const entry: Pending = { id: message['id'], method: message['method'] };
      if (entry.method === 'tools/call' && typeof params?.['name'] === 'string') entry.tool = params['name'];
      if (entry.method === 'tasks/result' && typeof params?.['taskId'] === 'string') entry.taskId = params['taskId'];
      const meta = isRecord(params?.['_meta']) ? params['_meta'] : undefined;
      if (meta && 'progressToken' in meta) entry.progressToken = meta['progressToken'];
      pending.set(keyOf(entry.id), entry);
      arm(entry);
    } else if (message['method'] === 'notifications/cancelled' && params && 'requestId' in params) {
      const entry = pending.get(keyOf(params['requestId']));
      if (entry) {
        clearTimeout(entry.timer);
        pending.delete(keyOf(entry.id));
      }
    }
  };

  /** A server message as it should reach the client, or undefined to pass it on unchanged. */
  const transform = (message: unknown): Message | undefined => {
    if (!isRecord(message)) return undefined;
    if (message['method'] === 'notifications/progress' && isRecord(message['params'])) {
      const token = keyOf(message['params']['progressToken']);
      for (const entry of pending.values()) if (entry.progressToken !== undefined && keyOf(entry.progressToken) === token) arm(entry);
      return undefined;
    }
    if ('method' in message) {
      if ('id' in message) serverRequests.add(keyOf(message['id']));
      else if (message['method'] === 'notifications/cancelled' && isRecord(message['params'])) serverRequests.delete(keyOf(message['params']['requestId']));
      return undefined;
    }
    if (!('id' in message)) return undefined;
    const entry = pending.get(keyOf(message['id']));
    if (!entry) return undefined;
    pending.delete(keyOf(entry.id));
    clearTimeout(entry.timer);
    const result = message['result'];
    if (!isRecord(result)) return undefined;
    if (entry.method === 'initialize') {
      if (typeof result['protocolVersion'] === 'string') upstream.initialized(result['protocolVersion']);
      const existing = typeof result['instructions'] === 'string' ? result['instructions'] : '';
      if (existing.includes(KTOF_PRIMER)) return undefined;
      return { ...message, result: { ...result, instructions: existing ? `${existing}\n\n${PROXY_INSTRUCTIONS}` : PROXY_INSTRUCTIONS } };
    }
    if (entry.method === 'tools/list' && Array.isArray(result['tools'])) {
      for (const tool of result['tools']) {
        if (!isRecord(tool) || typeof tool['name'] !== 'string') continue;
        if (tool['outputSchema'] === undefined) schemaless.add(tool['name']);
        else schemaless.delete(tool['name']);
      }
      return undefined;
    }
    const task = result['task'];
    if (entry.method === 'tools/call' && entry.tool !== undefined && isRecord(task) && typeof task['taskId'] === 'string') {
      taskTools.set(task['taskId'], entry.tool);
      return undefined;
    }
    const tool = entry.method === 'tools/call' ? entry.tool : entry.taskId !== undefined ? taskTools.get(entry.taskId) : undefined;
    if (tool !== undefined && options.selects(tool)) {
      try {
        const rewritten = rewriteToolResult(result, options.rewrite, options.dropStructured === true && schemaless.has(tool));
        if (!rewritten) return undefined;
        options.onRewrite?.(tool, rewritten.items);
        return { ...message, result: rewritten.result };
      } catch (error) {
        log(`kaizen mcp-proxy: left the result of ${tool} as it was: ${(error as Error).message}`);
      }
    }
    return undefined;
  };

  const fromServer = (line: Buffer, message: unknown) => {
    if (Array.isArray(message)) {
      let changed = false;
      const out = message.map((m) => {
        const t = transform(m);
        if (t) changed = true;
        return t ?? m;
      });
      write(changed ? JSON.stringify(out) : line);
      return;
    }
    const changed = transform(message);
    write(changed ? JSON.stringify(changed) : line);
  };

  let finished: (status: number) => void;
  const done = new Promise<number>((resolve) => (finished = resolve));

  const upstream = options.connect({
    message: fromServer,
    garbage(text) {
      lastGarbage = text;
      log(`kaizen mcp-proxy: the MCP server wrote something that is not JSON-RPC on stdout (ignored): ${JSON.stringify(truncate(text))}`);
    },
    warn: (text) => log(`kaizen mcp-proxy: ${text}`),
    exit({ status, reason }: UpstreamExit) {
      if (!inputEnded || status !== 0) log(`kaizen mcp-proxy: the MCP server ${upstream.label} ${reason}`);
      for (const entry of [...pending.values()]) answerError(entry, CONNECTION_CLOSED, `kaizen mcp-proxy: the MCP server ${upstream.label} ${reason} before answering ${entry.method}${garbageNote()}`);
      finished(status);
    },
  });

  const fromClient = new LineSplitter((line) => {
    const message = parseMessage(line);
    if (Array.isArray(message)) message.forEach(trackClient);
    else trackClient(message);
    // Whatever the client sent, even unparseable, is the server's to answer.
    const sent = upstream.send(line, message);
    const drained = holdingClient ? undefined : upstream.drained?.();
    if (drained) {
      holdingClient = true;
      options.input.pause();
      void drained.then(() => {
        holdingClient = false;
        options.input.resume();
      });
    }
    sent.catch((error: Error) => {
      if (!isRecord(message) || !('id' in message)) return log(`kaizen mcp-proxy: could not pass a message to ${upstream.label}: ${error.message}`);
      const entry = pending.get(keyOf(message['id']));
      if (entry) answerError(entry, CONNECTION_CLOSED, `kaizen mcp-proxy: could not reach the MCP server ${upstream.label}: ${error.message}`);
    });
  });
  options.input.on('data', (chunk: Buffer) => fromClient.push(chunk));
  // The client is done sending: the server gets its input closed (and is stopped if it lingers),
  // while its answers still go out until it exits, as they would without the proxy.
  const inputEnd = () => {
    if (inputEnded) return;
    inputEnded = true;
    upstream.stop();
  };
  options.input.on('end', inputEnd);
  options.input.on('close', inputEnd);
  // Nobody reads our output any more: nothing is left to answer.
  output.on('error', () => {
    clientGone = true;
    for (const entry of pending.values()) clearTimeout(entry.timer);
    pending.clear();
    inputEnd();
  });
  return done;
}
