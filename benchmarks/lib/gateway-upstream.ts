/**
 * The fake vendor `bench:gateway` measures against, in its own process (`node --import tsx
 * gateway-upstream.ts PORT_FILE`): a chat completion answers at once with a fixed body; a
 * streaming one (`"stream":true` in the body) sends STREAM_CHUNKS SSE chunks STREAM_GAP_MS
 * apart, each carrying the epoch time it was written, so the reader can measure what a hop adds.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { writeFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

export const STREAM_CHUNKS = 20;
export const STREAM_GAP_MS = 5;

const COMPLETION = JSON.stringify({
  id: 'chatcmpl-bench',
  object: 'chat.completion',
  created: 1,
  model: 'gpt-4o',
  choices: [{ index: 0, message: { role: 'assistant', content: 'Orders 1042 and 1077 are late.' }, finish_reason: 'stop' }],
  usage: { prompt_tokens: 5000, completion_tokens: 9, total_tokens: 5009 },
});

const now = () => performance.timeOrigin + performance.now();

function serve(portFile: string): void {
const server = createServer((request, response) => {
  let body = '';
  request.setEncoding('utf8');
  request.on('data', (chunk: string) => (body += chunk));
  request.on('end', () => {
    if (!body.includes('"stream":true')) {
      response.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(COMPLETION) });
      response.end(COMPLETION);
      return;
    }
    response.writeHead(200, { 'content-type': 'text/event-stream' });
    response.flushHeaders();
    let sent = 0;
    const tick = () => {
      if (response.destroyed) return;
      if (sent === STREAM_CHUNKS) return void response.end('data: [DONE]\n\n');
      response.write(`data: {"sent_at":${now()},"i":${sent++}}\n\n`);
      setTimeout(tick, STREAM_GAP_MS);
    };
    tick();
  });
});
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => writeFileSync(portFile, String((server.address() as AddressInfo).port)));
}

// Run as a process; the benchmark imports only the constants.
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) serve(process.argv[2]!);
