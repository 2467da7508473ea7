/**
 * The gateway's settings: where each vendor's requests go, which vendor keys the server holds,
 * and whether callers bring their own. Merged into ServerConfig (see ../config.ts).
 */
export interface GatewayConfig {
  /** OpenAI-compatible base URL, up to and including its `/v1` (Azure, vLLM, Ollama, Groq... by URL). */
  openaiUpstream: string;
  /** Anthropic base URL (without `/v1`). */
  anthropicUpstream: string;
  /** Vendor keys the server injects (unless gatewayByok). Never logged. */
  openaiApiKey?: string;
  anthropicApiKey?: string;
  /** Callers send their own vendor credentials; their Kaizen key travels in `x-kaizen-api-key`. */
  gatewayByok: boolean;
  /** Upstream deadline (ms) for the response headers, and for each pause between body chunks. */
  gatewayTimeoutMs: number;
}

export const GATEWAY_DEFAULTS: Readonly<GatewayConfig> = {
  openaiUpstream: 'https://api.openai.com/v1',
  anthropicUpstream: 'https://api.anthropic.com',
  gatewayByok: false,
  // The vendor SDKs' own default timeout: a long non-streaming reasoning call can take minutes.
  gatewayTimeoutMs: 600_000,
};

export const GATEWAY_ENV_VARS = {
  openaiUpstream: 'KAIZEN_OPENAI_UPSTREAM',
  anthropicUpstream: 'KAIZEN_ANTHROPIC_UPSTREAM',
  openaiApiKey: 'KAIZEN_OPENAI_API_KEY',
  anthropicApiKey: 'KAIZEN_ANTHROPIC_API_KEY',
  gatewayByok: 'KAIZEN_GATEWAY_BYOK',
  gatewayTimeoutMs: 'KAIZEN_GATEWAY_TIMEOUT_MS',
} as const;

/** An http(s) base URL without query or fragment; a trailing slash is dropped. */
function upstreamUrl(name: string, raw: unknown, fail: (message: string) => never): string {
  let url: URL | undefined;
  try {
    url = new URL(String(raw).trim());
  } catch {
    url = undefined;
  }
  if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:') || url.search || url.hash || url.username || url.password) {
    fail(`${name} must be an http(s) URL without query, fragment or credentials (e.g. https://api.openai.com/v1), got "${String(raw)}".`);
  }
  return url.href.replace(/\/+$/, '');
}

function optionalKey(raw: unknown): string | undefined {
  const key = raw === undefined || raw === null ? '' : String(raw).trim();
  return key === '' ? undefined : key;
}

/**
 * Normalises the gateway settings in place. `check` holds the server's own validators and
 * ConfigError (passed in rather than imported: ../config.ts imports this module).
 */
export function validateGatewayConfig(
  out: GatewayConfig,
  check: { integer(name: string, raw: unknown, min: number, max?: number): number; boolean(name: string, raw: unknown): boolean; fail(message: string): never },
): void {
  out.openaiUpstream = upstreamUrl('OpenAI upstream (--openai-upstream / KAIZEN_OPENAI_UPSTREAM)', out.openaiUpstream, check.fail);
  out.anthropicUpstream = upstreamUrl('Anthropic upstream (--anthropic-upstream / KAIZEN_ANTHROPIC_UPSTREAM)', out.anthropicUpstream, check.fail);
  out.gatewayByok = check.boolean('gateway BYOK (--gateway-byok / KAIZEN_GATEWAY_BYOK)', out.gatewayByok);
  out.gatewayTimeoutMs = check.integer('gateway timeout (KAIZEN_GATEWAY_TIMEOUT_MS)', out.gatewayTimeoutMs, 100);
  const openaiKey = optionalKey(out.openaiApiKey);
  const anthropicKey = optionalKey(out.anthropicApiKey);
  if (openaiKey) out.openaiApiKey = openaiKey;
  else delete out.openaiApiKey;
  if (anthropicKey) out.anthropicApiKey = anthropicKey;
  else delete out.anthropicApiKey;
}
