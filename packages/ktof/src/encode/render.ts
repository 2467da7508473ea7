/**
 * Rendering: writes the lines of a planned document (plan.ts). Every choice was made by the
 * planner; this walks its layout tree and spells each node (format.ts).
 */
import type { JsonPrimitive, JsonValue } from '../shared/types.js';
import { FIELD_UNSAFE, type Format, ITEM_UNSAFE, keyOf, primitiveText } from './format.js';
import type { FieldsLayout, Layout, Planned } from './layout.js';

/** The lines of a document planned as `layout` (see Planner.root). */
export function render(f: Format, layout: Layout): string[] {
  const out: string[] = [];
  const r = new Renderer(f, out);
  if (layout.form === 'fields') r.fieldLines(layout, 0, undefined);
  else r.block('', layout, 0);
  return out;
}

/** The lines of a container planned as `layout` at `depth`, after its indentation (the planner counts them to weigh close layouts). */
export function renderBlock(f: Format, layout: Layout, depth: number): string[] {
  const out: string[] = [];
  new Renderer(f, out).block(f.pad(depth), layout, depth);
  return out;
}

class Renderer {
  constructor(private readonly f: Format, private readonly out: string[]) {}

  /**
   * The lines of each field of an object at `depth`. `firstHead`, for a list item, replaces the
   * first field's indentation (`- ` puts that field on the dash line).
   */
  fieldLines(layout: FieldsLayout, depth: number, firstHead: string | undefined): void {
    const pad = this.f.pad(depth);
    const { value, keys, fields } = layout;
    for (let i = 0; i < keys.length; i++) {
      const key = keys[i] as string;
      const head = (i === 0 && firstHead !== undefined ? firstHead : pad) + keyOf(key).text;
      const field = fields[i] as Planned;
      if (field === null) this.out.push(head + ': ' + primitiveText(value[key] as JsonPrimitive, FIELD_UNSAFE));
      else if (typeof field === 'string') this.out.push(head + ': ' + field);
      else if (field.form === 'inline') this.out.push(head + ': ' + this.f.inline(field.value).text);
      else this.block(head, field, depth);
    }
  }

  /** A container after `head` (`key` at its indentation, or nothing at the root). */
  block(head: string, layout: Layout, depth: number): void {
    const out = this.out;
    switch (layout.form) {
      case 'inline':
        out.push(head + this.f.inline(layout.value).text);
        return;
      case 'fields':
        out.push(head + ':');
        this.fieldLines(layout, depth + 1, undefined);
        return;
      case 'lines':
        out.push(head + layout.head);
        for (const line of layout.lines) out.push(line);
        return;
      case 'list': {
        out.push(head + layout.head);
        const { value, items } = layout;
        for (let i = 0; i < items.length; i++) this.item(value[i] as JsonValue, items[i] as Planned, depth + 1);
      }
    }
  }

  /** A list item `- ...` at `depth`. */
  private item(v: JsonValue, layout: Planned, depth: number): void {
    const pad = this.f.pad(depth);
    if (layout === null) this.out.push(pad + '- ' + primitiveText(v as JsonPrimitive, ITEM_UNSAFE));
    else if (typeof layout === 'string') this.out.push(pad + '- ' + layout);
    else if (layout.form === 'inline') this.out.push(pad + '- ' + this.f.inline(layout.value).text);
    else if (layout.form === 'fields' && layout.keys.length === 0) this.out.push(pad + '-');
    else this.fieldLines(layout as FieldsLayout, depth + 1, pad + '- ');
  }
}
