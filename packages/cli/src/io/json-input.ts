/**
 * JSON input with errors that point at the exact spot. JSON.parse stays the fast path; only when
 * it fails does a small validating scanner walk the text to find the first bad character and
 * say what was expected there (V8's messages do not always carry a position).
 */
import { parseJson as parseExactJson } from '@kaizen/ktof';
import { dataError } from '../exit.js';

/** Where a JSON text stops being valid: a 0-based UTF-16 offset and what went wrong. */
export interface JsonSyntaxIssue {
  offset: number;
  message: string;
}

/** 1-based line and column of a 0-based offset. */
export function lineColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let nl = text.indexOf('\n'); nl >= 0 && nl < offset; nl = text.indexOf('\n', nl + 1)) {
    line++;
    lineStart = nl + 1;
  }
  return { line, column: offset - lineStart + 1 };
}

/**
 * Parses JSON text from `file`, numbers a JS number cannot hold kept with their digits (as
 * KtofNumbers, which the codec writes exactly); a syntax error becomes a data error at file:line:column.
 */
export function parseJson(text: string, file: string): unknown {
  try {
    return parseExactJson(text);
  } catch (error) {
    const issue = locateJsonError(text);
    if (!issue) {
      // The scanner accepts it, so the parser gave up for another reason (nesting beyond the stack).
      const reason = error instanceof RangeError ? 'the JSON nests too deeply to parse' : `invalid JSON: ${(error as Error).message}`;
      throw dataError(reason, file, 1, 1);
    }
    const { line, column } = lineColumn(text, issue.offset);
    throw dataError(`invalid JSON: ${issue.message}`, file, line, column);
  }
}

const isSpace = (c: number) => c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
const isDigit = (c: number) => c >= 0x30 && c <= 0x39;
const OPEN_OBJECT = 0x7b;
const OPEN_ARRAY = 0x5b;

type State = 'value' | 'firstValue' | 'key' | 'firstKey' | 'after';

/**
 * Finds the first syntax error of a JSON text, or undefined when the text is valid JSON.
 * Iterative (an explicit stack), so deeply nested input cannot overflow it.
 */
export function locateJsonError(text: string): JsonSyntaxIssue | undefined {
  const n = text.length;
  const stack: number[] = [];
  let i = 0;
  let state: State = 'value';
  const found = (at: number) => (at >= n ? 'the end of the input' : describeChar(text, at));
  const issue = (message: string, offset = i): JsonSyntaxIssue => ({ offset: Math.min(offset, n), message });

  while (i < n && isSpace(text.charCodeAt(i))) i++;
  if (i >= n) return issue('the input is empty; expected a JSON value');

  for (;;) {
    while (i < n && isSpace(text.charCodeAt(i))) i++;
    const c = i < n ? text.charCodeAt(i) : -1;
    switch (state) {
      case 'firstValue':
        if (c === 0x5d) {
          i++;
          stack.pop();
          state = 'after';
          continue;
        }
      // falls through: an array's first element is any value
      case 'value': {
        if (c === OPEN_OBJECT || c === OPEN_ARRAY) {
          stack.push(c);
          i++;
          state = c === OPEN_OBJECT ? 'firstKey' : 'firstValue';
          continue;
        }
        const problem = c === 0x22 ? scanString(text, i) : c === 0x2d || isDigit(c) ? scanNumber(text, i) : scanLiteral(text, i);
        if (typeof problem !== 'number') {
          if (problem) return problem;
          const hint = c === 0x27 ? ' (JSON strings use double quotes)' : '';
          return issue(`unexpected ${found(i)}; expected a value${hint}`);
        }
        i = problem;
        state = 'after';
        continue;
      }
      case 'firstKey':
        if (c === 0x7d) {
          i++;
          stack.pop();
          state = 'after';
          continue;
        }
      // falls through: the first key is any key
      case 'key': {
        if (c !== 0x22) {
          if (c === 0x7d) return issue('a trailing comma before "}" is not allowed in JSON');
          const hint = c === 0x27 ? ' (JSON uses double quotes)' : '';
          return issue(`unexpected ${found(i)}; expected a property name in double quotes${hint}`);
        }
        const end = scanString(text, i);
        if (typeof end !== 'number') return end;
        i = end;
        while (i < n && isSpace(text.charCodeAt(i))) i++;
        if (text.charCodeAt(i) !== 0x3a) return issue(`unexpected ${found(i)}; expected ":" after the property name`);
        i++;
        state = 'value';
        continue;
      }
      case 'after': {
        const top = stack[stack.length - 1];
        if (top === undefined) return i < n ? issue(`unexpected ${found(i)} after the end of the JSON value`) : undefined;
        const close = top === OPEN_OBJECT ? 0x7d : 0x5d;
        if (c === close) {
          i++;
          stack.pop();
          continue;
        }
        if (c === 0x2c) {
          i++;
          if (top === OPEN_ARRAY) {
            let j = i;
            while (j < n && isSpace(text.charCodeAt(j))) j++;
            if (text.charCodeAt(j) === 0x5d) return issue('a trailing comma before "]" is not allowed in JSON', j);
          }
          state = top === OPEN_OBJECT ? 'key' : 'value';
          continue;
        }
        return issue(`unexpected ${found(i)}; expected "," or "${String.fromCharCode(close)}"`);
      }
    }
  }
}

