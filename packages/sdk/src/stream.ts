/**
 * Streaming decode: KTOF arriving in chunks (a model reply streamed token by token, a file
 * read in pieces) turned into parse events and the final value, locally. Chunks may split
 * lines and even UTF-8 characters anywhere.
 *
 * The codec's incremental decoder (`KtofStreamDecoder`) emits events as soon as the lines
 * that complete them arrive.
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

/** A parse event of the KTOF codec (document order; keys precede their values). */
export type KtofParseEvent = ktof.KtofEvent;

/** Parse events while text arrives, then `{type: 'value'}` with the whole document, last. */
export type KtofStreamEvent = KtofParseEvent | { type: 'value'; value: ktof.JsonValue };

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
      for await (const event of events(chunks, options)) {
        if (event.type === 'value') resolveValue(event.value);
        yield event;
      }
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
  const decodeOptions: ktof.DecodeOptions = { strict: options.strict ?? true, ...(options.indent !== undefined ? { indent: options.indent } : {}) };
  const text = textOf(chunks);
  const decoder = new ktof.KtofStreamDecoder(decodeOptions);
  const seen: KtofParseEvent[] = [];
  try {
    for await (const piece of text) {
      for (const event of decoder.push(piece)) {
        seen.push(event);
        yield event;
      }
    }
    for (const event of decoder.end()) {
      seen.push(event);
      yield event;
    }
  } catch (error) {
    throw asDecodeError(error);
  }
  yield { type: 'value', value: ktof.buildValue(seen) };
}

/** Chunks as text; bytes are UTF-8 decoded across chunk boundaries. */
async function* textOf(chunks: KtofChunks): AsyncGenerator<string> {
  const utf8 = new TextDecoder('utf-8', { fatal: true });
  try {
    for await (const chunk of chunks as AsyncIterable<string | Uint8Array>) {
      const piece = typeof chunk === 'string' ? chunk : utf8.decode(chunk, { stream: true });
      if (piece) yield piece;
    }
    const tail = utf8.decode();
    if (tail) yield tail;
  } catch (error) {
    if (error instanceof TypeError) throw new KaizenDecodeError('the stream is not valid UTF-8', undefined, undefined, { cause: error });
    throw error;
  }
}

function asDecodeError(error: unknown): unknown {
  if (error instanceof ktof.KtofDecodeError) return new KaizenDecodeError(error.message, error.line, error.column, { cause: error });
  return error;
}
