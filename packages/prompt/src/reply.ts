/**
 * Reading a model's reply: a whole-KTOF reply or a fenced ```ktof block becomes JSON; a reply
 * without KTOF comes back as text with isKtof=false (never an error). ReplyStreamDecoder does
 * the same over a streamed reply, decoding each ```ktof block as soon as its fence closes.
 */
import { decode, type DecodeOptions, type JsonValue } from '@kaizen/ktof';

export interface DecodedReply {
  /** true when KTOF was found and decoded; false when the reply is returned as text. */
  isKtof: boolean;
  value: JsonValue;
  source: 'whole' | 'fenced' | 'none';
}

const KTOF_FENCE = /(?:^|\n)[ \t]*```ktof\b[^\n]*\n/g;

/** Decodes a model reply that holds KTOF (whole text or a ```ktof block); otherwise returns the text. */
export function decodeReply(text: string, options: DecodeOptions = {}): DecodedReply {
  return readReply(text, options);
}

/** What decoding a text gave: its value, or undefined when it is not KTOF. */
export interface KnownDecode {
  text: string;
  value: JsonValue | undefined;
}

/**
 * decodeReply, for a caller that has already decoded some text with the same options (`known`):
 * when the reply's trimmed text is that text, its outcome is used instead of decoding it again.
 */
export function readReply(text: string, options: DecodeOptions = {}, known?: KnownDecode): DecodedReply {
  for (const body of ktofBlocks(text)) {
    const value = tryDecode(body, options);
    if (value !== undefined) return { isKtof: true, value, source: 'fenced' };
  }
  const trimmed = text.trim();
  if (trimmed !== '' && !trimmed.startsWith('```')) {
    const value = known?.text === trimmed ? known.value : tryDecode(trimmed, options);
    // Only a structure counts: any prose would otherwise "decode" as one string.
    if (value !== undefined && typeof value === 'object' && value !== null) return { isKtof: true, value, source: 'whole' };
  }
  return { isKtof: false, value: text, source: 'none' };
}

function* ktofBlocks(text: string): Generator<string> {
  for (const open of text.matchAll(KTOF_FENCE)) {
    const start = open.index + open[0].length;
    const close = text.indexOf('```', start);
    const end = close < 0 ? text.length : close;
    yield text.slice(start, end).replace(/\n[ \t]*$/, '');
  }
}

function tryDecode(text: string, options: DecodeOptions): JsonValue | undefined {
  try {
    return decode(text, options);
  } catch {
    return undefined;
  }
}

/** An event from ReplyStreamDecoder: a ```ktof block that closed and decoded (or failed to). */
export type ReplyStreamEvent =
  | { type: 'block'; value: JsonValue; index: number }
  | { type: 'invalid-block'; text: string; index: number };

/**
 * Incremental reply reader: push() text deltas as they stream in; each ```ktof block is decoded
 * the moment its closing fence arrives, and end() gives the same answer decodeReply gives for
 * the whole text.
 */
export class ReplyStreamDecoder {
  private text = '';
  private scanned = 0;
  private body: string[] | undefined;
  private blocks = 0;

  constructor(private readonly options: DecodeOptions = {}) {}

  /** Feeds a chunk; returns the blocks completed by it. */
  push(chunk: string): ReplyStreamEvent[] {
    this.text += chunk;
    const events: ReplyStreamEvent[] = [];
    for (;;) {
      const newline = this.text.indexOf('\n', this.scanned);
      if (newline < 0) break;
      this.line(this.text.slice(this.scanned, newline), events);
      this.scanned = newline + 1;
    }
    return events;
  }

  /** Ends the stream: any block still open is decoded, then the reply is decoded as a whole. */
  end(): DecodedReply {
    return decodeReply(this.text, this.options);
  }

  /** Everything pushed so far. */
  get received(): string {
    return this.text;
  }

  private line(line: string, events: ReplyStreamEvent[]): void {
    const trimmed = line.trim();
    if (this.body === undefined) {
      if (/^```ktof\b/.test(trimmed)) this.body = [];
      return;
    }
    if (trimmed !== '```') {
      this.body.push(line);
      return;
    }
    const text = this.body.join('\n');
    this.body = undefined;
    const index = this.blocks++;
    const value = tryDecode(text, this.options);
    events.push(value === undefined ? { type: 'invalid-block', text, index } : { type: 'block', value, index });
  }
}
