/**
 * The system-prompt primer: the codec's KTOF primer plus one line about fragments, added once
 * to a system prompt when a request carries KTOF.
 */
import { KTOF_PRIMER } from '@kaizen/ktof';

/** Explains the ```ktof fragments that prompt encoding writes into messages (19 o200k tokens: it is paid on every request). */
export const FRAGMENT_NOTE = 'A ```ktof block is JSON written in KTOF; its tag only records layout.';

/** What a model needs to read KTOF fragments in a prompt. */
export const PROMPT_PRIMER = `${KTOF_PRIMER}\n${FRAGMENT_NOTE}`;

/** Optional instruction that asks for structured replies in KTOF (decodeReply reads them). */
export const REPLY_IN_KTOF = 'When you answer with structured data, write it as one ```ktof block.';

/**
 * `system` with `primer` in front, exactly once: a system prompt that already holds the primer
 * is returned unchanged. The primer goes first so it stays a stable, cacheable prefix.
 */
export function addPrimer(system: string | undefined | null, primer: string = PROMPT_PRIMER): string {
  if (!system) return primer;
  if (system.includes(primer)) return system;
  return `${primer}\n\n${system}`;
}
