/**
 * Whether a request body is already what a JSON round trip (stringifyJson, then parseJson) would
 * give back, so the client can validate it as it is instead of serialising and parsing it again:
 * for a 25 MB document that round trip cost about a second and two copies of the data.
 */
import { KtofNumber, parseJson } from '@kaizen/ktof';

/**
 * Deeper values take the round trip, whose limits (the stack of JSON.stringify, the exact
 * reader's depth) then decide as they always did; a request this deep is rare.
 */
const MAX_WALK_DEPTH = 512;

/**
 * True when `value` holds only plain objects (prototype Object.prototype, no toJSON, no symbol
 * keys), dense arrays, strings, finite numbers (-0 included: it is written and read back as -0),
 * booleans, null, and KtofNumbers a JSON reader gives back as the same KtofNumber. Anything else
 * (undefined, functions, bigints, NaN, dates, class instances, holes...) is false: the round trip
 * changes or refuses it.
 */
export function isPlainJson(value: unknown): boolean {
  return plain(value, 0);
}

function plain(value: unknown, depth: number): boolean {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return true;
    case 'number':
      return value - value === 0;
    case 'object':
      break;
    default:
      return false;
  }
  if (value === null) return true;
  if (depth >= MAX_WALK_DEPTH) return false;
  const proto = Object.getPrototypeOf(value);
  if (proto === Array.prototype) {
    const items = value as unknown[];
    for (let i = 0; i < items.length; i++) if (!plain(items[i], depth + 1)) return false;
    return true;
  }
  if (proto !== Object.prototype) return proto === KtofNumber.prototype && keepsExactNumber(value as KtofNumber);
  if (typeof (value as { toJSON?: unknown }).toJSON === 'function' || Object.getOwnPropertySymbols(value).length > 0) return false;
  const record = value as Record<string, unknown>;
  for (const key in record) if (Object.hasOwn(record, key) && !plain(record[key], depth + 1)) return false;
  return true;
}

/**
 * A KtofNumber comes back from the round trip as itself only when a JS number would change its
 * value (otherwise the reader gives a plain number): read its text alone, as the reader would.
 */
function keepsExactNumber(value: KtofNumber): boolean {
  const read = parseJson(value.text);
  return read instanceof KtofNumber && read.text === value.text;
}
