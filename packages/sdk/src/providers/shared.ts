/**
 * What every provider wrapper shares: the small slice of KaizenClient they call (so a remote
 * client and KaizenClient.local() both fit), request compression with stats, the primer rule,
 * reply decoding, and a stream that decodes ```ktof blocks as chunks arrive.
 */
import type { OptimizeRequestPayload, OptimizeRequestResponse, PromptEncodePayload, PromptsEncodeResponse, DetectionMeta, TokenStats } from '@kaizen/protocol';
import { decodeReply, PROMPT_PRIMER, REPLY_IN_KTOF, ReplyStreamDecoder, type ReplyStreamEvent } from '@kaizen/prompt';
import type { JsonValue } from '@kaizen/ktof';

/** The part of KaizenClient the wrappers use; `new KaizenClient(...)` and `KaizenClient.local()` both satisfy it. */
export interface KaizenPromptClient {
  optimizeRequest(request: OptimizeRequestPayload, options?: { signal?: AbortSignal }): Promise<OptimizeRequestResponse>;
  promptsEncode(request: PromptEncodePayload, options?: { signal?: AbortSignal }): Promise<PromptsEncodeResponse>;
}

/** Options shared by every wrapper. */
export interface WrapperOptions {
  /** Look for JSON in message strings (default true). */
  autoDetectJson?: boolean;
  /** JSON Schemas by tool or field name; when given, requests go through promptsEncode (which stores them). */
  schemas?: Record<string, unknown>;
  /** Models to report token_stats for (e.g. ["gpt-4o-mini"]); default none. */
  tokenModels?: string[];
  /** Ask the model to write structured answers as a ```ktof block (adds one line to the primer). */
  replyInKtof?: boolean;
  /** Called with each ```ktof block of a streamed reply as soon as it is complete. */
  onKtofBlock?: (value: JsonValue, index: number) => void;
}

/** Token savings of one wrapped call. */
export interface KaizenStats {
  /** Tokens saved in the request (sum over detections, by Kaizen's counter). */
  tokensSaved: number;
  /** Where JSON was found and re-expressed as KTOF. */
  detections: DetectionMeta[];
  /** Per-model token counts, when `tokenModels` was given. */
  tokenStats: TokenStats;
  /** True when the KTOF primer was added to the system prompt. */
  primerAdded: boolean;
  /** Present when the request went through promptsEncode (schemas given). */
  payloadId?: string;
}

/** What a non-streaming wrapper call returns. */
export interface KaizenResult<R> {
  /** The vendor's response, untouched. */
  response: R;
  /** The structured reply when the reply held KTOF (whole or in a ```ktof block), else undefined. */
  decoded: JsonValue | undefined;
  stats: KaizenStats;
}

export interface CompressedPrompt<P> {
  prompt: P;
  stats: KaizenStats;
  /** The primer to add to the system prompt, or undefined when the request carries no KTOF. */
  primer: string | undefined;
}

/** Sends the conversation part of a vendor request through Kaizen and decides on the primer. */
export async function compressPrompt<P>(kaizen: KaizenPromptClient, prompt: P, options: WrapperOptions, signal?: AbortSignal): Promise<CompressedPrompt<P>> {
  const common = {
    prompt,
    auto_detect_json: options.autoDetectJson ?? true,
    ...(options.tokenModels?.length ? { token_models: options.tokenModels } : {}),
  };
  const call = signal ? { signal } : undefined;
  const envelope = options.schemas
    ? await kaizen.promptsEncode({ ...common, schemas: options.schemas as Record<string, JsonValue> }, call)
    : await kaizen.optimizeRequest(common, call);
  const detections = envelope.meta.detections;
  const hasKtof = detections.length > 0;
  const primer = options.replyInKtof ? `${PROMPT_PRIMER}\n${REPLY_IN_KTOF}` : hasKtof ? PROMPT_PRIMER : undefined;
  const stats: KaizenStats = {
    tokensSaved: detections.reduce((sum, d) => sum + (d.original_tokens ?? 0) - (d.encoded_tokens ?? 0), 0),
    detections,
    // The wrappers send `prompt` (the vendor-ready request), so its counts are the ones that apply.
    tokenStats: envelope.prompt_token_stats ?? {},
    primerAdded: primer !== undefined,
    ...('payload_id' in envelope.meta ? { payloadId: (envelope.meta as { payload_id: string }).payload_id } : {}),
  };
  // `prompt` keeps the vendor's request shape; `result` is the whole prompt as one KTOF string.
  return { prompt: envelope.prompt as P, stats, primer };
}

