/**
 * The limits every operation shares, named in one place: a value the API encodes can always be
 * decoded by it, and a request body is refused up front when its content could not be.
 *
 * Depth, the three figures together: a value may nest MAX_DEPTH containers (the codec's default
 * and the API's one limit for encoding and decoding, the root container included; the codec
 * counts a text's containers as it counts the value's, so every KTOF it writes decodes); a
 * request body may nest MAX_REQUEST_DEPTH, that value inside its envelope; and the prompt
 * document's folds (@kaizen/prompt) stop at the same DEFAULT_MAX_DEPTH, so a fold never builds a
 * document the API could not decode.
 */
import { DEFAULT_MAX_DEPTH } from '@kaizen/ktof';

/**
 * Deepest nesting of a value, for encoding and decoding alike, on every route: the codec's
 * default, so a document written with the codec's defaults anywhere is one the API reads.
 */
export const MAX_DEPTH = DEFAULT_MAX_DEPTH;

/** Levels a request envelope adds around its value (`{"prompt":{"messages":[{"content":...}]}}` and options). */
export const ENVELOPE_DEPTH = 8;

/** Deepest nesting of a JSON request body: a value at MAX_DEPTH inside its envelope. */
export const MAX_REQUEST_DEPTH = MAX_DEPTH + ENVELOPE_DEPTH;

/** Default for the most columns one KTOF table header may list (nested groups included). */
export const DEFAULT_MAX_COLUMNS = 10_000;

/** Default for the most keys one object may hold, in a request's JSON and in decoded KTOF. */
export const DEFAULT_MAX_KEYS = 100_000;

/** The limits a deployment may set (the rest are fixed above). */
export interface Limits {
  maxColumns: number;
  maxKeys: number;
}

export const DEFAULT_LIMITS: Readonly<Limits> = { maxColumns: DEFAULT_MAX_COLUMNS, maxKeys: DEFAULT_MAX_KEYS };

/** Default for the most UTF-8 bytes (as compact JSON) of a request's `metadata` or `replay_meta` that the store keeps. */
export const DEFAULT_MAX_METADATA_BYTES = 64 * 1024;

/**
 * Replay records kept per stored payload: each decode by id appends one, so reads alone could
 * grow the store without bound. Past either bound the oldest records are dropped first.
 */
export const MAX_REPLAYS_PER_PAYLOAD = 100;
export const MAX_REPLAY_BYTES_PER_PAYLOAD = 1024 * 1024;

/**
 * Most characters of text the constructs of a prompt document (`$json`, `$text`) may unfold to
 * when decompress, prompts.decode or optimize.response read inline KTOF of `n` characters:
 * max(MIN_UNFOLD_CHARS, UNFOLD_RATIO x n). Unfolding is the one step of decoding whose output can
 * outgrow its input without bound: each `$json` inside a `$json` escapes every quote and backslash
 * of the one inside again, so 400 bytes nested 24 deep build 67 MB (1.8 s), and a small request is
 * decoded on the request thread. A real prompt's embedded JSON is a few times its document at
 * most; a document past the bound is a 400, and its payload id still gives the prompt back.
 */
export const MIN_UNFOLD_CHARS = 1024 * 1024;
export const UNFOLD_RATIO = 64;

/** The unfolding bound of a KTOF text of `textLength` characters (see MIN_UNFOLD_CHARS). */
export function maxUnfoldedChars(textLength: number): number {
  return Math.max(MIN_UNFOLD_CHARS, UNFOLD_RATIO * textLength);
}
