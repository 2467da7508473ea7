/**
 * @kaizen/sdk/ai — a Vercel AI SDK language-model middleware: `wrapLanguageModel({ model,
 * middleware: kaizenMiddleware(kaizen) })` gives any provider Kaizen compression. Text parts,
 * tool-call inputs and tool results are compressed (files and reasoning are left as sent), the
 * primer is added once to the system message, and the decoded reply and savings are reported
 * in `providerMetadata.kaizen` (for generate and stream alike).
 */
import type {
  JSONValue,
  LanguageModelV3CallOptions,
  LanguageModelV3Message,
  LanguageModelV3Middleware,
  LanguageModelV3Prompt,
  LanguageModelV3StreamPart,
} from '@ai-sdk/provider';
import { addPrimer, ReplyStreamDecoder } from '@kaizen/prompt';
import { compressPrompt, decodeReplyText, type KaizenPromptClient, type KaizenStats, type WrapperOptions } from './shared.js';

export type { KaizenPromptClient, KaizenStats, WrapperOptions } from './shared.js';

type Part = { type: string; [key: string]: unknown };

/**
 * The JSON-safe view of a prompt sent to Kaizen: only the strings that carry content (files may
 * hold bytes or URLs, which are not JSON). JSON tool outputs are offered as their compact text,
 * exactly what providers would send.
 */
function contentView(prompt: LanguageModelV3Prompt): JSONValue[] {
  return prompt.map((message) => {
    if (typeof message.content === 'string') return { role: message.role, content: message.content };
    return {
      role: message.role,
      content: (message.content as unknown as Part[]).map((part): JSONValue => {
        if (part.type === 'text') return { type: 'text', text: part.text as string };
        if (part.type === 'tool-call' && typeof part.input === 'string') return { type: 'tool-call', input: part.input };
        if (part.type === 'tool-result') {
          const output = part.output as { type: string; value?: unknown };
          if (output.type === 'text') return { type: 'tool-result', output: { type: 'text', value: output.value as string } };
          if (output.type === 'json') return { type: 'tool-result', output: { type: 'text', value: JSON.stringify(output.value) } };
        }
        return { type: 'skip' };
      }),
    };
  });
}

/** Puts the compressed strings back into the original prompt, leaving everything else as it was. */
function mergeView(prompt: LanguageModelV3Prompt, view: JSONValue[], original: JSONValue[]): LanguageModelV3Prompt {
  return prompt.map((message, i) => {
    const next = view[i] as { content: unknown };
    if (typeof message.content === 'string') return { ...message, content: next.content as string } as LanguageModelV3Message;
    const parts = (message.content as unknown as Part[]).map((part, j) => {
      const compressed = (next.content as Part[])[j]!;
      const before = ((original[i] as { content: Part[] }).content)[j]!;
      if (JSON.stringify(compressed) === JSON.stringify(before)) return part; // untouched: keep the original (json outputs too)
      if (part.type === 'text') return { ...part, text: compressed.text };
      if (part.type === 'tool-call') return { ...part, input: compressed.input };
      if (part.type === 'tool-result') return { ...part, output: compressed.output };
      return part;
    });
    return { ...message, content: parts } as unknown as LanguageModelV3Message;
  });
}

function primeSystem(prompt: LanguageModelV3Prompt, primer: string): LanguageModelV3Prompt {
  const index = prompt.findIndex((m) => m.role === 'system');
  if (index < 0) return [{ role: 'system', content: primer }, ...prompt];
  return prompt.map((m, i) => (i === index && m.role === 'system' ? { ...m, content: addPrimer(m.content, primer) } : m));
}

/** What `providerMetadata.kaizen` holds. */
export interface KaizenProviderMetadata {
  [key: string]: JSONValue;
  tokensSaved: number;
  primerAdded: boolean;
  detections: JSONValue;
  /** The structured reply when it held KTOF, else null. */
  decoded: JSONValue;
}

function metadata(stats: KaizenStats, decoded: JSONValue | undefined): KaizenProviderMetadata {
  return { tokensSaved: stats.tokensSaved, primerAdded: stats.primerAdded, detections: stats.detections as unknown as JSONValue, decoded: decoded ?? null };
}

/** The Kaizen middleware for `wrapLanguageModel` (AI SDK 6 and 7, LanguageModelV3 middleware). */
export function kaizenMiddleware(kaizen: KaizenPromptClient, options: WrapperOptions = {}): LanguageModelV3Middleware {
  const statsOf = new WeakMap<LanguageModelV3CallOptions, KaizenStats>();
  return {
    specificationVersion: 'v3',
    async transformParams({ params }) {
      const view = contentView(params.prompt);
      const { prompt, stats, primer } = await compressPrompt(kaizen, view, options, params.abortSignal);
      const merged = mergeView(params.prompt, prompt, view);
      const transformed = { ...params, prompt: primer ? primeSystem(merged, primer) : merged };
      statsOf.set(transformed, stats);
      return transformed;
    },
    async wrapGenerate({ doGenerate, params }) {
      const result = await doGenerate();
      const stats = statsOf.get(params);
      if (!stats) return result;
      const text = result.content.map((part) => (part.type === 'text' ? part.text : '')).join('');
      const decoded = decodeReplyText(text);
      return { ...result, providerMetadata: { ...result.providerMetadata, kaizen: metadata(stats, decoded) } };
    },
    async wrapStream({ doStream, params }) {
      const result = await doStream();
      const stats = statsOf.get(params);
      if (!stats) return result;
      const decoder = new ReplyStreamDecoder();
      const onBlock = (events: ReturnType<ReplyStreamDecoder['push']>) => {
        for (const event of events) if (event.type === 'block') options.onKtofBlock?.(event.value, event.index);
      };
      const stream = result.stream.pipeThrough(
        new TransformStream<LanguageModelV3StreamPart, LanguageModelV3StreamPart>({
          transform(part, controller) {
            if (part.type === 'text-delta') onBlock(decoder.push(part.delta));
            if (part.type === 'finish') {
              onBlock(decoder.push('\n'));
              const reply = decoder.end();
              const kaizenMeta = metadata(stats, reply.isKtof ? (reply.value as JSONValue) : undefined);
              controller.enqueue({ ...part, providerMetadata: { ...part.providerMetadata, kaizen: kaizenMeta } });
              return;
            }
            controller.enqueue(part);
          },
        }),
      );
      return { ...result, stream };
    },
  };
}
