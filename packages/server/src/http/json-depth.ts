/**
 * The check a JSON request body gets on its text before JSON.parse: hostile bodies like
 * `[[[[...]]]]` 100,000 levels deep parse fine but overflow the stack of every recursive step
 * after (validation, encoding, token counting), so they are refused up front with a 400 that
 * says what to do. The same pass (@kaizen/ktof's scanJson) says whether the body holds numbers a
 * JS number cannot hold, which are then parsed with their exact digits.
 */
import { scanJson, type JsonTextScan } from '@kaizen/ktof';
import { MAX_DEPTH } from '@kaizen/core';
import { ErrorCode, KaizenProblem } from '@kaizen/protocol';

export const QUOTE = 0x22;
export const OPEN_BRACKET = 0x5b;
export const CLOSE_BRACKET = 0x5d;
export const OPEN_BRACE = 0x7b;
export const CLOSE_BRACE = 0x7d;

/**
 * Scans a request body's text (scanJson): a 400 `invalid_payload` when it nests deeper than
 * `max` (a value at MAX_DEPTH inside its envelope); else whether it holds long numbers.
 */
export function checkJsonText(text: string, max: number): JsonTextScan {
  const scan = scanJson(text, max);
  if (scan.depth > max) {
    throw new KaizenProblem(
      ErrorCode.INVALID_PAYLOAD,
      `Request body nests deeper than the API takes (values up to ${MAX_DEPTH} levels); flatten the data or send it in parts.`,
    );
  }
  return scan;
}
