/**
 * Both forms of a prompt at once, as prompts.encode and optimize.request return them: the
 * vendor-ready request (encodePrompt) and the prompt document (encodePromptDocument), with the
 * work they have in common done once. Each string is scanned for JSON once for both forms (a
 * scan parses every candidate and finds its layout); a value that is neither a chat request nor a
 * string is encoded once when nothing in it folds (its document is then exactly its KTOF, which
 * is also its vendor-ready form). Each form is exactly what its own function returns.
 */
import type { JsonValue } from '@kaizen/ktof';
import { encodePromptDocument, type PromptDocument, type PromptDocumentOptions } from './document.js';
import { encodePrompt, isContentPrompt, valuePrompt, type EncodedPrompt, type EncodePromptOptions } from './encode.js';
import { findJson, type JsonCandidate } from './scan.js';
import { estimateTokens } from './tokens.js';
import type { TextKeyedCache } from './types.js';

export interface PromptFormsOptions extends Omit<EncodePromptOptions, 'scan'>, Omit<PromptDocumentOptions, 'scan'> {
  /** The prompt's compact JSON with exact numbers, when the caller has it (spares serialising it again; keys `documentCache`). */
  json?: string;
  /**
   * Remembers the document of each prompt, keyed by its JSON (`json`, required for the cache to
   * be used; the same string object the caller then hashes again, e.g. to count its tokens): a
   * prompt sent again (a retry, the same request from many callers) is not encoded whole again.
   * Like textCache it must serve one combination of encodeOptions and countTokens only; prompts
   * with `schemas` or with autoDetectJson false bypass it.
   */
  documentCache?: PromptDocumentCache;
}

/** Where encodePromptForms keeps documents by prompt (see PromptFormsOptions.documentCache). */
export type PromptDocumentCache = TextKeyedCache<PromptDocument>;

export interface PromptForms {
  /** encodePrompt(prompt): the vendor-ready request. */
  prompt: EncodedPrompt;
  /** encodePromptDocument(prompt): the whole prompt as one KTOF text. */
  document: PromptDocument;
}

/** encodePrompt and encodePromptDocument of the same prompt, sharing their scans and, where it is the same, their encoding. */
export function encodePromptForms(prompt: JsonValue, options: PromptFormsOptions = {}): PromptForms {
  const scans = new Map<string, JsonCandidate[]>();
  const scan = (text: string): JsonCandidate[] => {
    let found = scans.get(text);
    if (found === undefined) scans.set(text, (found = findJson(text)));
    return found;
  };
  const { json, documentCache, ...shared } = options;
  const key = options.schemas === undefined && options.autoDetectJson !== false ? json : undefined;
  const cache = key === undefined ? undefined : documentCache;
  const documentOf = (): PromptDocument => {
    let document = key === undefined ? undefined : cache?.get(key);
    if (document === undefined) {
      document = encodePromptDocument(prompt, { ...shared, scan });
      if (key !== undefined) cache?.set(key, document);
    }
    return document;
  };
  if (isContentPrompt(prompt)) {
    const encoded = encodePrompt(prompt, { ...shared, scan });
    return { prompt: encoded, document: documentOf() };
  }
  let document: PromptDocument;
  try {
    document = documentOf();
  } catch (error) {
    // A value the codec refuses fails as encodePrompt says (its paths are the prompt's own).
    encodePrompt(prompt, shared);
    throw error;
  }
  const countTokens = options.countTokens ?? estimateTokens;
  const encoded = document.plain ? valuePrompt(prompt, document.ktof, countTokens, json) : encodePrompt(prompt, shared);
  return { prompt: encoded, document };
}
