/**
 * A small LRU cache bounded by entry count and by total size (characters of key + value),
 * used to answer identical encode calls without a round trip. A Map keeps insertion order,
 * so re-inserting on read makes the first key the least recently used.
 */
import { parseJson, stringifyJson } from '@kaizen/ktof';

export interface ResponseCacheOptions {
  /** Most entries kept (default 256). */
  maxEntries?: number;
  /** Most UTF-16 code units of keys + serialized values kept (default 8 MiB worth). */
  maxSize?: number;
  /** Seconds an entry stays valid (default: until evicted). */
  ttl?: number;
}

interface Entry {
  text: string;
  size: number;
  expiresAt: number;
}

export class ResponseCache {
  private readonly entries = new Map<string, Entry>();
  private size = 0;
  private readonly maxEntries: number;
  private readonly maxSize: number;
  private readonly ttlMs: number;
  hits = 0;
  misses = 0;

  constructor(options: ResponseCacheOptions = {}) {
    this.maxEntries = Math.max(1, options.maxEntries ?? 256);
    this.maxSize = Math.max(1, options.maxSize ?? 8 * 1024 * 1024);
    this.ttlMs = options.ttl !== undefined ? options.ttl * 1000 : Number.POSITIVE_INFINITY;
  }

  /** A fresh copy of the cached value (callers may mutate what they get). */
  get<T>(key: string, now: number = Date.now()): T | undefined {
    const entry = this.entries.get(key);
    if (!entry || entry.expiresAt <= now) {
      if (entry) this.delete(key, entry);
      this.misses++;
      return undefined;
    }
    this.entries.delete(key);
    this.entries.set(key, entry);
    this.hits++;
    return parseJson(entry.text) as T;
  }

  set(key: string, value: unknown, now: number = Date.now()): void {
    const text = stringifyJson(value);
    const size = key.length + text.length;
    if (size > this.maxSize) return; // one oversized entry must not flush everything else
    const old = this.entries.get(key);
    if (old) this.delete(key, old);
    this.entries.set(key, { text, size, expiresAt: now + this.ttlMs });
    this.size += size;
    for (const [oldest, entry] of this.entries) {
      if (this.entries.size <= this.maxEntries && this.size <= this.maxSize) break;
      this.delete(oldest, entry);
    }
  }

  get length(): number {
    return this.entries.size;
  }

  clear(): void {
    this.entries.clear();
    this.size = 0;
  }

  private delete(key: string, entry: Entry): void {
    this.entries.delete(key);
    this.size -= entry.size;
  }
}
