/** decodeStream: chunked KTOF (text or bytes, split anywhere) to events and the final value. */
import { decode, encode } from '@kaizen/ktof';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeStream, KaizenClient, KaizenDecodeError, KaizenError, type KtofStreamEvent } from '../src/index.js';

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
    const seed = Date.now();
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
        const last = events.at(-1)!;
        expect(last).toEqual({ type: 'value', value: expected });
        const lines = events.flatMap((e) => (e.type === 'line' ? [e.text] : []));
        expect(lines.join('\n')).toBe(text.replace(/\r?\n$/, '').replace(/\r\n/g, '\n'));
      }),
      { seed, numRuns: 150 },
    );
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
    expect(() => stream[Symbol.asyncIterator]()).toThrow(/only once/);
  });
});
