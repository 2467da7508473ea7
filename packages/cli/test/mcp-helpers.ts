/** MCP test helpers: the official SDK client on a stdio transport that also records raw bytes. */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import { BIN } from './helpers.js';

export const FAKE_SERVER = fileURLToPath(new URL('./fixtures/fake-mcp-server.mjs', import.meta.url));
export const HOSTILE_SERVER = fileURLToPath(new URL('./fixtures/hostile-mcp-server.mjs', import.meta.url));

/**
 * A stdio client transport (the same newline-delimited framing as the SDK's) that spawns
 * `kaizen ...args` and keeps every line it sends and receives, byte for byte, and the stderr.
 */
export class RecordingTransport implements Transport {
  readonly sent: Buffer[] = [];
  readonly received: Buffer[] = [];
  stderr = '';
  child!: ChildProcess;
  exited!: Promise<number | null>;
  onmessage?: (message: JSONRPCMessage) => void;
  onclose?: () => void;
  onerror?: (error: Error) => void;
  #pending: Buffer[] = [];

  constructor(
    readonly args: string[],
    readonly env: Record<string, string> = {},
  ) {}

  async start(): Promise<void> {
    this.child = spawn(process.execPath, [BIN, ...this.args], { stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, ...this.env } });
    this.exited = new Promise((resolve) => this.child.on('close', (code) => resolve(code)));
    this.child.on('close', () => this.onclose?.());
    this.child.stderr!.on('data', (chunk: Buffer) => (this.stderr += chunk.toString('utf8')));
    this.child.stdin!.on('error', () => {});
    this.child.stdout!.on('data', (chunk: Buffer) => {
      let start = 0;
      for (let end = chunk.indexOf(10); end !== -1; end = chunk.indexOf(10, start)) {
        const line = Buffer.concat([...this.#pending, chunk.subarray(start, end)]);
        this.#pending = [];
        start = end + 1;
        this.received.push(line);
        try {
          this.onmessage?.(JSON.parse(line.toString('utf8')) as JSONRPCMessage);
        } catch (error) {
          this.onerror?.(error as Error);
        }
      }
      if (start < chunk.length) this.#pending.push(chunk.subarray(start));
    });
  }

  async send(message: JSONRPCMessage): Promise<void> {
    const line = Buffer.from(JSON.stringify(message));
    this.sent.push(line);
    this.child.stdin!.write(Buffer.concat([line, Buffer.from('\n')]));
  }

  /** Closes the proxy's stdin (the client going away) and waits for it to exit. */
  async close(): Promise<void> {
    this.child.stdin!.end();
    await this.exited;
  }
}

/** An SDK client connected over `transport`. */
export async function connectClient(transport: Transport): Promise<Client> {
  const client = new Client({ name: 'kaizen-tests', version: '1.0.0' });
  await client.connect(transport);
  return client;
}

/** Splits a file of newline-terminated lines into their exact bytes. */
export function linesOf(bytes: Buffer): Buffer[] {
  const out: Buffer[] = [];
  let start = 0;
  for (let end = bytes.indexOf(10); end !== -1; end = bytes.indexOf(10, start)) {
    out.push(bytes.subarray(start, end));
    start = end + 1;
  }
  return out;
}
