/**
 * A scripted HTTP server on loopback for transport tests: each incoming request is recorded
 * and answered by the next step of a script (status + headers + body, a delay, or a dropped
 * socket). When the script runs out, the last step repeats.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export interface RecordedRequest {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
  /** performance.now() when the request arrived. */
  at: number;
  remotePort: number | undefined;
}

export type Step =
  | { status: number; headers?: Record<string, string>; body?: unknown; raw?: string; delayMs?: number }
  /** A success envelope of the operation the request's path names (what a Kaizen server answers), with `fields` added. */
  | { status: 200; envelope: Record<string, unknown>; delayMs?: number }
  /** Destroy the socket without answering. */
  | { drop: true; afterHeaders?: boolean };

export interface FaultServer {
  url: string;
  requests: RecordedRequest[];
  /** Replaces the script. */
  script(...steps: Step[]): void;
  close(): Promise<void>;
}

export async function startFaultServer(): Promise<FaultServer> {
  let steps: Step[] = [{ status: 200, envelope: {} }];
  let served = 0;
  const requests: RecordedRequest[] = [];
  const sockets = new Set<Socket>();

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      requests.push({
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
        at: performance.now(),
        remotePort: req.socket.remotePort,
      });
      const step = steps[Math.min(served++, steps.length - 1)]!;
      if ('drop' in step) {
        if (step.afterHeaders) {
          res.writeHead(200, { 'content-type': 'application/json', 'content-length': '1000' });
          res.write('{"operation":');
          setTimeout(() => req.socket.destroy(), 10);
        } else req.socket.destroy();
        return;
      }
      const send = () => {
        if (res.destroyed) return;
        if ('envelope' in step) {
          res.writeHead(200, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ operation: operationOf(req.url ?? '/'), status: 'ok', ...step.envelope }));
          return;
        }
        const text = step.raw ?? (step.body === undefined ? '' : JSON.stringify(step.body));
        res.writeHead(step.status, { 'content-type': step.raw !== undefined ? 'text/html' : 'application/json', ...step.headers });
        res.end(text);
      };
      if (step.delayMs) setTimeout(send, step.delayMs);
      else send();
    });
  });
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    requests,
    script(...next: Step[]) {
      steps = next;
      served = 0;
      requests.length = 0;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

/** A console-like logger that keeps every line. */
export function memoryLogger() {
  const lines: { level: string; text: string }[] = [];
  const sink = (level: string) => (message: string, ...args: unknown[]) => lines.push({ level, text: [message, ...args.map((a) => JSON.stringify(a))].join(' ') });
  return { lines, logger: { error: sink('error'), warn: sink('warn'), info: sink('info'), debug: sink('debug') } };
}

/** The `operation` a Kaizen server names in its answer on `path`: "/" is health, "/v1/optimize/request" optimize.request. */
function operationOf(path: string): string {
  const route = new URL(path, 'http://x').pathname.replace(/^\/(v1\/)?/, '');
  return route === '' ? 'health' : route.replaceAll('/', '.');
}
