/**
 * Registers `kaizen mcp` (the KTOF tools as an MCP server on stdio) and `kaizen mcp-proxy`
 * (any MCP server, with its JSON tool results re-encoded as KTOF). The MCP SDK and the proxy
 * are loaded only when one of them runs.
 */
import type { Command } from 'commander';
import { addRemoteFlags, type RemoteFlags } from '../client/index.js';
import { EXIT_CODES_HELP } from '../exit.js';
import { action } from '../run.js';
import type { ProxyFlags } from './proxy/command.js';

export function registerMcp(program: Command): void {
  const mcp = program
    .command('mcp')
    .description('Run the KTOF tools (ktof_encode, ktof_decode, ktof_stats) as an MCP server on stdio');
  addRemoteFlags(mcp);
  mcp
    .addHelpText('after', `\nConfigure it in an MCP client as: {"command": "npx", "args": ["kaizen", "mcp"]} (see docs/mcp.md).\n${EXIT_CODES_HELP}`)
    .action(
      action('mcp', async (flags: RemoteFlags) => {
        const { serveMcpStdio } = await import('./server.js');
        await serveMcpStdio(flags);
      }),
    );

  // The server's command ends the proxy's options: `kaizen mcp-proxy node server.js --port 3`
  // gives --port to the server, with or without `--` (passThroughOptions needs the program's
  // options to be positional; the program has only --help and --version).
  program.enablePositionalOptions();
  program
    .command('mcp-proxy')
    .description('Stand between an MCP client and an MCP server, re-encoding JSON tool results as KTOF when that saves tokens')
    .argument('[command...]', 'the stdio MCP server to start; options after its name are its own (`--` before it is optional)')
    .passThroughOptions()
    .option('--url <url>', 'wrap a Streamable HTTP MCP server instead of starting a command')
    .option('-H, --header <header...>', 'a request header for --url, as "Name: value" (repeatable)')
    .option('--only <tools>', 'comma-separated tools whose results are re-encoded (default: all)')
    .option('--except <tools>', 'comma-separated tools whose results are left as they are')
    .option('--min-bytes <n>', 'leave results smaller than this many bytes as they are (default 0)')
    .option('--timeout <seconds>', 'answer a request the server leaves unanswered this long with an error; progress restarts the clock; 0 = wait forever (default 50)')
    .option('--model <name>', 'the model whose tokenizer decides whether KTOF is cheaper (default gpt-4o)')
    .option('--drop-structured', 'for tools without an outputSchema, drop structuredContent that repeats a re-encoded text, so clients that show it to the model show the KTOF')
    .option('-v, --verbose', 'print a line on stderr for every re-encoded result (tokens and bytes before and after)')
    .addHelpText(
      'after',
      `\nExamples:\n  kaizen mcp-proxy npx -y @modelcontextprotocol/server-everything\n  kaizen mcp-proxy --min-bytes 500 node server.js --port 3   # --port is the server's\n  kaizen mcp-proxy --only search,query --min-bytes 500 -- python db_server.py\n  kaizen mcp-proxy --url https://example.com/mcp -H "Authorization: Bearer $TOKEN"\n\n` +
        `The proxy's messages go to stderr, together with the server's own.\n\n` +
        `Exit status:\n  the server's (128 + N when signal N stopped it, 127 when the command is not found)\n  2  usage error (unknown option, bad option value, no command)`,
    )
    .action(
      action('mcp-proxy', async (command: string[], flags: ProxyFlags) => {
        const { runProxyCommand } = await import('./proxy/command.js');
        process.exit(await runProxyCommand(command, flags));
      }),
    );
}
