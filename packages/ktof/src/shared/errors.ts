/** Thrown by the decoder for any malformed input; `line`/`column` are 1-based. */
export class KtofDecodeError extends Error {
  override readonly name = 'KtofDecodeError';
  constructor(message: string, readonly line: number, readonly column: number) {
    super(`line ${line}, column ${column}: ${message}`);
  }
}

/** Thrown by the encoder for values that are not JSON (undefined, functions, cycles...) or bad options. */
export class KtofEncodeError extends Error {
  override readonly name = 'KtofEncodeError';
}
