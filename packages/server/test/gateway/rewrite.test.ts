/**
 * The request rewriting on its own: strings replaced without touching any other byte, the
 * same engine as prompts.encode, and decisions that depend only on earlier texts (so a
 * conversation's prefix never changes as it grows).
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { JsonValue } from '@kaizen/ktof';
import { encodePrompt, estimateTokens, PROMPT_PRIMER } from '@kaizen/prompt';
import { locateStrings, pointerStep, spliceJsonLiterals } from '../../src/gateway/json-splice.js';
import { rewriteRequest } from '../../src/gateway/rewrite.js';
import type { RequestCounter } from '../../src/gateway/tokens.js';

const ESTIMATE: RequestCounter = { count: estimateTokens, encoding: 'estimate-test', estimated: true };

/** Every string in a value with its pointer. */
function stringsOf(value: unknown, path = ''): [string, string][] {
  if (typeof value === 'string') return [[path, value]];
  if (Array.isArray(value)) return value.flatMap((item, i) => stringsOf(item, path + pointerStep(i)));
  if (value !== null && typeof value === 'object') return Object.entries(value).flatMap(([k, v]) => stringsOf(v, path + pointerStep(k)));
  return [];
}

function setAt(value: any, pointer: string, replacement: string): void {
  const steps = pointer.split('/').slice(1).map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
  let node = value;
  for (const step of steps.slice(0, -1)) node = node[step];
  node[steps.at(-1)!] = replacement;
}

/** `text` with the strings at the map's pointers replaced by the map's values. */
function replaceStrings(text: string, replacements: Map<string, string>): string {
  return spliceJsonLiterals(text, new Map([...replacements].map(([pointer, value]) => [pointer, JSON.stringify(value)])));
}

describe('spliceJsonLiterals', () => {
  it('replaces exactly the chosen strings, in any layout, and keeps every other byte', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 4 }), fc.constantFrom(0, 1, 2, '\t'), fc.infiniteStream(fc.boolean()), (value, indent, picks) => {
        const text = JSON.stringify({ wrap: value }, null, indent);
        const targets = new Map<string, string>();
        for (const [pointer, original] of stringsOf(JSON.parse(text))) if (picks.next().value) targets.set(pointer, `${original}!"\n${pointer}`);
        const out = replaceStrings(text, targets);
        const expected = JSON.parse(text);
        for (const [pointer, replacement] of targets) setAt(expected, pointer, replacement);
        expect(JSON.parse(out)).toEqual(expected);
        // Outside the replaced literals nothing moved: removing them from both texts leaves the same bytes.
        const strip = (source: string, pointers: Set<string>) => {
          const spans = [...locateStrings(source, pointers).values()].sort((a, b) => a[0] - b[0]);
          let rest = '';
          let at = 0;
          for (const [start, end] of spans) {
            rest += source.slice(at, start);
            at = end;
          }
          return rest + source.slice(at);
        };
        const pointers = new Set(targets.keys());
        expect(strip(out, pointers)).toBe(strip(text, pointers));
      }),
    );
  });

  it('finds the same spans with expected literals, whether the text holds them or not', () => {
    // A literal as JSON.stringify writes it, one with other escapes, or one that is wrong outright.
    const guess = fc.constantFrom('stringify', 'escaped', 'wrong');
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 4 }), fc.constantFrom(0, 2), fc.infiniteStream(fc.boolean()), fc.infiniteStream(guess), (value, indent, picks, guesses) => {
        // Some strings written with \u escapes, as other JSON writers do.
        const text = JSON.stringify({ wrap: value }, null, indent).replace(/"(\w)/g, (match, c: string) => (picks.next().value ? `"\\u00${c.charCodeAt(0).toString(16)}` : match));
        const strings = stringsOf(JSON.parse(text));
        const pointers = new Set(strings.filter(() => picks.next().value).map(([pointer]) => pointer));
        const expected = new Map<string, string>();
        for (const [pointer, original] of strings) {
          const kind = guesses.next().value;
          expected.set(pointer, kind === 'stringify' ? JSON.stringify(original) : kind === 'escaped' ? JSON.stringify(original).replace(/\w/, (c) => `\\u00${c.charCodeAt(0).toString(16)}`) : JSON.stringify(`${original}"`));
        }
        expect(locateStrings(text, pointers, expected)).toEqual(locateStrings(text, pointers));
      }),
    );
  });

  it('keeps number spellings, escapes and duplicate keys (the last one is replaced, as JSON.parse reads it)', () => {
    const text = '{"a": 1.0e0, "s": "caf\\u00e9", "m": [{"content": "x"}, {"content": "old", "content": "last"}]}';
    const out = replaceStrings(text, new Map([['/m/1/content', 'new']]));
    expect(out).toBe('{"a": 1.0e0, "s": "caf\\u00e9", "m": [{"content": "x"}, {"content": "old", "content": "new"}]}');
  });
});

