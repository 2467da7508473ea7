/**
 * encodePrompt / decodePrompt: a chat request (or a prompt string) with the JSON inside its
 * strings re-expressed as KTOF fragments, and back. Any other JSON value becomes one KTOF text.
 */
import { encode, stringifyJson, type DecodeOptions, type EncodeOptions, type JsonValue } from '@kaizen/ktof';
import { isChatRequest, isPlainObject, mapChatStrings, type StringSite } from './chat.js';
import { decodeText, escapeLiteral } from './fragment.js';
import type { JsonCandidate } from './scan.js';
import { encodeText, type EncodedText } from './text.js';
import { estimateTokens, type TokenCounter } from './tokens.js';
import type { TextKeyedCache } from './types.js';

export interface Detection {
  /** JSON-pointer-like path of the string that held JSON, e.g. "/messages/2/content". */
  path: string;
  kind: 'whole' | 'fenced' | 'embedded' | 'value';
  originalTokens?: number;
  encodedTokens?: number;
  /** Character span of the JSON in the original string (absent for kind "value"). */
  start?: number;
  end?: number;
  /** The caller schema (by tool or field name) that guided this detection. */
  schema?: string;
}

export interface EncodePromptOptions {
  /** Look for JSON in every content string (default true); when false only strings with a schema are encoded. */
  autoDetectJson?: boolean;
  /** JSON Schemas keyed by tool name or field name. */
  schemas?: Record<string, unknown>;
  encodeOptions?: EncodeOptions;
  /** Counts tokens for the "never grow" check; an estimate is used when absent. */
  countTokens?: (text: string) => number;
  /**
   * Remembers how each string was encoded, so the strings a conversation resends on every turn
   * are encoded once. It must serve one combination of `encodeOptions` and `countTokens` only.
   * Strings guided by a schema bypass it.
   */
  textCache?: EncodedTextCache;
  /** Finds the JSON in a string (default: findJson); encodePromptForms shares one scan per string between both forms. */
  scan?: (text: string) => JsonCandidate[];
}

/** Where encodePrompt keeps and finds earlier encodeText results (see EncodePromptOptions.textCache). */
export type EncodedTextCache = TextKeyedCache<EncodedText>;

export interface EncodedPrompt {
  /** The prompt with JSON re-expressed as KTOF (same shape as the input when it was a chat request). */
  prompt: JsonValue;
  /** The whole prompt as one KTOF text (for callers that want a single string); computed on first read. */
  readonly ktof: string;
  detections: Detection[];
  /** Names of the caller schemas that guided at least one detection. */
  schemasUsed: string[];
  /** Tokens saved over all detections (by the counter in use). */
  tokensSaved: number;
}

/** Re-expresses the JSON inside a prompt as KTOF; decodePrompt undoes it byte for byte. */
export function encodePrompt(prompt: JsonValue, options: EncodePromptOptions = {}): EncodedPrompt {
  const countTokens: TokenCounter = options.countTokens ?? estimateTokens;
  const detections: Detection[] = [];
  const schemasUsed = new Set<string>();

  if (!isContentPrompt(prompt)) return valuePrompt(prompt, encode(prompt, options.encodeOptions), countTokens);

  const visit = (text: string, site: StringSite): string => {
    const schemaName = findSchema(options.schemas, site);
    if (options.autoDetectJson === false && schemaName === undefined) return escapeLiteral(text);
    const schema = schemaName === undefined ? undefined : options.schemas?.[schemaName];
    const cache = schemaName === undefined ? options.textCache : undefined;
    let encoded = cache?.get(text);
    if (!encoded) {
      encoded = encodeText(text, {
        countTokens,
        ...(options.scan && { scan: options.scan }),
        ...(options.encodeOptions && { encodeOptions: options.encodeOptions }),
        ...(schema !== undefined && { accept: (value: JsonValue) => matchesSchemaType(value, schema) }),
      });
      cache?.set(text, encoded);
    }
    for (const fragment of encoded.fragments) {
      detections.push({ path: site.path, ...fragment, ...(schemaName !== undefined && { schema: schemaName }) });
      if (schemaName !== undefined) schemasUsed.add(schemaName);
    }
    return encoded.text;
  };
  const result = typeof prompt === 'string' ? visit(prompt, { path: '', key: '' }) : mapChatStrings(prompt, visit);
  const tokensSaved = detections.reduce((sum, d) => sum + (d.originalTokens ?? 0) - (d.encodedTokens ?? 0), 0);
  return new LazyKtofPrompt(result, detections, [...schemasUsed], tokensSaved, prompt, options.encodeOptions);
}

