/**
 * A fake OpenAI + Anthropic upstream on loopback that records exactly what it received (raw
 * body bytes, headers) and answers like the vendor: JSON bodies, SSE streams, errors. Tests
 * override the answer per call with `respond`.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Received {
  method: string;
  path: string;
  headers: IncomingMessage['headers'];
  body: string;
  /** Set when the gateway closed the request before the answer was complete. */
  aborted: boolean;
}

export type Responder = (request: Received, response: ServerResponse) => void | Promise<void>;

export const CHAT_COMPLETION = {
  id: 'chatcmpl-1',
  object: 'chat.completion',
  created: 1_700_000_000,
  model: 'gpt-4o-mini',
  choices: [{ index: 0, message: { role: 'assistant', content: 'Two orders.', refusal: null }, finish_reason: 'stop', logprobs: null }],
  usage: { prompt_tokens: 10, completion_tokens: 3, total_tokens: 13 },
};

export const RESPONSE = {
  id: 'resp_1',
  object: 'response',
  created_at: 1_700_000_000,
  status: 'completed',
  model: 'gpt-4o-mini',
  output: [{ type: 'message', id: 'msg_1', status: 'completed', role: 'assistant', content: [{ type: 'output_text', text: 'Done.', annotations: [] }] }],
  usage: { input_tokens: 10, output_tokens: 2, total_tokens: 12 },
};

export const MESSAGE = {
  id: 'msg_1',
  type: 'message',
  role: 'assistant',
  model: 'claude-sonnet-4',
  content: [{ type: 'text', text: 'Two orders.' }],
  stop_reason: 'end_turn',
  stop_sequence: null,
  usage: { input_tokens: 10, output_tokens: 3 },
};

export function sendJson(response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  response.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), ...headers });
  response.end(text);
}

/** SSE chunks of an OpenAI chat completion stream that says `words`. */
export function chatChunks(words: string[]): string[] {
  const chunk = (delta: object, finish: string | null = null) =>
    `data: ${JSON.stringify({ id: 'chatcmpl-1', object: 'chat.completion.chunk', created: 1, model: 'gpt-4o-mini', choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`;
  return [chunk({ role: 'assistant', content: '' }), ...words.map((w) => chunk({ content: w })), chunk({}, 'stop'), 'data: [DONE]\n\n'];
}

/**
 * A chat stream whose first words go out at once and the rest only after `release()`: a
 * caller that sees the first words before releasing proves nothing in between buffered them.
 */
export function gatedChatStream(words: [string, ...string[]]): { responder: Responder; release(): void } {
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  const responder: Responder = async (_request, response) => {
    const chunks = chatChunks(words);
    response.writeHead(200, { 'content-type': 'text/event-stream' });
    response.write(chunks[0]! + chunks[1]!);
    await released;
    for (const chunk of chunks.slice(2)) response.write(chunk);
    response.end();
  };
  return { responder, release };
}

/** SSE events of an Anthropic message stream that says `words`. */
export function messageEvents(words: string[]): string[] {
  const event = (type: string, data: object) => `event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`;
  return [
    event('message_start', { message: { ...MESSAGE, content: [], stop_reason: null, usage: { input_tokens: 10, output_tokens: 0 } } }),
    event('content_block_start', { index: 0, content_block: { type: 'text', text: '' } }),
    ...words.map((w) => event('content_block_delta', { index: 0, delta: { type: 'text_delta', text: w } })),
    event('content_block_stop', { index: 0 }),
    event('message_delta', { delta: { stop_reason: 'end_turn', stop_sequence: null }, usage: { output_tokens: words.length } }),
    event('message_stop', {}),
  ];
}

/** The vendor's default answer for each route. */
const defaultResponder: Responder = (received, response) => {
  const request = { ...received, path: received.path.split('?')[0]! };
  const streaming = request.body !== '' && JSON.parse(request.body).stream === true;
  if (request.path.endsWith('/chat/completions')) {
    if (!streaming) return sendJson(response, 200, CHAT_COMPLETION, { 'x-request-id': 'req_upstream_1' });
    response.writeHead(200, { 'content-type': 'text/event-stream' });
    for (const chunk of chatChunks(['Two', ' orders', '.'])) response.write(chunk);
    return void response.end();
  }
  if (request.path.endsWith('/responses')) return sendJson(response, 200, RESPONSE);
  if (request.path.endsWith('/models')) return sendJson(response, 200, { object: 'list', data: [{ id: 'gpt-4o-mini', object: 'model', created: 1, owned_by: 'openai' }] });
  if (request.path.endsWith('/messages/count_tokens')) return sendJson(response, 200, { input_tokens: 42 });
  if (request.path.endsWith('/messages')) {
    if (!streaming) return sendJson(response, 200, MESSAGE, { 'request-id': 'req_upstream_2' });
    response.writeHead(200, { 'content-type': 'text/event-stream' });
    for (const event of messageEvents(['Two', ' orders', '.'])) response.write(event);
    return void response.end();
  }
  sendJson(response, 404, { error: { message: 'unknown path', type: 'invalid_request_error' } });
};

export class FakeUpstream {
  readonly received: Received[] = [];
  #server: Server | undefined;
  #responder: Responder | undefined;
  port = 0;

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** The next calls get this answer (until reset); undefined restores the vendor default. */
  respond(responder: Responder | undefined): void {
    this.#responder = responder;
  }

  get last(): Received {
    const last = this.received.at(-1);
    if (!last) throw new Error('the fake upstream received nothing');
    return last;
  }

  async start(): Promise<this> {
    this.#server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        const received: Received = {
          method: request.method ?? '',
          path: request.url ?? '',
          headers: request.headers,
          body: Buffer.concat(chunks).toString('utf8'),
          aborted: false,
        };
        this.received.push(received);
        response.on('close', () => {
          if (!response.writableFinished) received.aborted = true;
        });
        void (this.#responder ?? defaultResponder)(received, response);
      });
    });
    await new Promise<void>((resolve) => this.#server!.listen(0, '127.0.0.1', resolve));
    this.port = (this.#server.address() as AddressInfo).port;
    return this;
  }

  async close(): Promise<void> {
    this.#server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.#server ? this.#server.close(() => resolve()) : resolve()));
  }
}
