/**
 * Encoding one string: every restorable JSON candidate that gets cheaper becomes a KTOF
 * fragment; the rest of the text is kept (escaped where it imitates a fragment opener).
 * The result is verified by decoding it, so a string is never changed in a way that cannot be
 * undone, and its token count never grows.
 */
import type { EncodeOptions, JsonValue } from '@kaizen/ktof';
import { decodeText, escapeLiteral, renderFragment, type FragmentTag } from './fragment.js';
import { findJson, type CandidateKind, type JsonCandidate } from './scan.js';
import type { TokenCounter } from './tokens.js';

export interface TextFragment {
  kind: CandidateKind;
  start: number;
  end: number;
  originalTokens: number;
  encodedTokens: number;
}

export interface EncodeTextOptions {
  encodeOptions?: EncodeOptions;
  countTokens: TokenCounter;
  /** Only candidates this accepts are encoded (schema checks live here). */
  accept?: (value: JsonValue) => boolean;
  /** Finds the JSON in the text (default: findJson); a caller that scans the same text for another purpose passes its scan. */
  scan?: (text: string) => JsonCandidate[];
}

export interface EncodedText {
  text: string;
  fragments: TextFragment[];
}

interface Planned extends TextFragment {
  replacement: string;
}

/** Re-expresses the JSON inside `text` as KTOF fragments (or returns it escaped and unchanged). */
export function encodeText(text: string, options: EncodeTextOptions): EncodedText {
  const planned: Planned[] = [];
  for (const candidate of (options.scan ?? findJson)(text)) {
    if (options.accept && !options.accept(candidate.value)) continue;
    const plan = planFragment(text, candidate, options);
    if (plan) planned.push(plan);
  }
  const baseline = escapeLiteral(text);
  if (planned.length === 0) return { text: baseline, fragments: [] };

  // Token counts are not additive across fragment boundaries, so check the whole string and
  // drop the least profitable fragments until it is no larger than before. Each failed check
  // drops the less profitable half (at least one), so a string with thousands of fragments is
  // checked a dozen times at most, never once per fragment.
  const limit = options.countTokens(text);
  let kept = planned;
  while (kept.length > 0) {
    const encoded = assemble(text, kept);
    if (options.countTokens(encoded) < limit && decodeText(encoded) === text) {
      return { text: encoded, fragments: kept.map(({ replacement: _, ...fragment }) => fragment) };
    }
    const saving = (p: Planned) => p.originalTokens - p.encodedTokens;
    const byProfit = [...kept].sort((a, b) => saving(b) - saving(a));
    const survivors = new Set(byProfit.slice(0, kept.length - Math.max(1, Math.floor(kept.length / 2))));
    kept = kept.filter((p) => survivors.has(p)); // in text order, as assemble needs
  }
  return { text: baseline, fragments: [] };
}

function planFragment(text: string, candidate: JsonCandidate, options: EncodeTextOptions): Planned | undefined {
  const tag: FragmentTag = {
    fenced: candidate.kind === 'fenced',
    layout: candidate.layout,
    breakBefore: candidate.start > 0 && text[candidate.start - 1] !== '\n',
    breakAfter: candidate.end < text.length && text[candidate.end] !== '\n',
  };
  let replacement: string;
  try {
    replacement = renderFragment(candidate.value, tag, options.encodeOptions);
  } catch {
    return undefined; // a value the codec refuses (e.g. too deep) stays as JSON
  }
  const originalTokens = options.countTokens(text.slice(candidate.start, candidate.end));
  const encodedTokens = options.countTokens(replacement);
  if (encodedTokens >= originalTokens) return undefined;
  return { kind: candidate.kind, start: candidate.start, end: candidate.end, originalTokens, encodedTokens, replacement };
}

function assemble(text: string, planned: readonly Planned[]): string {
  let out = '';
  let pos = 0;
  for (const p of planned) {
    out += escapeLiteral(text.slice(pos, p.start)) + p.replacement;
    pos = p.end;
  }
  return out + escapeLiteral(text.slice(pos));
}
