/**
 * The MCP server behind the proxy: what every upstream offers, and a child process speaking
 * newline-delimited JSON-RPC on its stdio (lines pass through byte for byte). The Streamable
 * HTTP upstream is in http-upstream.ts, loaded only for --url.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { constants } from 'node:os';
import { basename } from 'node:path';
import { LineSplitter } from './lines.js';

/** How the server went away. */
export interface UpstreamExit {
  /** The exit status to pass on (128 + signal number for a signal, 1 for a server that could not start). */
  status: number;
  /** For people: "exited with code 3", "was killed by SIGKILL", "could not be started: ...". */
  reason: string;
}

export interface UpstreamHandlers {
  /** A message from the server: its exact bytes (no newline) and its parsed form. */
  message(line: Buffer, message: unknown): void;
  /** Output that is not a JSON-RPC message. */
  garbage(text: string): void;
  /** A transport problem worth a line on stderr. */
  warn(text: string): void;
  /** The server is gone; nothing more will arrive. */
  exit(exit: UpstreamExit): void;
}

export interface Upstream {
  /** Who the server is, for messages ("`node server.js`", "http://host/mcp"; see labelOf). */
  readonly label: string;
  /** Passes on a client message; rejects when it could not be delivered. */
  send(line: Buffer, message: unknown): Promise<void>;
  /** The session negotiated this protocol version (HTTP sends it as a header). */
  initialized(protocolVersion: string): void;
  /** Stops the server: closes its input, then asks it to stop, then kills it. */
  stop(): void;
  /** Flow control (stdio only): a promise when the server's input is full, resolved once it drains. */
  drained?(): Promise<void> | undefined;
  /** Flow control (stdio only): stop / restart reading the server's output while the client's is full. */
  pause?(): void;
  resume?(): void;
}

/** A parsed line when it is a JSON-RPC message (an object or batch array with jsonrpc "2.0"). */
export function parseMessage(line: Buffer): unknown {
  let message: unknown;
  try {
    message = JSON.parse(line.toString('utf8'));
  } catch {
    return undefined;
  }
  const isRpc = (m: unknown) => m !== null && typeof m === 'object' && (m as { jsonrpc?: unknown }).jsonrpc === '2.0';
  if (Array.isArray(message) ? message.length > 0 && message.every(isRpc) : isRpc(message)) return message;
  return undefined;
}

/**
 * How a server is named in errors the client (and its model) reads: the program and the first
 * argument that is not an option (`node server.js`, `npx @acme/tickets`), never the whole
 * command line, whose options may hold secrets.
 */
export function labelOf(command: string, args: readonly string[]): string {
  const subject = args.find((arg) => !arg.startsWith('-'));
  return `\`${[basename(command), subject === undefined ? undefined : basename(subject)].filter(Boolean).join(' ')}\``;
}

const NEWLINE = Buffer.from('\n');
/** After its input closes, a server gets this long to exit before SIGTERM, and as long again before SIGKILL. */
const STOP_GRACE_MS = 2000;

/** A stdio MCP server started as a child; its stderr is ours. */
export function stdioUpstream(command: string, args: string[], handlers: UpstreamHandlers): Upstream {
  const label = labelOf(command, args);
  let exited = false;
  const child: ChildProcess = spawn(command, args, { stdio: ['pipe', 'pipe', 'inherit'] });
  const splitter = new LineSplitter((line) => {
    const message = parseMessage(line);
    if (message === undefined) handlers.garbage(line.toString('utf8'));
    else handlers.message(line, message);
  });
  child.stdout!.on('data', (chunk: Buffer) => splitter.push(chunk));
  child.stdin!.on('error', () => {}); // a server that exits early; its exit is reported below
  const finish = (exit: UpstreamExit) => {
    if (exited) return;
    exited = true;
    const rest = splitter.rest();
    if (rest) handlers.garbage(rest.toString('utf8'));
    handlers.exit(exit);
  };
  child.on('error', (error: NodeJS.ErrnoException) => {
    const hint = error.code === 'ENOENT' ? ' (command not found; check the name and PATH)' : '';
    finish({ status: error.code === 'ENOENT' ? 127 : 1, reason: `could not be started: ${error.message}${hint}` });
  });
  // 'close', not 'exit': every byte the server wrote has been read by then.
  child.on('close', (code, signal) => {
    if (signal) {
      const number = (constants.signals as Record<string, number | undefined>)[signal] ?? 0;
      finish({ status: 128 + number, reason: `was stopped by ${signal}` });
    } else finish({ status: code ?? 1, reason: `exited with code ${code}` });
  });
  return {
    label,
    send(line) {
      if (exited || !child.stdin!.writable) return Promise.reject(new Error(`the MCP server ${label} is not running`));
      child.stdin!.write(line);
      child.stdin!.write(NEWLINE);
      return Promise.resolve();
    },
    initialized() {},
    drained() {
      const stdin = child.stdin!;
      return stdin.writableNeedDrain && !exited ? new Promise<void>((resolve) => stdin.once('drain', resolve).once('close', resolve)) : undefined;
    },
    pause: () => child.stdout!.pause(),
    resume: () => child.stdout!.resume(),
    stop() {
      if (exited) return;
      child.stdin!.end();
      const term = setTimeout(() => {
        if (!exited) child.kill('SIGTERM');
        const kill = setTimeout(() => !exited && child.kill('SIGKILL'), STOP_GRACE_MS);
        kill.unref();
      }, STOP_GRACE_MS);
      term.unref();
    },
  };
}
