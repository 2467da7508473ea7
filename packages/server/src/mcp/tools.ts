/**
 * The Kaizen MCP tools (`ktof_encode`, `ktof_decode`, `ktof_stats`) over any implementation of
 * the three codec operations: the server's engine (`/mcp`), or a KaizenClient in the CLI
 * (`kaizen mcp`, in-process or `--remote`). Each answer is a text item plus the same value in
 * `structuredContent`; failures are tool errors (`isError: true`) whose text says what to fix.
 */
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';
import { KTOF_PRIMER, parseJson, stringifyJson } from '@kaizen/ktof';
import { isKaizenProblem, type CompressResponse, type DecodeRequest, type DecompressResponse, type EncodeRequest, type OptimizeRequest, type OptimizeResponse } from '@kaizen/protocol';

/** The codec operations the tools run on (KaizenClient and a context-bound core engine both fit). */
export interface KtofOperations {
  compress(request: EncodeRequest): Promise<CompressResponse>;
  decompress(request: DecodeRequest): Promise<DecompressResponse>;
  optimize(request: OptimizeRequest): Promise<OptimizeResponse>;
}

/** A failure as a tool reports it; `line`/`column` locate malformed KTOF. */
export interface ToolFailure {
  message: string;
  line?: number;
  column?: number;
}

export interface KtofMcpOptions {
  /** Reported as the server version in `initialize`. */
  version: string;
  /**
   * Describes an error thrown by `operations` (return undefined for unknown errors, which are
   * reported without internals). KaizenProblem is understood without it.
   */
  describeError?: (error: unknown) => ToolFailure | undefined;
}

/** Models `ktof_stats` counts when none are given (the CLI's `kaizen stats` default). */
export const DEFAULT_STATS_MODELS = ['gpt-4o', 'claude-sonnet-4'];

/** The server instructions: what the tools are for and how to read KTOF. */
export const KTOF_MCP_INSTRUCTIONS =
  'Kaizen converts JSON to KTOF, a compact text that costs fewer tokens, and back without loss. ' +
  'Use ktof_encode before putting large JSON into a prompt, ktof_decode to turn KTOF back into JSON, ' +
  'ktof_stats to compare their sizes.\n' +
  KTOF_PRIMER;

const encodeOptions = z
  .object({
    delimiter: z.string().optional().describe('cell delimiter: "," (default), "\\t", "|" or ";"'),
    indent: z.number().int().min(1).max(16).optional().describe('spaces per nesting level (default 2)'),
    length_marker: z.union([z.boolean(), z.string()]).optional().describe('true: write lengths as [#N]; false: omit lengths; a string: that marker'),
  })
  .optional();

const decodeOptions = z
  .object({
    indent: z.number().int().min(1).max(16).optional().describe('spaces per nesting level of the input (default 2)'),
    strict: z.boolean().optional().describe('check declared lengths, row widths and indentation (default true)'),
  })
  .optional();

const modelTokens = z.object({ json: z.number(), ktof: z.number(), encoding: z.string(), estimated: z.boolean() });

/** What `ktof_stats` answers. */
export interface KtofStats {
  bytes: { json: number; ktof: number };
  tokens: Record<string, { json: number; ktof: number; encoding: string; estimated: boolean }>;
}

/** A text item with `structured` as structuredContent. */
function answer(text: string, structured: Record<string, unknown>): CallToolResult {
  return { content: [{ type: 'text', text }], structuredContent: structured };
}

function toolError(failure: ToolFailure): CallToolResult {
  const where = failure.line !== undefined ? `line ${failure.line}, column ${failure.column ?? 1}: ` : '';
  return { content: [{ type: 'text', text: `${where}${failure.message}` }], isError: true };
}

/** The failure a KaizenProblem describes (malformed KTOF carries its line and column). */
function describeProblem(error: unknown): ToolFailure | undefined {
  if (!isKaizenProblem(error)) return undefined;
  if (Array.isArray(error.detail)) return { message: describeInvalidArguments(error.detail) };
  const line = typeof error.extra['line'] === 'number' ? error.extra['line'] : undefined;
  const column = typeof error.extra['column'] === 'number' ? error.extra['column'] : undefined;
  // The detail repeats the location ("Malformed KTOF at line 3, column 5: ..."); it goes in front once.
  const message = line === undefined ? error.message : `malformed KTOF: ${error.message.replace(/^Malformed KTOF at line \d+, column \d+: /, '')}`;
  return { message, ...(line !== undefined ? { line, column: column ?? 1 } : {}) };
}

