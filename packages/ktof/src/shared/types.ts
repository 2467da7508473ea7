/** A JSON primitive as KTOF reads and writes it. */
export type JsonPrimitive = string | number | boolean | null;
/** Any JSON value. */
export type JsonValue = JsonPrimitive | JsonValue[] | { [key: string]: JsonValue };
/** A JSON object. */
export type JsonObject = { [key: string]: JsonValue };

/** Options for `encode` / `encodeLines`. Wire names (`length_marker`) and camelCase aliases both work. */
export interface EncodeOptions {
  /** Spaces per indentation level (default 2, at least 1). */
  indent?: number;
  /** Cell delimiter for tables and inline arrays: `,` (default), tab, `|` or `;`. */
  delimiter?: string;
  /**
   * Array lengths in headers. Default (undefined): `[N]`. `true`: `[#N]`. A string of marker
   * characters (from `#~^@$%&*!=+`): `[<marker>N]`. `false`: lengths are omitted (`[]`), and
   * table rows are then indented under their header.
   */
  lengthMarker?: boolean | string;
  /** Wire-contract spelling of `lengthMarker`. */
  length_marker?: boolean | string;
  /**
   * Exact token counter (e.g. a real tokenizer). When given, the encoder uses it to guarantee the
   * output never has more tokens than compact JSON; otherwise a cheap built-in estimate is used.
   */
  countTokens?: (text: string) => number;
  /** Maximum nesting depth of the input (default 1000); deeper input is refused with a KtofEncodeError. */
  maxDepth?: number;
}

/** Options for `decode`, `KtofStreamDecoder` and `decodeStream`. */
export interface DecodeOptions {
  /** Spaces per indentation level (default: the width of the document's first indented line). */
  indent?: number;
  /** Enforce declared lengths, row widths, exact indentation and unique keys (default true). */
  strict?: boolean;
  /** Maximum nesting depth (default 1000); deeper documents fail with a KtofDecodeError. */
  maxDepth?: number;
}

/** A parse event emitted by the streaming decoder (same shape as TOON's event stream). */
export type KtofEvent =
  | { type: 'startObject' }
  | { type: 'endObject' }
  | { type: 'startArray'; length?: number }
  | { type: 'endArray' }
  | { type: 'key'; key: string }
  | { type: 'primitive'; value: JsonPrimitive };
