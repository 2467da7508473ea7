/**
 * A nesting-depth guard for JSON request bodies, run on the text before JSON.parse. Hostile
 * bodies like `[[[[...]]]]` 100,000 levels deep parse fine but overflow the stack of every
 * recursive step after (validation, encoding, token counting): they are refused up front
 * with a 400 that says what to do, in one linear pass that allocates nothing.
 */
import { MAX_DEPTH } from '@kaizen/core';
import { ErrorCode, KaizenProblem } from '@kaizen/protocol';

export const QUOTE = 0x22;
export const BACKSLASH = 0x5c;
export const OPEN_BRACKET = 0x5b;
export const CLOSE_BRACKET = 0x5d;
export const OPEN_BRACE = 0x7b;
export const CLOSE_BRACE = 0x7d;

/** The deepest nesting of arrays and objects in JSON text (brackets inside strings do not count). */
export function jsonDepth(text: string, stopAbove = Infinity): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === BACKSLASH) i++;
      else if (c === QUOTE) inString = false;
    } else if (c === QUOTE) inString = true;
    else if (c === OPEN_BRACKET || c === OPEN_BRACE) {
      if (++depth > deepest && (deepest = depth) > stopAbove) return deepest;
    } else if (c === CLOSE_BRACKET || c === CLOSE_BRACE) depth--;
  }
  return deepest;
}

/** Throws a 400 `invalid_payload` when the body nests deeper than `max` (a value at MAX_DEPTH inside its envelope). */
export function assertJsonDepth(text: string, max: number): void {
  if (jsonDepth(text, max) > max) {
    throw new KaizenProblem(
      ErrorCode.INVALID_PAYLOAD,
      `Request body nests deeper than the API takes (values up to ${MAX_DEPTH} levels); flatten the data or send it in parts.`,
    );
  }
}
