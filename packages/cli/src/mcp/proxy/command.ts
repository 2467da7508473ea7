/** `kaizen mcp-proxy`: validates the flags, then runs the proxy between our stdio and the server. */
import { resolveModel, tokenCounter, UnknownModelError } from '@kaizen/tokens';
import { usageError } from '../../exit.js';
import { runProxy } from './proxy.js';
import type { ItemOutcome } from './rewrite.js';
import { stdioUpstream, type Upstream, type UpstreamHandlers } from './upstream.js';

export interface ProxyFlags {
  url?: string;
  header?: string[];
  only?: string;
  except?: string;
  minBytes?: string;
  timeout?: string;
  model?: string;
  verbose?: boolean;
  dropStructured?: boolean;
}

const DEFAULT_TIMEOUT_SECONDS = 50;

const toolList = (value: string) => new Set(value.split(',').map((t) => t.trim()).filter(Boolean));

function nonNegative(value: string | undefined, flag: string, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n < 0) throw usageError(`${flag} takes a number of 0 or more, not "${value}"`);
  return n;
}

function parseHeaders(values: string[] = []): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const value of values) {
    const colon = value.indexOf(':');
    if (colon <= 0) throw usageError(`--header takes "Name: value", not "${value}"`);
    headers[value.slice(0, colon).trim()] = value.slice(colon + 1).trim();
  }
  return headers;
}

/** Which tools' results are rewritten. */
function selection(flags: ProxyFlags): (tool: string) => boolean {
  if (flags.only !== undefined && flags.except !== undefined) throw usageError('use either --only or --except, not both');
  if (flags.only !== undefined) {
    const only = toolList(flags.only);
    if (only.size === 0) throw usageError('--only needs at least one tool name');
    return (tool) => only.has(tool);
  }
  const except = toolList(flags.except ?? '');
  return (tool) => !except.has(tool);
}

/** The --verbose line for one rewritten result. */
function describeRewrite(tool: string, items: ItemOutcome[], model: string): string {
  const sum = (key: keyof ItemOutcome) => items.reduce((n, item) => n + item[key], 0);
  const before = sum('tokensBefore');
  const after = sum('tokensAfter');
  return `kaizen mcp-proxy: ${tool}: ${before} -> ${after} ${model} tokens (-${(((before - after) / before) * 100).toFixed(1)}%), ${sum('bytesBefore')} -> ${sum('bytesAfter')} bytes`;
}

/** Resolves to the exit status (the server's). */
export async function runProxyCommand(command: string[], flags: ProxyFlags): Promise<number> {
  if (flags.url !== undefined && command.length > 0) throw usageError('give either --url URL or a command after --, not both');
  if (flags.url === undefined && command.length === 0) throw usageError('name the MCP server to start after --, e.g. kaizen mcp-proxy -- node server.js (or use --url URL)');
  if (flags.header !== undefined && flags.url === undefined) throw usageError('--header is for --url');
  let url: URL | undefined;
  if (flags.url !== undefined) {
    try {
      url = new URL(flags.url);
    } catch {
      throw usageError(`--url takes an http(s) URL, not "${flags.url}"`);
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw usageError(`--url takes an http(s) URL, not "${flags.url}"`);
  }
  const headers = parseHeaders(flags.header);
  const selects = selection(flags);
  const minBytes = nonNegative(flags.minBytes, '--min-bytes', 0);
  const timeoutMs = nonNegative(flags.timeout, '--timeout', DEFAULT_TIMEOUT_SECONDS) * 1000;
  const model = flags.model ?? 'gpt-4o';
  try {
    resolveModel(model);
  } catch (error) {
    if (error instanceof UnknownModelError) throw usageError(error.message);
    throw error;
  }
  const count = await tokenCounter(model);
  // The SDK's HTTP transport takes a while to load; a stdio server does not need it.
  const httpUpstream = url ? (await import('./http-upstream.js')).httpUpstream : undefined;
  const connect = (handlers: UpstreamHandlers): Upstream => (url && httpUpstream ? httpUpstream(url, headers, handlers) : stdioUpstream(command[0]!, command.slice(1), handlers));
  const log = (line: string) => process.stderr.write(`${line}\n`);
  let upstream: Upstream | undefined;
  // Stopped ourselves (Ctrl-C, a supervisor's SIGTERM): stop the server too, then exit with its status.
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => upstream?.stop());
  const status = await runProxy({
    connect: (handlers) => (upstream = connect(handlers)),
    rewrite: { minBytes, count },
    selects,
    timeoutMs,
    input: process.stdin,
    output: process.stdout,
    log,
    dropStructured: flags.dropStructured === true,
    ...(flags.verbose ? { onRewrite: (tool: string, items: ItemOutcome[]) => log(describeRewrite(tool, items, model)) } : {}),
  });
  // Let what is queued for the client go out before the exit status does.
  await new Promise<void>((resolve) => process.stdout.write('', () => resolve()));
  return status;
}
