/**
 * A bounded map keyed by strings, sized by characters. Chat traffic repeats itself: the same
 * system prompt, tool results and earlier turns come back on every request of a conversation,
 * so work done once per distinct string (token counts, encodings) can be remembered. When the
 * characters held pass the budget the oldest entries go first; a string longer than a
 * sixteenth of the budget is never kept, so one huge input cannot flush everything else.
 */
export class TextCache<V> {
  readonly #entries = new Map<string, { value: V; chars: number }>();
  #chars = 0;

  constructor(readonly maxChars: number) {}

  get(text: string): V | undefined {
    return this.#entries.get(text)?.value;
  }

  /** Remembers `value` for `text`; `extraChars` is the size of what the value holds (strings). */
  set(text: string, value: V, extraChars = 0): void {
    const chars = text.length + extraChars;
    if (chars > this.maxChars / 16 || this.#entries.has(text)) return;
    this.#entries.set(text, { value, chars });
    this.#chars += chars;
    while (this.#chars > this.maxChars) {
      const [oldest, entry] = this.#entries.entries().next().value as [string, { chars: number }];
      this.#entries.delete(oldest);
      this.#chars -= entry.chars;
    }
  }

  get size(): number {
    return this.#entries.size;
  }
}
