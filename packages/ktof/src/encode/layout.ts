/**
 * The layout tree the planner (plan.ts) returns and the renderer (render.ts) writes: what was
 * chosen for each container, with its estimated cost.
 */
import type { JsonObject, JsonValue } from '../shared/types.js';

/** A container's chosen layout. */
export type Layout = InlineLayout | FieldsLayout | LinesLayout | ListLayout;

interface Priced {
  /** Estimated tokens of the layout as written, its head line (key, dash, indentation) included. */
  cost: number;
  /** Estimated tokens of the value as inline JSON (NEVER where a table must win). */
  inline: number;
}

/** Relaxed inline JSON after the head: `key: {a:1}`, `- [1,2]`. */
export interface InlineLayout extends Priced {
  form: 'inline';
  value: JsonValue & object;
}

/** `key:` and then a line per field, one level deeper (a list item's first field shares the dash line). */
export interface FieldsLayout extends Priced {
  form: 'fields';
  value: JsonObject;
  keys: string[];
  /** The layout of each field's value; for a primitive, see Primitive. */
  fields: Planned[];
}

/**
 * A primitive's place in a layout: a string that needs no quotes there is its own text, known
 * while pricing at no cost, so it is kept (render need not classify it again); other primitives
 * are null, written when rendered (formatting a number that may end up inline is wasted work).
 */
type Primitive = string | null;

/** What a field or list item holds in a layout. */
export type Planned = Layout | Primitive;

/** A head line and lines already written while pricing (a table, keyed table, matrix or primitive array). */
export interface LinesLayout extends Priced {
  form: 'lines';
  /** The head line after the key: `[2]{id,name}:`, `[3]: a,b,c`. */
  head: string;
  lines: readonly string[];
}

/** `key[N]:` and then a `- item` line per element. */
export interface ListLayout extends Priced {
  form: 'list';
  head: string;
  value: JsonValue[];
  /** The layout of each item (see Planned). */
  items: Planned[];
}