/** Validation items as the model should read them: `options.delimiter: why` (the wire's "body." left out). */
export function describeInvalidArguments(detail: readonly { loc: readonly (string | number)[]; msg: string }[]): string {
  return detail.map((d) => `${d.loc.filter((part) => part !== 'body').join('.')}: ${d.msg}`).join('; ');
}

/** Parses the `json` argument, numbers beyond a JS number's digits kept exact (as the API's bodies); a bad text is a tool error that says where. */
function parseJsonArgument(text: string): { value: unknown } | { failure: ToolFailure } {
  try {
    return { value: parseJson(text) };
  } catch (error) {
    return { failure: { message: `"json" is not valid JSON: ${(error as Error).message}` } };
  }
}

/** Drops undefined fields (the wire schemas are strict about what they get). */
function defined<T extends object>(options: T | undefined): T | undefined {
  if (!options) return undefined;
  const out = Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined)) as T;
  return Object.keys(out).length ? out : undefined;
}

/** An MCP server with the three KTOF tools, not yet connected to a transport. */
export function createKtofMcpServer(operations: KtofOperations, options: KtofMcpOptions): McpServer {
  const server = new McpServer({ name: 'kaizen', version: options.version }, { instructions: KTOF_MCP_INSTRUCTIONS });
  const run = async (work: () => Promise<CallToolResult>): Promise<CallToolResult> => {
    try {
      return await work();
    } catch (error) {
      const failure = describeProblem(error) ?? options.describeError?.(error);
      return toolError(failure ?? { message: 'the operation failed unexpectedly; try again or report it' });
    }
  };

  server.registerTool(
    'ktof_encode',
    {
      title: 'JSON to KTOF',
      description: 'Encode a JSON text as KTOF (same data, fewer tokens). Returns the KTOF text.',
      inputSchema: { json: z.string().describe('the JSON text to encode'), options: encodeOptions },
      outputSchema: { ktof: z.string() },
      annotations: { readOnlyHint: true, idempotentHint: true, openWorldHint: false },
    },
    ({ json, options: settings }) =>
      run(async () => {
        const parsed = parseJsonArgument(json);
        if ('failure' in parsed) return toolError(parsed.failure);
        // The wire contract refuses a null `data`; its KTOF is simply `null`.
        const ktof = parsed.value === null ? 'null' : (await operations.compress({ data: parsed.value, options: defined(settings) ?? null })).result;
        return answer(ktof, { ktof });
      }),
  );

  server.registerTool(
    'ktof_decode',
    {
      title: 'KTOF to JSON',
      description: 'Decode a KTOF (or TOON, or JSON) text back to JSON. Returns compact JSON text; a malformed document is an error with its line and column. On a Kaizen server a payload id (kz_…) from prompts.encode gives back the stored prompt.',
      inputSchema: { ktof: z.string().describe('the KTOF text to decode, or a payload id'), options: decodeOptions },
      outputSchema: { json: z.string() },
      annotations: { readOnlyHint: true, idempotentHint: true, openWorldHint: false },
    },
    ({ ktof, options: settings }) =>
      run(async () => {
        const value = (await operations.decompress({ data: ktof, options: defined(settings) ?? null })).result;
        // Exact numbers (KtofNumber) and -0 are written with their own digits, as the API answers.
        const json = stringifyJson(value);
        return answer(json, { json });
      }),
  );

  server.registerTool(
    'ktof_stats',
    {
      title: 'JSON vs KTOF size',
      description: `Bytes and tokens per model of a JSON text as compact JSON and as KTOF (models default to ${DEFAULT_STATS_MODELS.join(', ')}).`,
      inputSchema: { json: z.string().describe('the JSON text to measure'), models: z.array(z.string()).optional().describe('model names, e.g. ["gpt-4o", "claude-sonnet-4"]') },
      outputSchema: { bytes: z.object({ json: z.number(), ktof: z.number() }), tokens: z.record(z.string(), modelTokens) },
      annotations: { readOnlyHint: true, idempotentHint: true, openWorldHint: false },
    },
    ({ json, models }) =>
      run(async () => {
        const parsed = parseJsonArgument(json);
        if ('failure' in parsed) return toolError(parsed.failure);
        const names = models && models.length ? [...new Set(models)] : DEFAULT_STATS_MODELS;
        const envelope = await operations.optimize({ data: parsed.value, token_models: names });
        const stats: KtofStats = { bytes: { json: envelope.stats.original_bytes, ktof: envelope.stats.compressed_bytes }, tokens: {} };
        for (const name of names) {
          const t = envelope.token_stats[name];
          if (t) stats.tokens[name] = { json: t.original, ktof: t.compressed, encoding: t.encoding, estimated: t.estimated };
        }
        return answer(JSON.stringify(stats), stats as unknown as Record<string, unknown>);
      }),
  );
  return server;
}
