/** Adding the primer to each vendor's system prompt, exactly once. */
import { addPrimer } from '@kaizen/prompt';

type TextPart = { type: string; text?: string };

/** A system prompt given as text parts: the primer becomes the first part unless one already holds it. */
export function primeParts<T extends TextPart>(parts: readonly T[], primer: string, make: (text: string) => T): T[] {
  return parts.some((p) => typeof p.text === 'string' && p.text.includes(primer)) ? [...parts] : [make(primer), ...parts];
}

/** OpenAI chat: the first system/developer message gets the primer; without one, a system message is inserted. */
export function primeChatMessages<M extends { role: string; content?: unknown }>(messages: readonly M[], primer: string): M[] {
  const index = messages.findIndex((m) => m.role === 'system' || m.role === 'developer');
  if (index < 0) return [{ role: 'system', content: primer } as M, ...messages];
  const out = [...messages];
  const message = out[index]!;
  const content = message.content;
  out[index] = {
    ...message,
    content: Array.isArray(content) ? primeParts(content as TextPart[], primer, (text) => ({ type: 'text', text })) : addPrimer(content as string | undefined, primer),
  };
  return out;
}
