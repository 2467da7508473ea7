/**
 * @kaizen/sdk/gemini — `models.generateContent` / `generateContentStream` through Kaizen:
 * text parts and function responses are compressed (inline data and function calls are left
 * as sent), and the KTOF primer is added once to `config.systemInstruction`.
 */
import type { Content, GenerateContentParameters, GenerateContentResponse, GoogleGenAI, Part } from '@google/genai';
import { addPrimer } from '@kaizen/prompt';
import { compressPrompt, decodeReplyText, KaizenStream, type KaizenPromptClient, type KaizenResult, type WrapperOptions } from './shared.js';
import { primeParts } from './system.js';

export type { KaizenPromptClient, KaizenResult, KaizenStats, KaizenStream, KaizenStreamFinal, WrapperOptions } from './shared.js';

/** The wrapped Gemini client: `models.generateContent` and `models.generateContentStream`. */
export interface KaizenGemini {
  models: {
    generateContent(params: GenerateContentParameters): Promise<KaizenResult<GenerateContentResponse>>;
    generateContentStream(params: GenerateContentParameters): Promise<KaizenStream<GenerateContentResponse>>;
  };
}

type SystemInstruction = NonNullable<NonNullable<GenerateContentParameters['config']>['systemInstruction']>;

function primeSystemInstruction(system: SystemInstruction | undefined, primer: string): SystemInstruction {
  if (system === undefined || typeof system === 'string') return addPrimer(system, primer);
  if (Array.isArray(system)) {
    const parts = system.map((p) => (typeof p === 'string' ? { text: p } : p)) as Part[];
    return primeParts(parts.map((p) => ({ ...p, type: 'text' })), primer, (text) => ({ type: 'text', text })).map(({ type: _, ...p }) => p as Part);
  }
  if ('parts' in system || 'role' in system) {
    const content = system as Content;
    const parts = content.parts ?? [];
    return parts.some((p) => p.text?.includes(primer)) ? content : { ...content, parts: [{ text: primer }, ...parts] };
  }
  const part = system as Part;
  return part.text?.includes(primer) ? part : { parts: [{ text: primer }, part] };
}

/** Wraps a `@google/genai` client with Kaizen compression and reply decoding. */
export function wrapGemini(genai: GoogleGenAI, kaizen: KaizenPromptClient, options: WrapperOptions = {}): KaizenGemini {
  const prepare = async (params: GenerateContentParameters) => {
    const signal = params.config?.abortSignal;
    const { prompt, stats, primer } = await compressPrompt(kaizen, { contents: params.contents }, options, signal);
    const config = primer ? { ...params.config, systemInstruction: primeSystemInstruction(params.config?.systemInstruction, primer) } : params.config;
    return { params: { ...params, contents: prompt.contents, ...(config ? { config } : {}) } as GenerateContentParameters, stats, signal };
  };
  return {
    models: {
      async generateContent(params) {
        const { params: request, stats, signal } = await prepare(params);
        const response = await genai.models.generateContent(request);
        return { response, decoded: decodeReplyText(response.text ?? ''), stats };
      },
      async generateContentStream(params) {
        const { params: request, stats } = await prepare(params);
        const source = await genai.models.generateContentStream(request);
        return new KaizenStream(source, (chunk) => chunk.text, stats, options.onKtofBlock);
      },
    },
  };
}