/** A chat request or a string: encodePrompt rewrites the JSON inside its strings; any other value becomes one KTOF text. */
export function isContentPrompt(prompt: JsonValue): boolean {
  return typeof prompt === 'string' || isChatRequest(prompt);
}

/**
 * The EncodedPrompt of a value that is neither a chat request nor a string: its KTOF text `ktof`
 * (encode of the value), one detection of kind "value". `json`: the value's compact JSON with
 * exact numbers, when the caller has it.
 */
export function valuePrompt(prompt: JsonValue, ktof: string, countTokens: TokenCounter, json = stringifyJson(prompt)): EncodedPrompt {
  const originalTokens = countTokens(json); // exact numbers with their own digits
  const encodedTokens = countTokens(ktof);
  return { prompt: ktof, ktof, detections: [{ path: '', kind: 'value', originalTokens, encodedTokens }], schemasUsed: [], tokensSaved: originalTokens - encodedTokens };
}

/**
 * An EncodedPrompt whose whole-request `ktof` is computed on first read: encoding the request
 * as one text costs as much as the rest of encodePrompt, and the server never reads it.
 * A class, not an object literal with a getter: each literal's getter closure gives the object
 * its own hidden class, which V8 keeps reachable from old space until a full collection, so
 * every request's prompt survived the young generation (about 4 MB promoted per scavenge).
 */
class LazyKtofPrompt implements EncodedPrompt {
  #ktof: string | undefined;
  readonly #source: JsonValue;
  readonly #encodeOptions: EncodeOptions | undefined;

  constructor(
    public prompt: JsonValue,
    public detections: Detection[],
    public schemasUsed: string[],
    public tokensSaved: number,
    source: JsonValue,
    encodeOptions: EncodeOptions | undefined,
  ) {
    this.#source = source;
    this.#encodeOptions = encodeOptions;
  }

  get ktof(): string {
    return (this.#ktof ??= encode(this.#source, this.#encodeOptions));
  }
}

/** Inverse of encodePrompt(...).prompt for chat requests and strings: restores every rewritten string byte for byte. */
export function decodePrompt(encoded: JsonValue, options: DecodeOptions = {}): JsonValue {
  if (typeof encoded === 'string') return decodeText(encoded, options);
  if (!isChatRequest(encoded)) return encoded;
  return mapChatStrings(encoded, (text) => decodeText(text, options));
}

/** The schema for a string: by tool name first, then by the field that holds it. */
function findSchema(schemas: Record<string, unknown> | undefined, site: StringSite): string | undefined {
  if (!schemas) return undefined;
  if (site.tool !== undefined && Object.hasOwn(schemas, site.tool)) return site.tool;
  if (site.key !== '' && Object.hasOwn(schemas, site.key)) return site.key;
  return undefined;
}

/** A JSON Schema's top-level `type` as a guard: JSON of another shape in that field is not encoded. */
function matchesSchemaType(value: JsonValue, schema: unknown): boolean {
  if (!isPlainObject(schema as JsonValue)) return true;
  const type = (schema as { type?: unknown }).type;
  const types = Array.isArray(type) ? type : [type];
  if (type === undefined) return true;
  return types.some((t) => (t === 'array' ? Array.isArray(value) : t === 'object' ? isPlainObject(value) : false));
}
