/**
 * @kaizen/prompt — prompt-aware KTOF. @kaizen/core calls encodePromptForms (both forms of
 * optimize.request and prompts.encode at once: `result`, one KTOF string of the whole prompt, as
 * encodePromptDocument writes it, and `prompt`, the vendor-ready request, as encodePrompt writes
 * it), and decodePromptDocument / decodeReply (prompts.decode inline, optimize.response).
 */
export type { TextKeyedCache } from './types.js';
export { encodePromptForms, type PromptForms, type PromptFormsOptions, type PromptDocumentCache } from './forms.js';
export { encodePrompt, decodePrompt, type Detection, type EncodePromptOptions, type EncodedPrompt, type EncodedTextCache } from './encode.js';
export { decodeReply, readReply, ReplyStreamDecoder, type DecodedReply, type KnownDecode, type ReplyStreamEvent } from './reply.js';
export { PROMPT_PRIMER, FRAGMENT_NOTE, REPLY_IN_KTOF, addPrimer } from './primer.js';
export { encodeText, type EncodedText, type TextFragment, type EncodeTextOptions } from './text.js';
export { decodeText, FENCE_OPEN } from './fragment.js';
export { isChatRequest, mapChatStrings, type StringSite } from './chat.js';
export { formatJson, detectLayout, type JsonLayout } from './layout.js';
export { estimateTokens, type TokenCounter } from './tokens.js';
export {
  encodePromptDocument,
  decodePromptDocument,
  unfold,
  type UnfoldOptions,
  PromptDocumentError,
  type PromptDocument,
  type PromptDocumentOptions,
  type FoldCache,
  type FoldEntry,
} from './document.js';
export { JSON_KEY, TEXT_KEY, RESERVED_KEY, escapeKey, escapeConstructKeys, mayHoldConstructKeys } from './constructs.js';
