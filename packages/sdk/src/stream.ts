/**
 * Streaming decode: KTOF arriving in chunks (a model reply streamed token by token, a file
 * read in pieces) turned into parse events and the final value, locally. Chunks may split
 * lines and even UTF-8 characters anywhere.
 */
import * as ktof from '@kaizen/ktof';
import { KaizenError } from './errors.js';

/** Text or bytes, sync or async. */
export type KtofChunks = AsyncIterable<string | Uint8Array> | Iterable<string | Uint8Array>;

export interface DecodeStreamOptions {
  indent?: number;
  /** Strict decoding (declared lengths, consistent rows). Default true. */
  strict?: boolean;
}

/** What the decoder reports while text arrives, then the value once it has ended. */
export type KtofStreamEvent =
  /** A complete line was read (1-based `line`). */
  | { type: 'line'; line: number; text: string }
  /** The whole document decoded. Always the last event. */
  | { type: 'value'; value: ktof.JsonValue };

/** Raised when streamed KTOF is malformed; `line`/`column` say where (1-based). */
export class KaizenDecodeError extends KaizenError {
  override name = 'KaizenDecodeError';
  constructor(
    message: string,
    readonly line: number | undefined,
    readonly column: number | undefined,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** An async iterable of events, plus the final value (iterating is optional). */
export interface KtofStream extends AsyncIterable<KtofStreamEvent> {
  /** The decoded document. Rejects with KaizenDecodeError when the text is malformed. */
  readonly value: Promise<ktof.JsonValue>;
}

/** Decodes chunked KTOF locally (no server). See KtofStream. */
export function decodeStream(chunks: KtofChunks, options: DecodeStreamOptions = {}): KtofStream {
  let started = false;
  let resolveValue!: (value: ktof.JsonValue) => void;
  let rejectValue!: (error: unknown) => void;
  const value = new Promise<ktof.JsonValue>((resolve, reject) => {
    resolveValue = resolve;
    rejectValue = reject;
  });
  // An unobserved rejection must not crash the process when the caller only iterates.
  value.catch(() => {});

  async function* run(): AsyncGenerator<KtofStreamEvent> {
    try {
      let result: ktof.JsonValue | undefined;
      for await (const event of events(chunks, options)) {
        if (event.type === 'value') result = event.value;
        yield event;
      }
      resolveValue(result as ktof.JsonValue);
    } catch (error) {
      rejectValue(error);
      throw error;
    }
  }

  const start = () => {
    if (started) throw new KaizenError('a KTOF stream can be iterated only once');
    started = true;
    return run();
  };

  return {
    [Symbol.asyncIterator]: start,
    get value() {
      // Nobody iterating by the next microtask: drain the events ourselves.
      queueMicrotask(() => {
        if (started) return;
        const drain = start();
        void (async () => {
          try {
            while (!(await drain.next()).done);
          } catch {
            /* reported through `value` */
          }
        })();
      });
      return value;
    },
  };
}

async function* events(chunks: KtofChunks, options: DecodeStreamOptions): AsyncGenerator<KtofStreamEvent> {
  const utf8 = new TextDecoder('utf-8', { fatal: true });
  let pending = '';
  let text = '';
  let line = 0;
  const lines = function* (final: boolean): Generator<KtofStreamEvent> {
    let newline: number;
    while ((newline = pending.indexOf('\n')) !== -1) {
      const raw = pending.slice(0, newline);
      pending = pending.slice(newline + 1);
      yield { type: 'line', line: ++line, text: raw.endsWith('\r') ? raw.slice(0, -1) : raw };
    }
    if (final && pending) {
      yield { type: 'line', line: ++line, text: pending };
      pending = '';
    }
  };
  for await (const chunk of chunks as AsyncIterable<string | Uint8Array>) {
    let piece: string;
    try {
      piece = typeof chunk === 'string' ? chunk : utf8.decode(chunk, { stream: true });
    } catch (error) {
      throw new KaizenDecodeError('the stream is not valid UTF-8', undefined, undefined, { cause: error });
    }
    pending += piece;
    text += piece;
    yield* lines(false);
  }
  try {
    const tail = utf8.decode();
    pending += tail;
    text += tail;
  } catch (error) {
    throw new KaizenDecodeError('the stream ends inside a UTF-8 character', undefined, undefined, { cause: error });
  }
  yield* lines(true);
  yield { type: 'value', value: decodeAll(text, options) };
}

function decodeAll(text: string, options: DecodeStreamOptions): ktof.JsonValue {
  try {
    return ktof.decode(text, { strict: options.strict ?? true, ...(options.indent !== undefined ? { indent: options.indent } : {}) });
  } catch (error) {
    if (error instanceof ktof.KtofDecodeError) throw new KaizenDecodeError(error.message, error.line, error.column, { cause: error });
    throw error;
  }
}
