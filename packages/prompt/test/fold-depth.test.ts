import { describe, expect, it } from 'vitest';
import { DEFAULT_MAX_DEPTH, type JsonValue } from '@kaizen/ktof';
import { decodePromptDocument, encodePromptDocument } from '../src/index.js';

/** `inner` under `levels` one-key objects. */
function nestedIn(levels: number, inner: JsonValue): JsonValue {
  let v = inner;
  for (let i = 0; i < levels; i++) v = { k: v };
  return v;
}

/** A string that is an indented JSON table: folding it saves many tokens. */
const jsonText = JSON.stringify(Array.from({ length: 8 }, (_, i) => ({ id: i, name: `user ${i}`, role: i % 2 ? 'admin' : 'dev' })), null, 2);

describe('prompt document folds and the codec depth limit', () => {
  it('folds as deep as the codec decodes by default (DEFAULT_MAX_DEPTH), never deeper', () => {
    // The fold adds 1 ($json2) + 2 (the array and its rows) containers below the string; the
    // folder allows 3 for the wrapper when it first measures a string, so 995 is the deepest.
    for (const [levels, folds] of [[300, true], [DEFAULT_MAX_DEPTH - 5, true], [DEFAULT_MAX_DEPTH - 2, false]] as const) {
      const prompt = nestedIn(levels, jsonText);
      const { ktof, folded } = encodePromptDocument(prompt);
      expect(folded > 0, `a string under ${levels} objects`).toBe(folds);
      expect(decodePromptDocument(ktof, { maxDepth: DEFAULT_MAX_DEPTH })).toStrictEqual(prompt);
    }
  });

  it("folds no deeper than the encoder's own maxDepth when only encodeOptions sets it", () => {
    const maxDepth = 50;
    for (const [levels, folds] of [[maxDepth - 5, true], [maxDepth - 2, false]] as const) {
      const prompt = nestedIn(levels, jsonText);
      const { ktof, folded } = encodePromptDocument(prompt, { encodeOptions: { maxDepth } });
      expect(folded > 0, `a string under ${levels} objects`).toBe(folds);
      expect(decodePromptDocument(ktof, { maxDepth })).toStrictEqual(prompt);
    }
  });
});
