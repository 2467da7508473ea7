/**
 * A Streamable HTTP MCP server behind the proxy (--url), through the official SDK's client
 * transport, which owns sessions, SSE streams and reconnection. Messages arrive parsed, so they
 * are passed on re-serialised.
 */
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import type { Upstream, UpstreamHandlers } from './upstream.js';

/** A Streamable HTTP MCP server. `headers` go on every request (e.g. Authorization). */
export function httpUpstream(url: URL, headers: Record<string, string>, handlers: UpstreamHandlers): Upstream {
  const transport = new StreamableHTTPClientTransport(url, { requestInit: { headers } });
  let closed = false;
  transport.onmessage = (message: JSONRPCMessage) => handlers.message(Buffer.from(JSON.stringify(message)), message);
  transport.onerror = (error: Error) => handlers.warn(`${url.origin}${url.pathname}: ${error.message}`);
  transport.onclose = () => {
    if (closed) return;
    closed = true;
    handlers.exit({ status: 0, reason: 'closed the connection' });
  };
  const started = transport.start();
  return {
    label: `${url.origin}${url.pathname}`,
    async send(_line, message) {
      if (message === undefined) throw new Error('the client sent a line that is not JSON-RPC');
      await started;
      await transport.send(message as JSONRPCMessage);
    },
    initialized(protocolVersion) {
      transport.setProtocolVersion(protocolVersion);
    },
    stop() {
      void (async () => {
        await transport.terminateSession().catch(() => {});
        await transport.close();
      })();
    },
  };
}
