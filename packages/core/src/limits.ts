/**
 * The limits every operation shares, named in one place: a value the API encodes can always be
 * decoded by it, and a request body is refused up front when its content could not be.
 */

/** Deepest nesting of a value, for encoding and decoding alike, on every route. */
export const MAX_DEPTH = 1_000;

/** Levels a request envelope adds around its value (`{"prompt":{"messages":[{"content":...}]}}` and options). */
export const ENVELOPE_DEPTH = 8;

/** Deepest nesting of a JSON request body: a value at MAX_DEPTH inside its envelope. */
export const MAX_REQUEST_DEPTH = MAX_DEPTH + ENVELOPE_DEPTH;

/** Default for the most columns one KTOF table header may list (nested groups included). */
export const DEFAULT_MAX_COLUMNS = 10_000;
