import type { JsonObject, JsonValue, KtofEvent } from '../shared/types.js';
import { setOwn } from './cursor.js';

/** Receives the decoded structure: either builds the value or records events. */
export interface Sink {
  startObject(): void;
  endObject(): void;
  startArray(length: number): void;
  endArray(): void;
  key(key: string): void;
  /** A complete value (primitive, inline value or table row). */
  value(value: JsonValue): void;
}

/** Builds the JSON value directly (used by `decode`). */
export class ValueBuilder implements Sink {
  root: JsonValue | undefined = undefined;
  private readonly stack: (JsonObject | JsonValue[])[] = [];
  private readonly isArray: boolean[] = [];
  private pendingKey = '';

  private attach(v: JsonValue): void {
    const n = this.stack.length;
    if (n === 0) this.root = v;
    else if (this.isArray[n - 1]) (this.stack[n - 1] as JsonValue[]).push(v);
    else setOwn(this.stack[n - 1] as JsonObject, this.pendingKey, v);
  }

  startObject(): void {
    const o: JsonObject = {};
    this.attach(o);
    this.stack.push(o);
    this.isArray.push(false);
  }

  startArray(): void {
    const a: JsonValue[] = [];
    this.attach(a);
    this.stack.push(a);
    this.isArray.push(true);
  }

  endObject(): void {
    this.stack.pop();
    this.isArray.pop();
  }

  endArray(): void {
    this.stack.pop();
    this.isArray.pop();
  }

  key(key: string): void {
    this.pendingKey = key;
  }

  value(v: JsonValue): void {
    this.attach(v);
  }
}

/** Records parse events; complete values are walked into events without recursion. */
export class EventCollector implements Sink {
  events: KtofEvent[] = [];

  startObject(): void { this.events.push({ type: 'startObject' }); }
  endObject(): void { this.events.push({ type: 'endObject' }); }
  startArray(length: number): void {
    this.events.push(length >= 0 ? { type: 'startArray', length } : { type: 'startArray' });
  }
  endArray(): void { this.events.push({ type: 'endArray' }); }
  key(key: string): void { this.events.push({ type: 'key', key }); }

  value(v: JsonValue): void {
    if (v === null || typeof v !== 'object') {
      this.events.push({ type: 'primitive', value: v });
      return;
    }
    // Explicit stack of [container, keys or null, next index] so deep values cannot overflow.
    const stack: [JsonValue[] | JsonObject, string[] | null, number][] = [];
    const open = (c: JsonValue[] | JsonObject): void => {
      if (Array.isArray(c)) {
        this.events.push({ type: 'startArray', length: c.length });
        stack.push([c, null, 0]);
      } else {
        this.events.push({ type: 'startObject' });
        stack.push([c, Object.keys(c), 0]);
      }
    };
    open(v);
    while (stack.length > 0) {
      const top = stack[stack.length - 1] as [JsonValue[] | JsonObject, string[] | null, number];
      const [c, keys, i] = top;
      const size = keys ? keys.length : (c as JsonValue[]).length;
      if (i >= size) {
        stack.pop();
        this.events.push(keys ? { type: 'endObject' } : { type: 'endArray' });
        continue;
      }
      top[2] = i + 1;
      let child: JsonValue;
      if (keys) {
        const k = keys[i] as string;
        this.events.push({ type: 'key', key: k });
        child = (c as JsonObject)[k] as JsonValue;
      } else child = (c as JsonValue[])[i] as JsonValue;
      if (child !== null && typeof child === 'object') open(child);
      else this.events.push({ type: 'primitive', value: child });
    }
  }
}
