/**
 * The vendor SDK majors the gateway is tested with: the packages installed in node_modules.
 * A second major installed under an alias (e.g. "openai-v7": "npm:openai@7") is one more entry.
 */
import type OpenAIType from 'openai';
import type AnthropicType from '@anthropic-ai/sdk';

export interface SdkEntry<T> {
  label: string;
  load(): Promise<T>;
}

type OpenAIClass = typeof OpenAIType;
type AnthropicClass = typeof AnthropicType;

export const OPENAI_SDKS: SdkEntry<OpenAIClass>[] = [{ label: 'openai@6', load: async () => (await import('openai')).default }];

export const ANTHROPIC_SDKS: SdkEntry<AnthropicClass>[] = [
  { label: '@anthropic-ai/sdk@1', load: async () => (await import('@anthropic-ai/sdk')).default },
];
