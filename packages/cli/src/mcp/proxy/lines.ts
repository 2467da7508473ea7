/**
 * Newline-delimited framing of the MCP stdio transport, byte for byte: each line comes out as
 * the exact bytes that arrived (a trailing `\r` included), so a message passed on is identical.
 * Chunks are kept as they arrive and joined once per line, so a 5 MB message costs one copy.
 */
const LF = 0x0a;

export class LineSplitter {
  #parts: Buffer[] = [];
  #size = 0;

  constructor(private readonly onLine: (line: Buffer) => void) {}

  /** Feeds bytes; calls onLine for every line they complete. */
  push(chunk: Buffer): void {
    let start = 0;
    for (let end = chunk.indexOf(LF, start); end !== -1; end = chunk.indexOf(LF, start)) {
      const piece = chunk.subarray(start, end);
      const line = this.#parts.length === 0 ? piece : Buffer.concat([...this.#parts, piece], this.#size + piece.length);
      this.#parts = [];
      this.#size = 0;
      start = end + 1;
      if (line.length > 0) this.onLine(line);
    }
    if (start < chunk.length) {
      this.#parts.push(chunk.subarray(start));
      this.#size += chunk.length - start;
    }
  }

  /** Bytes of an unfinished last line (a peer that ended without a final newline). */
  rest(): Buffer | undefined {
    return this.#size > 0 ? Buffer.concat(this.#parts, this.#size) : undefined;
  }
}
