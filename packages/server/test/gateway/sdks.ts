/**
 * The vendor SDK majors the gateway is tested with: the packages installed in node_modules.
 * Another major installed under an alias (e.g. "openai-v7": "npm:openai@7") is one more entry.
 * @anthropic-ai/sdk 0.x is the oldest major the SDK's peer range claims (>=0.50) and sends the
 * key as `x-api-key`, where 1.x sends `Authorization: Bearer`.
 */
import type OpenAIType from 'openai';
import type AnthropicType from '@anthropic-ai/sdk';

export interface SdkEntry<T> {
  label: string;
  load(): Promise<T>;
}

type OpenAIClass = typeof OpenAIType;
type AnthropicClass = typeof AnthropicType;

export const OPENAI_SDKS: SdkEntry<OpenAIClass>[] = [
  { label: 'openai@6', load: async () => (await import('openai')).default },
  { label: 'openai@7', load: async () => (await import('openai-v7')).default as unknown as OpenAIClass },
];

export const ANTHROPIC_SDKS: SdkEntry<AnthropicClass>[] = [
  { label: '@anthropic-ai/sdk@1', load: async () => (await import('@anthropic-ai/sdk')).default },
  { label: '@anthropic-ai/sdk@0', load: async () => (await import('anthropic-sdk-v0')).default as unknown as AnthropicClass },
];
