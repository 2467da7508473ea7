/**
 * @kaizen/prompt — prompt-aware KTOF. @kaizen/core calls encodePromptDocument (`result` of
 * optimize.request and prompts.encode: one KTOF string of the whole prompt), encodePrompt (their
 * `prompt`: the vendor-ready request), and decodePromptDocument / decodeReply (prompts.decode
 * inline, optimize.response).
 */
export { encodePrompt, decodePrompt, type Detection, type EncodePromptOptions, type EncodedPrompt, type EncodedTextCache } from './encode.js';
export { decodeReply, ReplyStreamDecoder, type DecodedReply, type ReplyStreamEvent } from './reply.js';
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
  PromptDocumentError,
  JSON_KEY,
  TEXT_KEY,
  type PromptDocument,
  type PromptDocumentOptions,
  type FoldCache,
  type FoldEntry,
} from './document.js';
