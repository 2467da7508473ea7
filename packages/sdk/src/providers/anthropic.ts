/**
 * @kaizen/sdk/anthropic — Messages through Kaizen: message contents and tool results are
 * compressed (tool_use inputs, thinking blocks and images are left as sent), and the KTOF
 * primer is added once to `system` when KTOF is present.
 */
import type Anthropic from '@anthropic-ai/sdk';
import type { Message, MessageCreateParamsNonStreaming, MessageCreateParamsStreaming, RawMessageStreamEvent, TextBlockParam } from '@anthropic-ai/sdk/resources/messages';
import { addPrimer } from '@kaizen/prompt';
import { compressPrompt, decodeReplyText, KaizenStream, type KaizenPromptClient, type KaizenResult, type WrapperOptions } from './shared.js';
import { primeParts } from './system.js';

export type { KaizenPromptClient, KaizenResult, KaizenStats, KaizenStream, KaizenStreamFinal, WrapperOptions } from './shared.js';

type RequestOptions = Anthropic.RequestOptions;
type MessageParams = Omit<MessageCreateParamsNonStreaming, 'stream'>;

/** The wrapped Anthropic client: `messages.create/stream`. */
export interface KaizenAnthropic {
  messages: {
    create(params: MessageParams, requestOptions?: RequestOptions): Promise<KaizenResult<Message>>;
    stream(params: MessageParams, requestOptions?: RequestOptions): Promise<KaizenStream<RawMessageStreamEvent>>;
  };
}

/** Wraps an `@anthropic-ai/sdk` client with Kaizen compression and reply decoding. */
export function wrapAnthropic(anthropic: Anthropic, kaizen: KaizenPromptClient, options: WrapperOptions = {}): KaizenAnthropic {
  const prepare = async (params: MessageParams, signal?: AbortSignal) => {
    const conversation = { messages: params.messages, ...(params.system !== undefined ? { system: params.system } : {}) };
    const { prompt, stats, primer } = await compressPrompt(kaizen, conversation, options, signal);
    let system = prompt.system;
    if (primer) {
      system = Array.isArray(system)
        ? primeParts<TextBlockParam>(system, primer, (text) => ({ type: 'text', text }))
        : addPrimer(system, primer);
    }
    return { params: { ...params, messages: prompt.messages, ...(system !== undefined ? { system } : {}) }, stats };
  };
  const signalOf = (o?: RequestOptions) => o?.signal ?? undefined;
  return {
    messages: {
      async create(params, requestOptions) {
        const { params: request, stats } = await prepare(params, signalOf(requestOptions));
        const response = await anthropic.messages.create({ ...request, stream: false } as MessageCreateParamsNonStreaming, requestOptions);
        const text = response.content.map((block) => (block.type === 'text' ? block.text : '')).join('');
        return { response, decoded: decodeReplyText(text), stats };
      },
      async stream(params, requestOptions) {
        const { params: request, stats } = await prepare(params, signalOf(requestOptions));
        const source = await anthropic.messages.create({ ...request, stream: true } as MessageCreateParamsStreaming, requestOptions);
        const textOf = (event: RawMessageStreamEvent) =>
          event.type === 'content_block_delta' && event.delta.type === 'text_delta' ? event.delta.text : undefined;
        return new KaizenStream(source, textOf, stats, options.onKtofBlock);
      },
    },
  };
}
