/**
 * @kaizen/ktof — interim public surface. The codec work (issue 2) replaces the bodies;
 * the exported names and signatures are the contract the other packages build on.
 */
export type JsonPrimitive = string | number | boolean | null;
export type JsonValue = JsonPrimitive | JsonValue[] | { [key: string]: JsonValue };

export interface EncodeOptions {
  indent?: number;
  delimiter?: string;
  lengthMarker?: boolean | string;
  length_marker?: boolean | string;
}

export interface DecodeOptions {
  indent?: number;
  strict?: boolean;
  maxDepth?: number;
}

export class KtofDecodeError extends Error {
  override readonly name = 'KtofDecodeError';
  constructor(message: string, readonly line: number, readonly column: number) {
    super(`line ${line}, column ${column}: ${message}`);
  }
}

export class KtofEncodeError extends Error {
  override readonly name = 'KtofEncodeError';
}

export const KTOF_VERSION = '1';
export const KTOF_PRIMER = 'Data below is KTOF.';

export function encode(value: unknown, _options?: EncodeOptions): string {
  const text = JSON.stringify(value);
  if (text === undefined) throw new KtofEncodeError('value is not JSON');
  return text;
}

export function decode(text: string, _options?: DecodeOptions): JsonValue {
  try {
    return JSON.parse(text) as JsonValue;
  } catch (error) {
    throw new KtofDecodeError((error as Error).message, 1, 1);
  }
}