const record = fc.record({ id: fc.integer({ min: 1, max: 9999 }), name: fc.constantFrom('Ada', 'Lin', 'Grace', 'Linus'), score: fc.double({ min: 0, max: 100, noNaN: true }), ok: fc.boolean() });
const toolResult = fc.oneof(
  fc.array(record, { minLength: 1, maxLength: 40 }).map((rows) => JSON.stringify(rows)),
  fc.array(record, { minLength: 1, maxLength: 20 }).map((rows) => `Found: ${JSON.stringify(rows, null, 2)} done.`),
  fc.lorem({ maxCount: 12 }),
);

describe('rewriteRequest', () => {
  it('decides each text from the texts before it: a grown conversation keeps its earlier messages as they were sent', () => {
    fc.assert(
      fc.property(fc.array(toolResult, { minLength: 2, maxLength: 8 }), fc.boolean(), (results, systemFirst) => {
        const messages = results.map((content, i) => ({ role: i % 2 ? 'user' : 'tool', content }));
        const system = 'You are terse.';
        const requestOf = (n: number) => (systemFirst ? { system, model: 'm', messages: messages.slice(0, n) } : { model: 'm', messages: messages.slice(0, n), system });
        const sentAt = (n: number) => {
          const request = requestOf(n);
          return JSON.parse(rewriteRequest(JSON.stringify(request), request as any, ['system', 'messages'], ESTIMATE).body);
        };
        const full = sentAt(messages.length);
        for (let n = 1; n < messages.length; n++) {
          const earlier = sentAt(n);
          expect(earlier.messages).toEqual(full.messages.slice(0, n));
          expect(earlier.system).toBe(full.system);
        }
        // The primer appears at most once, and never makes the request larger.
        const body = JSON.stringify(full);
        expect(body.split(JSON.stringify(PROMPT_PRIMER).slice(1, 40)).length).toBeLessThanOrEqual(2);
      }),
      { numRuns: 60 },
    );
  });

  it('rewrites with the engine of prompts.encode: a rewritten text is encodePrompt\'s, with the primer in front of the first', () => {
    const rows = Array.from({ length: 30 }, (_, i) => ({ id: i, name: `N${i}`, total: i * 1.5 }));
    const request = { model: 'gpt-4o', messages: [{ role: 'user', content: JSON.stringify(rows) }, { role: 'tool', content: `Rows: ${JSON.stringify(rows.slice(0, 20))}` }] };
    const result = rewriteRequest(JSON.stringify(request), request as any, ['messages'], ESTIMATE);
    const sent = JSON.parse(result.body);
    const engine = encodePrompt(request as JsonValue, { countTokens: estimateTokens }).prompt as typeof request;
    expect(sent.messages[0].content).toBe(`${PROMPT_PRIMER}\n\n${engine.messages[0]!.content}`);
    expect(sent.messages[1].content).toBe(engine.messages[1]!.content);
    expect(result.textsRewritten).toBe(2);
    expect(result.tokensSent).toBeLessThan(result.tokensOriginal);
  });

  it('leaves a body byte-identical when no text gets smaller', () => {
    const raw = '{"model":"gpt-4o","messages":[{"role":"user","content":"[1,2]"},{"role":"user","content":"hello"}],"n":1.0}';
    const result = rewriteRequest(raw, JSON.parse(raw), ['messages'], ESTIMATE);
    expect(result.body).toBe(raw);
    expect(result.textsRewritten).toBe(0);
    expect(result.tokensSent).toBe(result.tokensOriginal);
  });
});
