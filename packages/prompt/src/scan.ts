/**
 * Finds JSON inside a string: the whole string, ```json fenced blocks, and objects/arrays
 * embedded in prose. Only JSON whose exact bytes a known layout reproduces is reported, so every
 * candidate can be restored byte for byte. Other code fences are never looked into.
 */
import type { JsonValue } from '@kaizen/ktof';
import { detectLayout, type JsonLayout } from './layout.js';

export type CandidateKind = 'whole' | 'fenced' | 'embedded';

export interface JsonCandidate {
  kind: CandidateKind;
  /** Span in the source string that the fragment replaces. */
  start: number;
  end: number;
  value: JsonValue;
  layout: JsonLayout;
}

/** Embedded JSON shorter than this never pays for its fence. */
const MIN_EMBEDDED = 24;
/** Scanning work allowed per input character (bounds pathological inputs such as "[[[[..."). */
const WORK_PER_CHAR = 8;

/** Parses `text` as a JSON object/array and finds its layout; undefined when not restorable. */
export function parseExact(text: string): { value: JsonValue; layout: JsonLayout } | undefined {
  const first = text.charCodeAt(0);
  if (first !== 0x7b && first !== 0x5b) return undefined; // { or [
  let value: JsonValue;
  try {
    value = JSON.parse(text) as JsonValue;
  } catch {
    return undefined;
  }
  let layout: JsonLayout | undefined;
  try {
    layout = detectLayout(text, value);
  } catch {
    // Nested too deep to lay out (stack overflow on hostile input): leave the text as it is.
    return undefined;
  }
  return layout && { value, layout };
}

/** Every restorable JSON candidate in `text`, in order, non-overlapping. */
export function findJson(text: string): JsonCandidate[] {
  const whole = parseExact(text);
  if (whole) return [{ kind: 'whole', start: 0, end: text.length, ...whole }];
  const found: JsonCandidate[] = [];
  const budget = { left: text.length * WORK_PER_CHAR };
  let proseStart = 0;
  for (const fence of codeFences(text)) {
    scanProse(text, proseStart, fence.start, found, budget);
    if (fence.info === 'json') {
      const parsed = parseExact(text.slice(fence.contentStart, fence.contentEnd));
      if (parsed) found.push({ kind: 'fenced', start: fence.start, end: fence.end, ...parsed });
    }
    proseStart = fence.end;
  }
  scanProse(text, proseStart, text.length, found, budget);
  return found;
}

interface CodeFence {
  start: number;
  end: number;
  info: string;
  contentStart: number;
  contentEnd: number;
}

/** Markdown-style ``` fences: an opener at a line start, closed by a line that is exactly ```. */
function* codeFences(text: string): Generator<CodeFence> {
  let from = 0;
  for (;;) {
    const start = from === 0 && text.startsWith('```') ? 0 : text.indexOf('\n```', Math.max(0, from - 1)) + 1;
    if (start === 0 && from !== 0) return;
    if (start === 0 && !text.startsWith('```')) return;
    const lineEnd = text.indexOf('\n', start);
    let close = lineEnd < 0 ? -1 : text.indexOf('\n```', lineEnd);
    while (close >= 0 && !(close + 4 === text.length || text[close + 4] === '\n')) close = text.indexOf('\n```', close + 1);
    if (close < 0) {
      // An unclosed fence runs to the end: nothing after its opener is prose.
      yield { start, end: text.length, info: '', contentStart: text.length, contentEnd: text.length };
      return;
    }
    yield { start, end: close + 4, info: text.slice(start + 3, lineEnd), contentStart: lineEnd + 1, contentEnd: close };
    from = close + 4;
  }
}

function scanProse(text: string, from: number, to: number, found: JsonCandidate[], budget: { left: number }): void {
  let i = from;
  while (i < to && budget.left > 0) {
    const open = nextOpen(text, i, to);
    if (open < 0) return;
    const end = matchBrackets(text, open, to, budget);
    if (end > 0 && end - open >= MIN_EMBEDDED) {
      const parsed = parseExact(text.slice(open, end));
      if (parsed) {
        found.push({ kind: 'embedded', start: open, end, ...parsed });
        i = end;
        continue;
      }
    }
    i = open + 1;
  }
}

function nextOpen(text: string, from: number, to: number): number {
  for (let i = from; i < to; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x7b || c === 0x5b) return i;
  }
  return -1;
}

/** End (exclusive) of the bracketed JSON-looking span starting at `open`, or -1. */
function matchBrackets(text: string, open: number, to: number, budget: { left: number }): number {
  const stack: number[] = [];
  let inString = false;
  for (let i = open; i < to; i++) {
    budget.left--;
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
      else if (c === 0x0a) return -1; // raw newline: not inside a JSON string
      continue;
    }
    if (c === 0x22) inString = true;
    else if (c === 0x7b) stack.push(0x7d);
    else if (c === 0x5b) stack.push(0x5d);
    else if (c === 0x7d || c === 0x5d) {
      if (stack.pop() !== c) return -1;
      if (stack.length === 0) return i + 1;
    }
  }
  return -1;
}
