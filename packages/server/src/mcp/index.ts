/** `@kaizen/server/mcp`: the Kaizen MCP tools, for `/mcp` here and `kaizen mcp` in the CLI (which loads only this). */
export { createKtofMcpServer, describeInvalidArguments, DEFAULT_STATS_MODELS, KTOF_MCP_INSTRUCTIONS, type KtofMcpOptions, type KtofOperations, type KtofStats, type ToolFailure } from './tools.js';