function describeChar(text: string, at: number): string {
  const cp = text.codePointAt(at)!;
  return cp < 0x20 || cp === 0x7f ? `control character U+${cp.toString(16).toUpperCase().padStart(4, '0')}` : `"${String.fromCodePoint(cp)}"`;
}

/** Scans a string starting at its opening quote: the offset after it, or the issue inside it. */
function scanString(text: string, start: number): number | JsonSyntaxIssue {
  const n = text.length;
  let i = start + 1;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === 0x22) return i + 1;
    if (c === 0x5c) {
      const e = text[i + 1];
      if (e === 'u') {
        if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) return { offset: i, message: 'a \\u escape needs four hex digits' };
        i += 6;
        continue;
      }
      if (e === undefined || !'"\\/bfnrt'.includes(e)) return { offset: i, message: `invalid escape "\\${e ?? ''}" in a string` };
      i += 2;
      continue;
    }
    if (c < 0x20) return { offset: i, message: `${describeChar(text, i)} inside a string; escape it (e.g. \\n, \\t)` };
    i++;
  }
  return { offset: start, message: 'this string is never closed (missing ")' };
}

/** Scans a number: the offset after it, or the issue. */
function scanNumber(text: string, start: number): number | JsonSyntaxIssue {
  let i = start;
  if (text.charCodeAt(i) === 0x2d) i++;
  const digits = () => {
    const from = i;
    while (isDigit(text.charCodeAt(i))) i++;
    return i - from;
  };
  const intStart = i;
  const intDigits = digits();
  if (intDigits === 0) return { offset: i, message: 'expected a digit in the number' };
  if (intDigits > 1 && text.charCodeAt(intStart) === 0x30) return { offset: intStart, message: 'numbers must not have leading zeros' };
  if (text.charCodeAt(i) === 0x2e) {
    i++;
    if (digits() === 0) return { offset: i, message: 'expected a digit after the decimal point' };
  }
  if ((text.charCodeAt(i) | 0x20) === 0x65) {
    i++;
    if (text.charCodeAt(i) === 0x2b || text.charCodeAt(i) === 0x2d) i++;
    if (digits() === 0) return { offset: i, message: 'expected a digit in the exponent' };
  }
  return i;
}

/** Scans true/false/null: the offset after it, an issue for a near miss, or undefined when none starts here. */
function scanLiteral(text: string, start: number): number | JsonSyntaxIssue | undefined {
  for (const word of ['true', 'false', 'null']) {
    if (text.startsWith(word, start)) return start + word.length;
    if (text[start] === word[0]) return { offset: start, message: `expected "${word}"` };
  }
  return undefined;
}
