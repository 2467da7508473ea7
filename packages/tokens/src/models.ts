/**
 * Model name -> tokenizer. Exact tokenizers where one exists offline (OpenAI's o200k/cl100k
 * via gpt-tokenizer); the Claude tokenizer Anthropic published (older models: an estimate for
 * current ones); a documented approximation for every other named family.
 */

export type Encoding = 'o200k_base' | 'cl100k_base' | 'claude';

export interface ModelTokenizer {
  /** The family that matched, e.g. "gpt-4o", "claude", "gemini". */
  family: string;
  encoding: Encoding;
  /** False only when the count is what the model's own tokenizer would produce. */
  estimated: boolean;
}

interface FamilyRule extends ModelTokenizer {
  /** How the family is shown in error messages. */
  label: string;
  test: (model: string) => boolean;
}

const prefix = (...prefixes: string[]) => (model: string) => prefixes.some((p) => model === p || model.startsWith(`${p}-`) || model.startsWith(`${p}.`) || model.startsWith(`${p}:`));

// Order matters: the first rule that matches wins (gpt-4o before gpt-4).
const FAMILIES: FamilyRule[] = [
  { label: 'gpt-4o*', family: 'gpt-4o', encoding: 'o200k_base', estimated: false, test: (m) => m.startsWith('gpt-4o') || m.startsWith('chatgpt-4o') },
  { label: 'gpt-4.1*', family: 'gpt-4.1', encoding: 'o200k_base', estimated: false, test: prefix('gpt-4.1') },
  { label: 'gpt-4.5*', family: 'gpt-4.5', encoding: 'o200k_base', estimated: false, test: prefix('gpt-4.5') },
  { label: 'gpt-5*', family: 'gpt-5', encoding: 'o200k_base', estimated: false, test: (m) => m.startsWith('gpt-5') },
  { label: 'o1*, o3*, o4*', family: 'o-series', encoding: 'o200k_base', estimated: false, test: prefix('o1', 'o3', 'o4', 'o1-mini', 'o3-mini', 'o4-mini') },
  { label: 'gpt-4, gpt-4-turbo*', family: 'gpt-4', encoding: 'cl100k_base', estimated: false, test: prefix('gpt-4') },
  { label: 'gpt-3.5-turbo*', family: 'gpt-3.5-turbo', encoding: 'cl100k_base', estimated: false, test: prefix('gpt-3.5-turbo', 'gpt-35-turbo') },
  { label: 'text-embedding-3-*, text-embedding-ada-002', family: 'openai-embedding', encoding: 'cl100k_base', estimated: false, test: prefix('text-embedding-3', 'text-embedding-ada-002') },
  { label: 'claude-*', family: 'claude', encoding: 'claude', estimated: true, test: prefix('claude') },
  { label: 'gemini-*, gemma-*', family: 'gemini', encoding: 'o200k_base', estimated: true, test: prefix('gemini', 'gemma') },
  { label: 'llama-*', family: 'llama', encoding: 'cl100k_base', estimated: true, test: prefix('llama', 'meta-llama', 'llama3', 'llama-3') },
  { label: 'mistral-*, mixtral-*, codestral-*', family: 'mistral', encoding: 'cl100k_base', estimated: true, test: prefix('mistral', 'mixtral', 'codestral', 'ministral', 'magistral') },
  { label: 'deepseek-*', family: 'deepseek', encoding: 'cl100k_base', estimated: true, test: prefix('deepseek') },
  { label: 'qwen*', family: 'qwen', encoding: 'cl100k_base', estimated: true, test: (m) => m.startsWith('qwen') },
  { label: 'command-*', family: 'cohere', encoding: 'cl100k_base', estimated: true, test: prefix('command') },
  { label: 'grok-*', family: 'grok', encoding: 'o200k_base', estimated: true, test: prefix('grok') },
];

/** The model families accepted, as shown in an unknown-model error. */
export const SUPPORTED_FAMILIES: readonly string[] = FAMILIES.map((f) => f.label);

/** An unknown model name. The server answers 422 with this message. */
export class UnknownModelError extends Error {
  override readonly name = 'UnknownModelError';
  readonly supportedFamilies = SUPPORTED_FAMILIES;
  constructor(readonly model: string) {
    super(`Unknown token model "${model}". Supported families: ${SUPPORTED_FAMILIES.join('; ')}.`);
  }
}

const resolved = new Map<string, ModelTokenizer>();

/**
 * Which tokenizer counts for `model`. Case-insensitive; a routing prefix such as
 * "openai/" or "anthropic/" is ignored. Throws UnknownModelError.
 */
export function resolveModel(model: string): ModelTokenizer {
  const hit = resolved.get(model);
  if (hit) return hit;
  const name = model.trim().toLowerCase().replace(/^[a-z0-9_-]+\//, '');
  const rule = FAMILIES.find((f) => f.test(name));
  if (!rule) throw new UnknownModelError(model);
  const info: ModelTokenizer = { family: rule.family, encoding: rule.encoding, estimated: rule.estimated };
  if (resolved.size < 1024) resolved.set(model, info);
  return info;
}
