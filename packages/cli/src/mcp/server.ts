/**
 * `kaizen mcp`: the Kaizen MCP tools on stdio. They run in-process (KaizenClient.local) or, with
 * --remote, on a Kaizen server (KaizenClient over HTTP); both throw the SDK's error classes.
 */
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import { KaizenAPIError, KaizenClient } from '@kaizen/sdk';
import { createKtofMcpServer, describeInvalidArguments, type ToolFailure } from '@kaizen/server/mcp';
import { clientFor, type RemoteFlags } from '../client/index.js';
import { malformedKtof, remoteFailure } from '../client/failure.js';
import { CLI_VERSION } from '../version.js';

/** A tool error for an SDK failure: malformed KTOF with its place, remote problems as the CLI words them. */
function describerFor(client: KaizenClient): (error: unknown) => ToolFailure | undefined {
  return (error) => {
    if (error instanceof KaizenAPIError) {
      const malformed = malformedKtof(error);
      if (malformed) return { message: `malformed KTOF: ${malformed.message}`, line: malformed.line, column: malformed.column };
      // Bad arguments: say which one and why, as the model has to fix them.
      if (Array.isArray(error.detail)) return { message: describeInvalidArguments(error.detail) };
      if (error.statusCode === 400 && typeof error.detail === 'string') return { message: error.detail };
    }
    return { message: remoteFailure(error, 'input', client.mode === 'remote' ? client.baseUrl : 'kaizen').message };
  };
}

/** Serves the tools on stdin/stdout until the client closes stdin. */
export async function serveMcpStdio(flags: RemoteFlags): Promise<void> {
  const client = clientFor(flags);
  const server = createKtofMcpServer(client, { version: CLI_VERSION, describeError: describerFor(client) });
  const transport = new StdioServerTransport();
  await server.connect(transport);
  await untilClientLeaves(transport);
  await server.close();
  await client.close();
}

/**
 * Resolves once stdin has ended and every request read before that has been answered: a client
 * that writes its requests and closes its end (`... | kaizen mcp`) still gets every answer.
 */
function untilClientLeaves(transport: StdioServerTransport): Promise<void> {
  let open = 0;
  let ended = false;
  return new Promise((resolve) => {
    const check = () => ended && open === 0 && resolve();
    const receive = transport.onmessage!;
    transport.onmessage = (message: JSONRPCMessage) => {
      if ('method' in message && 'id' in message) open++;
      receive(message);
    };
    const send = transport.send.bind(transport);
    transport.send = async (message: JSONRPCMessage) => {
      await send(message);
      if (!('method' in message) && 'id' in message) {
        open--;
        check();
      }
    };
    transport.onclose = resolve;
    process.stdin.once('end', () => {
      ended = true;
      check();
    });
  });
}
