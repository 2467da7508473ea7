/** decodeStream: chunked KTOF (text or bytes, split anywhere) to events and the final value. */
import { decode, encode } from '@kaizen/ktof';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import * as ktof from '@kaizen/ktof';
import { decodeStream, KaizenClient, KaizenDecodeError, KaizenError, type KtofParseEvent, type KtofStreamEvent } from '../src/index.js';

/** Rebuilds a value from parse events: the events must describe the document exactly. */
function rebuild(events: KtofParseEvent[]): unknown {
  const stack: { container: unknown[] | Record<string, unknown>; key?: string }[] = [];
  let root: unknown;
  const put = (value: unknown) => {
    const top = stack.at(-1);
    if (!top) root = value;
    else if (Array.isArray(top.container)) top.container.push(value);
    else top.container[top.key!] = value;
  };
  for (const e of events) {
    if (e.type === 'startObject' || e.type === 'startArray') {
      const container = e.type === 'startObject' ? {} : [];
      put(container);
      stack.push({ container });
    } else if (e.type === 'endObject' || e.type === 'endArray') stack.pop();
    else if (e.type === 'key') stack.at(-1)!.key = e.key;
    else put(e.value);
  }
  return root;
}

/** Splits `text` at the given cut points. */
function cut(text: string, points: number[]): string[] {
  const sorted = [...new Set(points.map((p) => p % (text.length + 1)))].sort((a, b) => a - b);
  const out: string[] = [];
  let last = 0;
  for (const p of sorted) {
    out.push(text.slice(last, p));
    last = p;
  }
  out.push(text.slice(last));
  return out;
}

async function* slowly<T>(items: T[]): AsyncGenerator<T> {
  for (const item of items) {
    await Promise.resolve();
    yield item;
  }
}

describe('decodeStream', () => {
  it('gives the value decode() gives, however the text is chunked (property)', async () => {
    const seed = Number(process.env.FC_SEED ?? Date.now());
    await fc.assert(
      fc.asyncProperty(fc.jsonValue({ maxDepth: 3 }), fc.array(fc.nat(), { maxLength: 12 }), fc.boolean(), async (value, points, asBytes) => {
        const text = encode(value);
        const expected = decode(text);
        const pieces = cut(text, points);
        const chunks = asBytes ? pieces.map((p) => new TextEncoder().encode(p)) : pieces;
        const events: KtofStreamEvent[] = [];
        const stream = decodeStream(slowly(chunks));
        for await (const event of stream) events.push(event);
        expect(await stream.value).toEqual(expected);
        expect(events.at(-1)).toEqual({ type: 'value', value: expected });
        expect(events.filter((e) => e.type === 'value')).toHaveLength(1);
        expect(rebuild(events.slice(0, -1) as KtofParseEvent[])).toEqual(expected);
      }),
      { seed, numRuns: 150 },
    );
  });

  it.runIf('KtofStreamDecoder' in ktof)('yields events before the input has ended (incremental codec)', async () => {
    const rows = Array.from({ length: 50 }, (_, i) => ({ id: i, name: `row ${i}` }));
    const lines = encode({ rows }).split('\n');
    let fed = 0;
    async function* feed() {
      for (const line of lines) {
        fed++;
        yield `${line}\n`;
      }
    }
    let fedAtFirstEvent = -1;
    for await (const event of decodeStream(feed())) if (fedAtFirstEvent < 0 && event.type !== 'value') fedAtFirstEvent = fed;
    expect(fedAtFirstEvent).toBeGreaterThan(0);
    expect(fedAtFirstEvent).toBeLessThan(lines.length);
  });

  it('reassembles a UTF-8 character split across byte chunks', async () => {
    const text = encode({ greeting: 'héllo 👋 世界' });
    const bytes = new TextEncoder().encode(text);
    const chunks = Array.from(bytes, (b) => Uint8Array.of(b)); // one byte at a time
    expect(await decodeStream(chunks).value).toEqual({ greeting: 'héllo 👋 世界' });
  });

  it('reports malformed text as KaizenDecodeError with a position', async () => {
    const stream = decodeStream(['"unterminated']);
    const error = await stream.value.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(KaizenDecodeError);
    expect(error).toBeInstanceOf(KaizenError);
    expect((error as KaizenDecodeError).line).toBeGreaterThanOrEqual(1);
    expect((error as KaizenDecodeError).column).toBeGreaterThanOrEqual(1);
    await expect(decodeStream([Uint8Array.of(0xe4, 0xb8)]).value).rejects.toThrow(/UTF-8/);
  });

  it('iterates once; the client method is the same local decoder', async () => {
    await using kz = new KaizenClient({ baseUrl: 'http://127.0.0.1:9/' }); // never contacted
    const stream = kz.decodeStream(slowly([encode([1, 2]), '']));
    const events: KtofStreamEvent[] = [];
    for await (const e of stream) events.push(e);
    expect(events.at(-1)).toEqual({ type: 'value', value: [1, 2] });
    expect(rebuild(events.slice(0, -1) as KtofParseEvent[])).toEqual([1, 2]);
    expect(() => stream[Symbol.asyncIterator]()).toThrow(/only once/);
  });
});
