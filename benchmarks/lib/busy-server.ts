/**
 * The calibration server of `bench:server`: the same HTTP stack as Kaizen (Hono on
 * @hono/node-server, one event loop), but a POST only reads its body, keeps the CPU busy for a
 * set time and answers a fixed JSON text. Set to burn what prompts.encode burns, it shows the
 * latency any server doing that much work per request gets on the machine, with no garbage
 * collection, storage or logging of its own to blame.
 *
 * Run as a child process (`node --import tsx busy-server.ts`); it prints "listening on URL" on
 * stderr. `PUT /calibrate {"busy_us", "reply"}` sets the busy time and the answer.
 */
import { serve } from '@hono/node-server';
import { Hono } from 'hono';

let busyMs = 0;
let reply = '{}';

const app = new Hono();
app.put('/calibrate', async (c) => {
  const settings = (await c.req.json()) as { busy_us: number; reply: string };
  busyMs = settings.busy_us / 1000;
  reply = settings.reply;
  return c.body(null, 204);
});
app.post('*', async (c) => {
  await c.req.arrayBuffer();
  const until = performance.now() + busyMs;
  while (performance.now() < until) {
    // Busy on purpose: this is the request's work.
  }
  return c.body(reply, 200, { 'content-type': 'application/json' });
});

const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, (info) => {
  process.stderr.write(`listening on http://127.0.0.1:${info.port}\n`);
});
process.once('SIGTERM', () => server.close(() => process.exit(0)));
