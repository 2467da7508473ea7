import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { decode, type JsonValue } from '@kaizen/ktof';
import { decodeReply, readReply } from '../src/index.js';

const seed = Number(process.env.FC_SEED ?? Date.now() % 2 ** 31);
console.log(`reply property tests: FC_SEED=${seed}`);

const tryDecode = (text: string): JsonValue | undefined => {
  try {
    return decode(text);
  } catch {
    return undefined;
  }
};

// Replies: prose, KTOF documents, fenced blocks, JSON, with and without surrounding white space.
const piece = fc.oneof(
  fc.string({ maxLength: 16 }),
  fc.constantFrom('Sure.', 'a: 1', 'late[2]: 1,3', '[2]{a,b}:\n  1,x\n  2,y', '{"a":[1,2]}', '"quoted"', '42', '```ktof\nx: 1\n```', '```ktof\n{bad\n```', '- a', '  b: 2'),
);
const reply = fc.tuple(fc.array(piece, { maxLength: 3 }), fc.constantFrom('', '\n', ' ', '\n\n'), fc.constantFrom('', '\n', ' ')).map(([parts, before, after]) => before + parts.join('\n') + after);

describe('readReply', () => {
  it('given what decoding the same text gave, answers exactly as decodeReply', () => {
    fc.assert(
      fc.property(reply, (text) => {
        expect(readReply(text, {}, { text, value: tryDecode(text) })).toEqual(decodeReply(text));
        // Knowledge of another text is not used.
        expect(readReply(text, {}, { text: text + 'x', value: { wrong: true } })).toEqual(decodeReply(text));
      }),
      { seed, numRuns: 300 },
    );
  });
});
