import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildValue, decode, decodeStream, decodeStreamEvents, encode, KtofDecodeError, KtofStreamDecoder, type KtofEvent } from '../src/index.js';
import { jsonValue, recordArray } from './arbitraries.js';

const seed = Number(process.env.FC_SEED ?? Date.now() % 1_000_000);
console.log(`fast-check seed ${seed} (rerun with FC_SEED=${seed})`);

function chunks(text: string, sizes: number[]): string[] {
  const out: string[] = [];
  let i = 0;
  let k = 0;
  while (i < text.length) {
    const n = Math.max(1, sizes[k++ % sizes.length] ?? 1);
    out.push(text.slice(i, i + n));
    i += n;
  }
  return out;
}

describe('streaming decoder', () => {
  it('property: any chunking yields the events of the same value', async () => {
    await fc.assert(fc.asyncProperty(fc.oneof(jsonValue, recordArray), fc.array(fc.integer({ min: 1, max: 9 }), { minLength: 1, maxLength: 5 }), async (v, sizes) => {
      const text = encode(v);
      const decoder = new KtofStreamDecoder();
      const events: KtofEvent[] = [];
      for (const c of chunks(text, sizes)) events.push(...decoder.push(c));
      events.push(...decoder.end());
      expect(buildValue(events)).toEqual(decode(text));
      expect(await decodeStream(chunks(text, sizes))).toEqual(decode(text));
    }), { seed, numRuns: 200 });
  });

  it('emits rows as soon as their line is complete', () => {
    const decoder = new KtofStreamDecoder();
    expect(decoder.push('users[2]{id,name}:\n1,Ada\n2,B')).toEqual([
      { type: 'startObject' }, { type: 'key', key: 'users' }, { type: 'startArray', length: 2 },
      { type: 'startObject' }, { type: 'key', key: 'id' }, { type: 'primitive', value: 1 }, { type: 'key', key: 'name' }, { type: 'primitive', value: 'Ada' }, { type: 'endObject' },
    ]);
    expect(decoder.end().map((e) => e.type)).toEqual(['startObject', 'key', 'primitive', 'key', 'primitive', 'endObject', 'endArray', 'endObject']);
  });

  it('reads a model reply written as pretty JSON across chunks', async () => {
    const reply = '{\n  "answer": "yes",\n  "items": [1, 2]\n}\n';
    expect(await decodeStream(chunks(reply, [3]))).toEqual({ answer: 'yes', items: [1, 2] });
    const events: KtofEvent[] = [];
    for await (const e of decodeStreamEvents(chunks(reply, [5]))) events.push(e);
    expect(buildValue(events)).toEqual({ answer: 'yes', items: [1, 2] });
  });

  it('reports truncated input at end()', () => {
    const decoder = new KtofStreamDecoder();
    decoder.push('t[3]{a}:\n  1\n');
    expect(() => decoder.end()).toThrow(KtofDecodeError);
  });
});

describe('primer', () => {
  it('fits in 80 tokens (o200k and cl100k)', async () => {
    const { KTOF_PRIMER } = await import('../src/index.js');
    const o200k = await import('gpt-tokenizer/encoding/o200k_base');
    const cl100k = await import('gpt-tokenizer/encoding/cl100k_base');
    expect(o200k.countTokens(KTOF_PRIMER)).toBeLessThanOrEqual(80);
    expect(cl100k.countTokens(KTOF_PRIMER)).toBeLessThanOrEqual(80);
  });

  it('is quoted in the spec (section 11) word for word, with its token count', async () => {
    const { readFile } = await import('node:fs/promises');
    const { KTOF_PRIMER } = await import('../src/index.js');
    const o200k = await import('gpt-tokenizer/encoding/o200k_base');
    const spec = await readFile(new URL('../../../docs/ktof-spec.md', import.meta.url), 'utf8');
    expect(spec).toContain(`## 11. Primer (${o200k.countTokens(KTOF_PRIMER)} o200k tokens)\n\n\`\`\`\n${KTOF_PRIMER}\n\`\`\``);
  });
});
