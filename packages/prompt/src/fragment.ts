/**
 * The KTOF fragment marker. JSON found inside a string is replaced by a fenced block:
 *
 *     ```ktof j2
 *     <KTOF text>
 *     ```
 *
 * The fence tells a model "this is KTOF data" (the primer explains it) and tells decodeText what
 * to restore. The tag records how to rebuild the original bytes:
 *   f        the original was a ```json fenced block (the whole block is rebuilt)
 *   j<code>  the JSON layout (see layout.ts: indent width or t, flags s/a)
 *   <  >     a line break was inserted before / after the fence (removed again on decode)
 * A text that itself contains "```ktof " followed by something tag-like is escaped by adding a
 * "!" after "```ktof " (one "!" is removed on decode), so every string round-trips exactly.
 */
import { decode, encode, type DecodeOptions, type EncodeOptions, type JsonValue } from '@kaizen/ktof';
import { formatJson, layoutCode, parseLayoutCode, type JsonLayout } from './layout.js';

export const FENCE_OPEN = '```ktof ';
const FENCE_CLOSE = '```';

export interface FragmentTag {
  fenced: boolean;
  layout: JsonLayout;
  breakBefore: boolean;
  breakAfter: boolean;
}

const TAG = /^(f?)j([0-8t]s?a?)(<?)(>?)$/;
/** What the encoder escapes: "```ktof " followed by anything that starts like a tag. */
const TAG_LIKE = /```ktof (?=!*f?j[0-8t])/g;
const ESCAPED = /^!+f?j[0-8t]/;

export function formatTag(tag: FragmentTag): string {
  return (tag.fenced ? 'f' : '') + 'j' + layoutCode(tag.layout) + (tag.breakBefore ? '<' : '') + (tag.breakAfter ? '>' : '');
}

export function parseTag(text: string): FragmentTag | undefined {
  const match = TAG.exec(text);
  if (!match) return undefined;
  const layout = parseLayoutCode(match[2] ?? '');
  if (!layout) return undefined;
  return { fenced: match[1] === 'f', layout, breakBefore: match[3] === '<', breakAfter: match[4] === '>' };
}

/** Renders a fragment (including the line breaks its tag says were inserted). */
export function renderFragment(value: JsonValue, tag: FragmentTag, options?: EncodeOptions): string {
  const body = encode(value, options);
  return (tag.breakBefore ? '\n' : '') + FENCE_OPEN + formatTag(tag) + '\n' + body + '\n' + FENCE_CLOSE + (tag.breakAfter ? '\n' : '');
}

/** The original text a fragment stood for. */
export function restoreFragment(value: JsonValue, tag: FragmentTag): string {
  const json = formatJson(value, tag.layout);
  return tag.fenced ? '```json\n' + json + '\n```' : json;
}

/** Escapes tag-like fence openers in literal text so decodeText leaves them alone. */
export function escapeLiteral(text: string): string {
  return text.includes(FENCE_OPEN) ? text.replace(TAG_LIKE, FENCE_OPEN + '!') : text;
}

/** A fragment located in encoded text. */
export interface FoundFragment {
  /** Index of the fence opener (after any inserted line break). */
  start: number;
  /** Index just past the closing fence (before any inserted line break). */
  end: number;
  tag: FragmentTag;
  /** The KTOF text between the fences. */
  body: string;
}

/**
 * Walks encoded text, calling `onFragment` for each fragment and returning the text with every
 * fragment replaced by what `onFragment` returns (undefined leaves the fragment as written) and
 * every escaped opener unescaped.
 */
export function replaceFragments(text: string, onFragment: (fragment: FoundFragment) => string | undefined): string {
  if (!text.includes(FENCE_OPEN)) return text;
  let out = '';
  let pos = 0;
  let search = 0;
  for (;;) {
    const at = text.indexOf(FENCE_OPEN, search);
    if (at < 0) break;
    const afterOpen = at + FENCE_OPEN.length;
    if (ESCAPED.test(text.slice(afterOpen, afterOpen + 16))) {
      out += text.slice(pos, afterOpen);
      pos = afterOpen + 1; // drop one "!"
      search = pos;
      continue;
    }
    const fragment = at === 0 || text[at - 1] === '\n' ? readFragment(text, at) : undefined;
    const replacement = fragment && onFragment(fragment);
    if (fragment === undefined || replacement === undefined) {
      search = afterOpen;
      continue;
    }
    let head = text.slice(pos, at);
    if (fragment.tag.breakBefore && head.endsWith('\n')) head = head.slice(0, -1);
    out += head + replacement;
    pos = fragment.end;
    if (fragment.tag.breakAfter && text[pos] === '\n') pos += 1;
    search = pos;
  }
  return out + text.slice(pos);
}

function readFragment(text: string, start: number): FoundFragment | undefined {
  const lineEnd = text.indexOf('\n', start);
  if (lineEnd < 0) return undefined;
  const tag = parseTag(text.slice(start + FENCE_OPEN.length, lineEnd));
  if (!tag) return undefined;
  // The closing fence is the first line that is exactly ``` (KTOF never writes such a line).
  let close = lineEnd;
  for (;;) {
    close = text.indexOf('\n' + FENCE_CLOSE, close);
    if (close < 0) return undefined;
    const after = close + 1 + FENCE_CLOSE.length;
    if (after === text.length || text[after] === '\n') {
      const body = close === lineEnd ? '' : text.slice(lineEnd + 1, close);
      return { start, end: after, tag, body };
    }
    close += 1;
  }
}

/** Restores every fragment in `text` to its original JSON; fragments that do not decode stay as written. */
export function decodeText(text: string, options?: DecodeOptions): string {
  return replaceFragments(text, (fragment) => {
    try {
      return restoreFragment(decode(fragment.body, options), fragment.tag);
    } catch {
      return undefined;
    }
  });
}
