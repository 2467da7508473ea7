/**
 * The construct keys of the prompt document (`$json…`, `$text`) and the one rule that keeps every
 * value apart from them: a one-key object whose key looks like a construct key, with any number
 * of leading `$`, gets one more `$` when written and loses it when read.
 *
 * This module is small (it needs only chat.ts and the codec), so @kaizen/core can check texts and
 * values against the rule (compress, decompress) without loading the rest of the package: it is
 * also exported on its own as `@kaizen/prompt/constructs`.
 */
import { isPlainObject } from './chat.js';

export const JSON_KEY = '$json';
export const TEXT_KEY = '$text';

/** Keys of the construct family, with any number of leading `$` (one `$`: a construct; more: an escaped literal key). */
export const RESERVED_KEY = /^\$+(?:json[0-9a-z]*|text)$/;

/**
 * False when a KTOF (or JSON) text certainly holds no key of the construct family: such a key is
 * written with `$json` or `$text` in it, unless a `\u` escape spells one of its characters. A
 * true answer only means "look at the value": `$json` may sit in a string, or in a key of an
 * object with other keys. Three substring searches, far cheaper than walking the value.
 */
export function mayHoldConstructKeys(text: string): boolean {
  return text.includes(JSON_KEY) || text.includes(TEXT_KEY) || text.includes('\\u');
}

/** A key as the document writes it: one more `$` when it looks like a construct key. */
export function escapeKey(key: string): string {
  return RESERVED_KEY.test(key) ? '$' + key : key;
}

/**
 * The value with the key of every one-key object that looks like a construct key escaped (one more
 * `$`), and nothing else changed: what a prompt document with nothing folded holds. Copies only the
 * containers on the way to an escaped key; a value without one comes back as the same object, so
 * `escapeConstructKeys(v) === v` says whether anything was escaped.
 */
export function escapeConstructKeys<T>(value: T): T {
  return escapeWalk(value) as T;
}

function escapeWalk(value: unknown): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) {
    let copy: unknown[] | undefined;
    for (let i = 0; i < value.length; i++) {
      const item = value[i];
      const escaped = escapeWalk(item);
      if (escaped !== item && copy === undefined) copy = value.slice(0, i);
      copy?.push(escaped);
    }
    return copy ?? value;
  }
  // An object with toJSON is written as what toJSON gives (a Date: a string); it is left as it is.
  if (!isPlainObject(value) || typeof (value as { toJSON?: unknown }).toJSON === 'function') return value;
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record);
  let copy: Record<string, unknown> | undefined;
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i]!;
    const item = record[key];
    const name = keys.length === 1 ? escapeKey(key) : key;
    const escaped = escapeWalk(item);
    if ((escaped !== item || name !== key) && copy === undefined) {
      copy = {};
      for (let j = 0; j < i; j++) setOwn(copy, keys[j]!, record[keys[j]!]);
    }
    if (copy !== undefined) setOwn(copy, name, escaped);
  }
  return copy ?? record;
}

/** Sets a key as an own data property: `__proto__` stays plain data, as in the decoder's output. */
export function setOwn(target: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__') Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  else target[key] = value;
}