/**
 * Decodes a model reply's text in-process with decodeReply (as optimize.response reads a reply
 * that is not a prompt document), without a round trip to a remote Kaizen; undefined when it
 * holds no KTOF structure.
 */
export function decodeReplyText(text: string): JsonValue | undefined {
  if (text.trim() === '') return undefined;
  const reply = decodeReply(text);
  return reply.isKtof ? reply.value : undefined;
}

/** The end of a wrapped stream. */
export interface KaizenStreamFinal {
  /** The reply text assembled from the stream. */
  text: string;
  decoded: JsonValue | undefined;
  /** Every ```ktof block, decoded as it closed. */
  blocks: JsonValue[];
  stats: KaizenStats;
}

/**
 * A vendor stream, passed through chunk by chunk (untouched), that feeds each text delta to
 * an incremental reply decoder. Iterate it once; `final()` resolves after the last chunk
 * (consuming the stream itself if nobody iterated it).
 */
export class KaizenStream<C> implements AsyncIterable<C> {
  readonly stats: KaizenStats;
  readonly #source: AsyncIterable<C>;
  readonly #textOf: (chunk: C) => string | undefined;
  readonly #decoder = new ReplyStreamDecoder();
  readonly #blocks: JsonValue[] = [];
  readonly #onBlock: WrapperOptions['onKtofBlock'];
  #started = false;
  #done: Promise<void> | undefined;
  #resolveDone!: () => void;
  #rejectDone!: (error: unknown) => void;

  constructor(source: AsyncIterable<C>, textOf: (chunk: C) => string | undefined, stats: KaizenStats, onBlock?: WrapperOptions['onKtofBlock']) {
    this.#source = source;
    this.#textOf = textOf;
    this.stats = stats;
    this.#onBlock = onBlock;
  }

  async *[Symbol.asyncIterator](): AsyncIterator<C> {
    if (this.#started) throw new Error('A Kaizen stream can be iterated once; use final() for the result.');
    this.#started = true;
    this.#done ??= new Promise<void>((resolve, reject) => ((this.#resolveDone = resolve), (this.#rejectDone = reject)));
    this.#done.catch(() => {}); // surfaced to the iterator's caller; final() rethrows it
    try {
      for await (const chunk of this.#source) {
        const text = this.#textOf(chunk);
        if (text) this.#handle(this.#decoder.push(text));
        yield chunk;
      }
      this.#handle(this.#decoder.push('\n'));
      this.#resolveDone();
    } catch (error) {
      this.#rejectDone(error);
      throw error;
    }
  }

  /** Waits for the end of the stream and returns the decoded reply. */
  async final(): Promise<KaizenStreamFinal> {
    if (!this.#started) for await (const _ of this) { /* drain */ }
    await this.#done;
    const reply = this.#decoder.end();
    const text = this.#decoder.received.slice(0, -1); // minus the newline that flushed the last line
    return { text, decoded: reply.isKtof ? reply.value : undefined, blocks: [...this.#blocks], stats: this.stats };
  }

  #handle(events: ReplyStreamEvent[]): void {
    for (const event of events) {
      if (event.type !== 'block') continue;
      this.#blocks.push(event.value);
      this.#onBlock?.(event.value, event.index);
    }
  }
}
