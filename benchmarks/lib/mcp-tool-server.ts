/**
 * A stdio MCP server (official SDK) for `npm run bench:mcp`: one tool per benchmark dataset,
 * answering the way MCP servers usually do (pretty JSON text, `JSON.stringify(x, null, 2)`),
 * the same data as compact JSON (`<name>_compact`), a prose answer, and large results for latency.
 */
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { datasets, type Json } from '../data/index.js';

const server = new McpServer({ name: 'bench-tools', version: '1.0.0' });
const text = (t: string) => async () => ({ content: [{ type: 'text' as const, text: t }] });

const all = datasets();
for (const { name, description, value } of all) {
  server.registerTool(name, { description }, text(JSON.stringify(value, null, 2)));
  server.registerTool(`${name}_compact`, { description }, text(JSON.stringify(value)));
}
server.registerTool('prose', { description: 'a plain text answer' }, text('The deployment finished at 14:02. Three services restarted cleanly; the billing worker needed a second attempt because its database migration held a lock for 40 seconds. No customer-facing errors were logged.'));

/** About `bytes` of JSON: the event-log dataset repeated. */
function large(bytes: number): Json {
  const events = all.find((d) => d.name === 'event-logs')?.value as Json[];
  const unit = JSON.stringify(events).length;
  return { events: Array.from({ length: Math.ceil(bytes / unit) }, () => events).flat() };
}
server.registerTool('large_1mb', { description: 'about 1 MB of log events' }, text(JSON.stringify(large(1_000_000))));
server.registerTool('large_5mb', { description: 'about 5 MB of log events' }, text(JSON.stringify(large(5_000_000))));

await server.connect(new StdioServerTransport());
