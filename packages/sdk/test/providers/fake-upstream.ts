/**
 * A fake vendor API on 127.0.0.1:0 that speaks each vendor's wire format (JSON and SSE), records
 * every request it receives, and answers with a reply text chosen by the test.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedRequest {
  method: string;
  path: string;
  body: any;
}

export interface FakeUpstream {
  url: string;
  received: ReceivedRequest[];
  /** The reply text the next responses carry (streamed in `chunkSize` pieces). */
  reply: string;
  chunkSize: number;
  close(): Promise<void>;
}

const sse = (res: ServerResponse, events: Array<{ event?: string; data: unknown }>, end?: string) => {
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
  for (const e of events) res.write(`${e.event ? `event: ${e.event}\n` : ''}data: ${typeof e.data === 'string' ? e.data : JSON.stringify(e.data)}\n\n`);
  if (end) res.write(end);
  res.end();
};
const json = (res: ServerResponse, body: unknown) => {
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
};
const pieces = (text: string, size: number) => Array.from({ length: Math.ceil(text.length / size) }, (_, i) => text.slice(i * size, (i + 1) * size));

export async function startFakeUpstream(): Promise<FakeUpstream> {
  const state = { reply: 'Hello', chunkSize: 5 };
  const received: ReceivedRequest[] = [];
  const server = createServer(async (req: IncomingMessage, res: ServerResponse) => {
    let raw = '';
    for await (const chunk of req) raw += chunk;
    const url = new URL(req.url ?? '/', 'http://x');
    const body = raw ? JSON.parse(raw) : undefined;
    received.push({ method: req.method ?? '', path: url.pathname + url.search, body });
    const text = state.reply;
    const parts = pieces(text, state.chunkSize);

    if (url.pathname.endsWith('/chat/completions')) {
      const base = { id: 'chatcmpl-1', created: 1, model: body.model };
      if (!body.stream) {
        return json(res, { ...base, object: 'chat.completion', choices: [{ index: 0, message: { role: 'assistant', content: text, refusal: null }, finish_reason: 'stop', logprobs: null }], usage: { prompt_tokens: 10, completion_tokens: 5, total_tokens: 15 } });
      }
      const chunk = (delta: unknown, finish: string | null) => ({ data: { ...base, object: 'chat.completion.chunk', choices: [{ index: 0, delta, finish_reason: finish, logprobs: null }] } });
      return sse(res, [chunk({ role: 'assistant', content: '' }, null), ...parts.map((p) => chunk({ content: p }, null)), chunk({}, 'stop')], 'data: [DONE]\n\n');
    }
    if (url.pathname.endsWith('/responses')) {
      const message = { type: 'message', id: 'msg_1', status: 'completed', role: 'assistant', content: [{ type: 'output_text', text, annotations: [] }] };
      const response = { id: 'resp_1', object: 'response', created_at: 1, status: 'completed', model: body.model, output: [message], usage: { input_tokens: 10, output_tokens: 5, total_tokens: 15 } };
      if (!body.stream) return json(res, response);
      let n = 0;
      const ev = (type: string, data: object) => ({ event: type, data: { type, sequence_number: n++, ...data } });
      return sse(res, [
        ev('response.created', { response: { ...response, status: 'in_progress', output: [] } }),
        ...parts.map((delta) => ev('response.output_text.delta', { item_id: 'msg_1', output_index: 0, content_index: 0, delta })),
        ev('response.completed', { response }),
      ]);
    }
    if (url.pathname.endsWith('/v1/messages')) {
      const message = { id: 'msg_1', type: 'message', role: 'assistant', model: body.model, content: [{ type: 'text', text }], stop_reason: 'end_turn', stop_sequence: null, usage: { input_tokens: 10, output_tokens: 5 } };
      if (!body.stream) return json(res, message);
      const ev = (type: string, data: object) => ({ event: type, data: { type, ...data } });
      return sse(res, [
        ev('message_start', { message: { ...message, content: [], stop_reason: null, usage: { input_tokens: 10, output_tokens: 0 } } }),
        ev('content_block_start', { index: 0, content_block: { type: 'text', text: '' } }),
        ...parts.map((p) => ev('content_block_delta', { index: 0, delta: { type: 'text_delta', text: p } })),
        ev('content_block_stop', { index: 0 }),
        ev('message_delta', { delta: { stop_reason: 'end_turn', stop_sequence: null }, usage: { output_tokens: 5 } }),
        ev('message_stop', {}),
      ]);
    }
    if (url.pathname.includes(':generateContent') || url.pathname.includes(':streamGenerateContent')) {
      const candidate = (t: string) => ({ candidates: [{ content: { role: 'model', parts: [{ text: t }] }, finishReason: 'STOP', index: 0 }], usageMetadata: { promptTokenCount: 10, candidatesTokenCount: 5, totalTokenCount: 15 } });
      if (url.pathname.includes(':generateContent')) return json(res, candidate(text));
      return sse(res, parts.map((p) => ({ data: candidate(p) })));
    }
    res.writeHead(404, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ error: { message: `fake upstream: no route ${url.pathname}` } }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    get reply() { return state.reply; },
    set reply(v: string) { state.reply = v; },
    get chunkSize() { return state.chunkSize; },
    set chunkSize(v: number) { state.chunkSize = v; },
    close: () => new Promise<void>((resolve, reject) => server.close((e) => (e ? reject(e) : resolve()))),
  };
}
