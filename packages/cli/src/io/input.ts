/** Where input comes from: files named on the command line, or stdin. */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { dataError, usageError } from '../exit.js';

/** One input: a file, or stdin (`path` undefined). `name` is what messages call it. */
export interface Source {
  name: string;
  path: string | undefined;
  /** Size in bytes when known before reading (files). */
  size: number | undefined;
}

/** The name stdin goes by in messages. */
export const STDIN_NAME = '<stdin>';

/** Turns FILE... arguments into sources: none or "-" means stdin (at most once). Missing files fail here, before anything is written. */
export async function resolveSources(args: readonly string[]): Promise<Source[]> {
  if (args.length === 0) return [{ name: STDIN_NAME, path: undefined, size: undefined }];
  if (args.filter((a) => a === '-').length > 1) throw usageError('stdin ("-") can be read only once');
  const sources: Source[] = [];
  for (const arg of args) {
    if (arg === '-') {
      sources.push({ name: STDIN_NAME, path: undefined, size: undefined });
      continue;
    }
    let info;
    try {
      info = await stat(arg);
    } catch (error) {
      throw readError(error, arg);
    }
    if (info.isDirectory()) throw dataError('is a directory; name the files inside it (e.g. dir/*.json)', arg);
    sources.push({ name: arg, path: arg, size: info.size });
  }
  return sources;
}

/** A read failure as a data error naming the file. */
function readError(error: unknown, name: string) {
  const code = (error as NodeJS.ErrnoException).code;
  const reason =
    code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : code === 'EISDIR' ? 'is a directory' : `cannot read (${(error as Error).message})`;
  return dataError(reason, name);
}

/**
 * The text of a source as UTF-8 chunks (a leading byte order mark dropped), reading a file or
 * stdin as it arrives. `onBytes` is told how many bytes each chunk held (for progress bars).
 */
export async function* readChunks(source: Source, onBytes?: (bytes: number) => void): AsyncGenerator<string> {
  if (source.path === undefined && process.stdin.isTTY) process.stderr.write('kaizen: reading from the terminal; end with Ctrl-D, or pass a FILE\n');
  const stream = source.path === undefined ? process.stdin : createReadStream(source.path, { highWaterMark: 1 << 20 });
  const decoder = new TextDecoder('utf-8', { ignoreBOM: false });
  try {
    for await (const chunk of stream as AsyncIterable<Buffer | string>) {
      const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
      onBytes?.(bytes.length);
      const text = decoder.decode(bytes, { stream: true });
      if (text) yield text;
    }
  } catch (error) {
    throw readError(error, source.name);
  }
  const rest = decoder.decode();
  if (rest) yield rest;
}

/** The whole text of a source. */
export async function readText(source: Source, onBytes?: (bytes: number) => void): Promise<string> {
  const parts: string[] = [];
  for await (const chunk of readChunks(source, onBytes)) parts.push(chunk);
  return parts.join('');
}
