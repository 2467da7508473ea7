import { KtofEncodeError, type KtofEncodeErrorCode } from '../shared/errors.js';
import type { JsonObject, JsonValue } from '../shared/types.js';
import { setOwn } from '../decode/cursor.js';
import { KtofNumber } from '../shared/exact-number.js';

/** Path segments shown around an elided middle: a 1000-deep path would bury the message. */
const PATH_ENDS = 4;

/**
 * Every this many levels the walk looks for a cycle (a mask: 1024 levels). Not a limit: it only
 * bounds how deep a cycle runs before it is told apart from deep nesting when maxDepth is raised high.
 */
const CYCLE_CHECK_MASK = 1023;

/** `a.b[2].c`, with the middle of a long path elided: `a[0][0][0]…(992 more)…[0][0][0][0]`. */
export function describePath(path: readonly (string | number)[]): string {
  if (path.length === 0) return 'the root value';
  const segment = (p: string | number) => (typeof p === 'number' ? `[${p}]` : `.${p}`);
  const text =
    path.length <= 3 * PATH_ENDS
      ? path.map(segment).join('')
      : `${path.slice(0, PATH_ENDS).map(segment).join('')}…(${path.length - 2 * PATH_ENDS} more)…${path.slice(-PATH_ENDS).map(segment).join('').replace(/^\./, '')}`;
  return text.replace(/^\./, '');
}

/**
 * Checks that `input` is JSON and returns it as a JsonValue, copying only where something had to
 * change. Objects with `toJSON` (e.g. Date) are replaced by its result, as JSON.stringify does.
 * A bigint and a KtofNumber are numbers written with all their digits. Everything JSON cannot
 * hold (undefined, functions, symbols, NaN/Infinity, cycles, Map,
 * Set, sparse arrays) is refused with a KtofEncodeError naming the path, never silently dropped.
 *
 * The walk keeps only two arrays indexed by depth (the containers and the keys leading to them):
 * the path is rebuilt from them on failure, and a cycle, which always runs into the depth limit,
 * is told apart from deep nesting by looking for a repeated container at that point.
 */
export function normalize(input: unknown, maxDepth: number, maxKeys = Infinity): JsonValue {
  const containers: object[] = [];
  const keys: (string | number)[] = [];

  const fail = (depth: number, what: string, code: KtofEncodeErrorCode = 'not_json', limit?: number): never => {
    const path = describePath(keys.slice(1, depth + 1));
    throw new KtofEncodeError(what, limit === undefined ? { code, path } : { code, path, limit });
  };

  /** The depth at which the first container repeats an ancestor, or -1. */
  const firstRepeat = (depth: number): number => {
    for (let d = 1; d < depth; d++) if (containers.lastIndexOf(containers[d] as object, d - 1) >= 0) return d;
    return -1;
  };

  const walk = (v: unknown, depth: number): JsonValue => {
    switch (typeof v) {
      case 'string':
      case 'boolean':
        return v;
      case 'number':
        if (v - v !== 0) fail(depth, `${v} is not a JSON number; use null or a string`);
        return v;
      case 'object':
        if (v === null) return null;
        break;
      case 'bigint':
        return v as unknown as JsonValue; // written with all its digits
      case 'undefined':
        return fail(depth, 'undefined is not JSON; omit the key or use null');
      default:
        return fail(depth, `a ${typeof v} is not JSON`);
    }
    // An exact number text travels as a symbol: every layout then treats it as a primitive.
    if (v instanceof KtofNumber) return Symbol(v.text) as unknown as JsonValue;
    const obj = v as { toJSON?: (key: string) => unknown };
    if (typeof obj.toJSON === 'function') return walk(obj.toJSON(String(keys[depth] ?? '')), depth);
    containers[depth] = obj;
    // The root container is depth 0: at most maxDepth containers nest, as the decoder allows.
    if (depth >= maxDepth || (depth & CYCLE_CHECK_MASK) === CYCLE_CHECK_MASK) {
      const repeat = firstRepeat(depth + 1);
      if (repeat >= 0) fail(repeat, 'the value contains a cycle', 'cycle');
      if (depth >= maxDepth) fail(depth, `nesting deeper than maxDepth (${maxDepth}); raise the maxDepth option`, 'too_deep', maxDepth);
    }
    if (obj instanceof Map || obj instanceof Set) fail(depth, `a ${obj instanceof Map ? 'Map' : 'Set'} is not JSON; convert it with Object.fromEntries or Array.from`);
    if (Array.isArray(obj)) {
      const arr = obj as unknown[];
      let copy: JsonValue[] | null = null;
      for (let i = 0; i < arr.length; i++) {
        const item = arr[i];
        if (isJsonPrimitive(item)) {
          if (copy !== null) copy.push(item);
          continue;
        }
        keys[depth + 1] = i;
        if (item === undefined && !(i in arr)) fail(depth + 1, 'sparse array hole (undefined) is not JSON');
        const c = walk(item, depth + 1);
        if (c !== item && copy === null) copy = arr.slice(0, i) as JsonValue[];
        if (copy !== null) copy.push(c);
      }
      return copy ?? (arr as JsonValue[]);
    }
    const src = obj as Record<string, unknown>;
    const names = Object.keys(src);
    if (names.length > maxKeys) fail(depth, `an object has ${names.length} keys, more than ${maxKeys}`, 'too_large', maxKeys);
    let copy: JsonObject | null = null;
    for (let i = 0; i < names.length; i++) {
      const k = names[i] as string;
      const item = src[k];
      if (isJsonPrimitive(item)) {
        if (copy !== null) setOwn(copy, k, item);
        continue;
      }
      keys[depth + 1] = k;
      const c = walk(item, depth + 1);
      if (c !== item && copy === null) {
        copy = {};
        for (let j = 0; j < i; j++) setOwn(copy, names[j] as string, src[names[j] as string] as JsonValue);
      }
      if (copy !== null) setOwn(copy, k, c);
    }
    return copy ?? (src as JsonObject);
  };

  return walk(input, 0);
}

/** The values most of a document is made of, checked without a call to walk or any path bookkeeping. */
function isJsonPrimitive(v: unknown): v is string | boolean | number | null {
  const t = typeof v;
  return t === 'string' || v === null || (t === 'number' && (v as number) - (v as number) === 0) || t === 'boolean';
}
