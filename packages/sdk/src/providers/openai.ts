/**
 * @kaizen/sdk/openai — Chat Completions and Responses through Kaizen. The request keeps its
 * shape (roles, tools, tool calls); message contents, tool results and tool-call arguments are
 * compressed; the KTOF primer is added once to the system prompt when KTOF is present. Works
 * with any OpenAI-compatible server through the OpenAI client's `baseURL`.
 */
import type OpenAI from 'openai';
import type { ChatCompletion, ChatCompletionChunk, ChatCompletionCreateParamsNonStreaming, ChatCompletionCreateParamsStreaming } from 'openai/resources/chat/completions';
import type { Response, ResponseCreateParamsNonStreaming, ResponseCreateParamsStreaming, ResponseStreamEvent } from 'openai/resources/responses/responses';
import { addPrimer } from '@kaizen/prompt';
import { compressPrompt, decodeReplyText, KaizenStream, type KaizenPromptClient, type KaizenResult, type WrapperOptions } from './shared.js';
import { primeChatMessages } from './system.js';

export type { KaizenPromptClient, KaizenResult, KaizenStats, KaizenStream, KaizenStreamFinal, WrapperOptions } from './shared.js';

type RequestOptions = OpenAI.RequestOptions;
type ChatParams = Omit<ChatCompletionCreateParamsNonStreaming, 'stream'>;
type ResponsesParams = Omit<ResponseCreateParamsNonStreaming, 'stream'>;

/** The wrapped OpenAI client: `chat.create/stream` and `responses.create/stream`. */
export interface KaizenOpenAI {
  chat: {
    create(params: ChatParams, requestOptions?: RequestOptions): Promise<KaizenResult<ChatCompletion>>;
    stream(params: ChatParams, requestOptions?: RequestOptions): Promise<KaizenStream<ChatCompletionChunk>>;
  };
  responses: {
    create(params: ResponsesParams, requestOptions?: RequestOptions): Promise<KaizenResult<Response>>;
    stream(params: ResponsesParams, requestOptions?: RequestOptions): Promise<KaizenStream<ResponseStreamEvent>>;
  };
}

/** Wraps an `openai` client (any baseURL) with Kaizen compression and reply decoding. */
export function wrapOpenAI(openai: OpenAI, kaizen: KaizenPromptClient, options: WrapperOptions = {}): KaizenOpenAI {
  const prepareChat = async (params: ChatParams, signal?: AbortSignal) => {
    const { prompt, stats, primer } = await compressPrompt(kaizen, { messages: params.messages }, options, signal);
    const messages = primer ? primeChatMessages(prompt.messages, primer) : prompt.messages;
    return { params: { ...params, messages }, stats };
  };
  const prepareResponses = async (params: ResponsesParams, signal?: AbortSignal) => {
    const conversation = { input: params.input ?? '', ...(params.instructions ? { instructions: params.instructions } : {}) };
    const { prompt, stats, primer } = await compressPrompt(kaizen, conversation, options, signal);
    const instructions = primer ? addPrimer(prompt.instructions, primer) : prompt.instructions;
    const compressed = { ...params, input: prompt.input, ...(instructions !== undefined ? { instructions } : {}) };
    return { params: compressed as ResponsesParams, stats };
  };
  const signalOf = (o?: RequestOptions) => o?.signal ?? undefined;

  return {
    chat: {
      async create(params, requestOptions) {
        const { params: request, stats } = await prepareChat(params, signalOf(requestOptions));
        const response = await openai.chat.completions.create({ ...request, stream: false } as ChatCompletionCreateParamsNonStreaming, requestOptions);
        const decoded = decodeReplyText(response.choices[0]?.message.content ?? '');
        return { response, decoded, stats };
      },
      async stream(params, requestOptions) {
        const { params: request, stats } = await prepareChat(params, signalOf(requestOptions));
        const source = await openai.chat.completions.create({ ...request, stream: true } as ChatCompletionCreateParamsStreaming, requestOptions);
        return new KaizenStream(source, (chunk) => chunk.choices[0]?.delta?.content ?? undefined, stats, options.onKtofBlock);
      },
    },
    responses: {
      async create(params, requestOptions) {
        const { params: request, stats } = await prepareResponses(params, signalOf(requestOptions));
        const response = await openai.responses.create({ ...request, stream: false } as ResponseCreateParamsNonStreaming, requestOptions);
        const decoded = decodeReplyText(response.output_text ?? '');
        return { response, decoded, stats };
      },
      async stream(params, requestOptions) {
        const { params: request, stats } = await prepareResponses(params, signalOf(requestOptions));
        const source = await openai.responses.create({ ...request, stream: true } as ResponseCreateParamsStreaming, requestOptions);
        return new KaizenStream(source, (event) => (event.type === 'response.output_text.delta' ? event.delta : undefined), stats, options.onKtofBlock);
      },
    },
  };
}
