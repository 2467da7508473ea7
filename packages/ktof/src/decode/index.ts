import { KtofDecodeError } from '../shared/errors.js';
import type { DecodeOptions, JsonValue, KtofEvent } from '../shared/types.js';
import { LineMachine } from './machine.js';
import { EventCollector, ValueBuilder, type Sink } from './sink.js';

/** Re-throws anything that is not a KtofDecodeError (e.g. a stack overflow) as one. */
function asDecodeError(error: unknown, line: number): KtofDecodeError {
  if (error instanceof KtofDecodeError) return error;
  if (error instanceof RangeError) return new KtofDecodeError('input nests too deeply for this runtime; lower the nesting or the maxDepth option', line, 1, 'too_deep');
  return new KtofDecodeError('malformed input', line, 1);
}

/** Decodes a KTOF (or TOON, or JSON) document into a JSON value. Throws only KtofDecodeError. */
export function decode(text: string, options?: DecodeOptions): JsonValue {
  if (typeof text !== 'string') throw new KtofDecodeError('expected the document as a string', 0, 0, 'invalid_input');
  const builder = new ValueBuilder();
  let lineNo = 1;
  try {
    const machine = new LineMachine(builder, options);
    const n = text.length;
    let start = 0;
    for (;;) {
      let nl = text.indexOf('\n', start);
      if (nl < 0) nl = n;
      if (!machine.line(text, start, nl, lineNo, true)) break;
      if (nl >= n) break;
      start = nl + 1;
      lineNo++;
    }
    machine.finish();
  } catch (error) {
    throw asDecodeError(error, lineNo);
  }
  return builder.root as JsonValue;
}

/** Splits incoming chunks into lines for a LineMachine, keeping only the unfinished last line. */
class ChunkFeeder {
  private carry = '';
  private lineNo = 1;
  private ended = false;

  constructor(private readonly machine: LineMachine) {}

  push(chunk: string): void {
    if (this.ended) throw new KtofDecodeError('push() after end()', this.lineNo, 1, 'invalid_input');
    const text = this.carry + chunk;
    let start = 0;
    try {
      for (;;) {
        const nl = text.indexOf('\n', start);
        if (nl < 0) break;
        this.machine.line(text, start, nl, this.lineNo, false);
        this.lineNo++;
        start = nl + 1;
      }
    } catch (error) {
      throw asDecodeError(error, this.lineNo);
    }
    this.carry = start === 0 ? text : text.slice(start);
  }

  end(): void {
    if (this.ended) return;
    this.ended = true;
    try {
      if (this.carry.length > 0) this.machine.line(this.carry, 0, this.carry.length, this.lineNo, false);
      this.carry = '';
      this.machine.finish();
    } catch (error) {
      throw asDecodeError(error, this.lineNo);
    }
  }
}

/**
 * Incremental decoder: feed chunks of text as they arrive (e.g. a model's streamed reply) and
 * receive the parse events each chunk completes. Memory stays bounded by one line plus the
 * nesting depth, except for a root inline JSON value, which is buffered until it closes.
 */
export class KtofStreamDecoder {
  private readonly collector = new EventCollector();
  private readonly feeder: ChunkFeeder;

  constructor(options?: DecodeOptions) {
    this.feeder = new ChunkFeeder(new LineMachine(this.collector, options));
  }

  /** Feeds a chunk; returns the events of every line the chunk completed. */
  push(chunk: string): KtofEvent[] {
    this.feeder.push(chunk);
    return this.take();
  }

  /** Ends the input; returns the remaining events (throws if the document is incomplete). */
  end(): KtofEvent[] {
    this.feeder.end();
    return this.take();
  }

  private take(): KtofEvent[] {
    const events = this.collector.events;
    this.collector.events = [];
    return events;
  }
}

/** Decodes a stream of text chunks into parse events, one chunk at a time (flat memory). */
export async function* decodeStreamEvents(source: AsyncIterable<string> | Iterable<string>, options?: DecodeOptions): AsyncGenerator<KtofEvent> {
  const decoder = new KtofStreamDecoder(options);
  for await (const chunk of source) yield* decoder.push(chunk);
  yield* decoder.end();
}

/** Decodes a stream of text chunks into the final JSON value. */
export async function decodeStream(source: AsyncIterable<string> | Iterable<string>, options?: DecodeOptions): Promise<JsonValue> {
  const builder = new ValueBuilder();
  const feeder = new ChunkFeeder(new LineMachine(builder, options));
  for await (const chunk of source) feeder.push(chunk);
  feeder.end();
  return builder.root as JsonValue;
}

/** Builds a JSON value from parse events (the inverse of the event stream). */
export function buildValue(events: Iterable<KtofEvent>): JsonValue {
  const builder: Sink & { root: JsonValue | undefined } = new ValueBuilder();
  for (const e of events) {
    switch (e.type) {
      case 'startObject': builder.startObject(); break;
      case 'endObject': builder.endObject(); break;
      case 'startArray': builder.startArray(e.length ?? -1); break;
      case 'endArray': builder.endArray(); break;
      case 'key': builder.key(e.key); break;
      case 'primitive': builder.value(e.value); break;
    }
  }
  return builder.root as JsonValue;
}
