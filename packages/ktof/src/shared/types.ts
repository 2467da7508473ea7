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
  /** Most containers that may nest in the input, the root included (default DEFAULT_MAX_DEPTH, 1000); deeper input is refused with a KtofEncodeError. */
  maxDepth?: number;
  /** Most keys one object of the input may hold (default: no limit); a larger one is refused with a KtofEncodeError. */
  maxKeys?: number;
}

/** Options for `decode`, `KtofStreamDecoder` and `decodeStream`. */
export interface DecodeOptions {
  /** Spaces per indentation level (default: the width of the document's first indented line). */
  indent?: number;
  /** Enforce declared lengths, row widths, exact indentation and unique keys (default true). */
  strict?: boolean;
  /** Most containers that may nest in the decoded value, as encode counts them (default DEFAULT_MAX_DEPTH, 1000); a deeper document fails with a KtofDecodeError. */
  maxDepth?: number;
  /** Most columns a table header may list, nested groups included (default: no limit); a wider header fails with a KtofDecodeError. */
  maxColumns?: number;
  /** Most keys one object may hold (default: no limit); a larger object fails with a KtofDecodeError. */
  maxKeys?: number;
  /**
   * A number whose value a JS number cannot hold (12345678901234567890, 0.1000000000000000000001,
   * 1e400): `'number'` (default) rounds it (and keeps `1e400` as a string), `'bigint'` returns such
   * integers as `bigint` (other numbers still round), `'text'` returns a `KtofNumber` holding its
   * exact text. Every other number is a plain number in every mode (`-0` included).
   */
  numbers?: 'number' | 'bigint' | 'text';
}

/** A parse event emitted by the streaming decoder (same shape as TOON's event stream). */
export type KtofEvent =
  | { type: 'startObject' }
  | { type: 'endObject' }
  | { type: 'startArray'; length?: number }
  | { type: 'endArray' }
  | { type: 'key'; key: string }
  | { type: 'primitive'; value: JsonPrimitive };
