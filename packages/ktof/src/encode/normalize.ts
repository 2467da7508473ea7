import { KtofEncodeError } from '../shared/errors.js';
import type { JsonObject, JsonValue } from '../shared/types.js';
import { setOwn } from '../decode/cursor.js';

/**
 * Checks that `input` is JSON and returns it as a JsonValue, copying only where something had to
 * change. Objects with `toJSON` (e.g. Date) are replaced by its result, as JSON.stringify does.
 * Everything JSON cannot hold (undefined, functions, symbols, BigInt, NaN/Infinity, cycles, Map,
 * Set, sparse arrays) is refused with a KtofEncodeError naming the path, never silently dropped.
 */
export function normalize(input: unknown, maxDepth: number): JsonValue {
  const path: (string | number)[] = [];
  const ancestors = new Set<object>();

  const fail = (what: string): never => {
    const where = path.length === 0 ? 'the root value' : path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${p}`)).join('').replace(/^\./, '');
    throw new KtofEncodeError(`cannot encode ${where}: ${what}`);
  };

  const walk = (v: unknown, key: string, depth: number): JsonValue => {
    switch (typeof v) {
      case 'string':
      case 'boolean':
        return v;
      case 'number':
        if (v - v !== 0) fail(`${v} is not a JSON number; use null or a string`);
        return v;
      case 'object':
        if (v === null) return null;
        break;
      case 'bigint':
        return fail('BigInt is not JSON; convert it to a number or a string first');
      case 'undefined':
        return fail('undefined is not JSON; omit the key or use null');
      default:
        return fail(`a ${typeof v} is not JSON`);
    }
    const obj = v as { toJSON?: (key: string) => unknown };
    if (typeof obj.toJSON === 'function') return walk(obj.toJSON(key), key, depth);
    if (depth > maxDepth) fail(`nesting deeper than maxDepth (${maxDepth}); raise the maxDepth option`);
    if (ancestors.has(obj)) fail('the value contains a cycle');
    if (obj instanceof Map || obj instanceof Set) fail(`a ${obj instanceof Map ? 'Map' : 'Set'} is not JSON; convert it with Object.fromEntries or Array.from`);
    ancestors.add(obj);
    let out: JsonValue;
    if (Array.isArray(obj)) {
      const arr = obj as unknown[];
      let copy: JsonValue[] | null = null;
      for (let i = 0; i < arr.length; i++) {
        if (!(i in arr)) { path.push(i); fail('sparse array hole (undefined) is not JSON'); }
        const item = arr[i];
        path.push(i);
        const c = walk(item, String(i), depth + 1);
        path.pop();
        if (c !== item && copy === null) copy = arr.slice(0, i) as JsonValue[];
        if (copy !== null) copy.push(c);
      }
      out = copy ?? (arr as JsonValue[]);
    } else {
      const src = obj as Record<string, unknown>;
      const keys = Object.keys(src);
      let copy: JsonObject | null = null;
      for (let i = 0; i < keys.length; i++) {
        const k = keys[i] as string;
        const item = src[k];
        path.push(k);
        const c = walk(item, k, depth + 1);
        path.pop();
        if (c !== item && copy === null) {
          copy = {};
          for (let j = 0; j < i; j++) setOwn(copy, keys[j] as string, src[keys[j] as string] as JsonValue);
        }
        if (copy !== null) setOwn(copy, k, c);
      }
      out = copy ?? (src as JsonObject);
    }
    ancestors.delete(obj);
    return out;
  };

  return walk(input, '', 0);
}
