/**
 * An in-memory PayloadStore: for the SDK's local client, tests, and single-process use.
 * Honours the retention window: after `expiresAt` the id answers "expired" while its
 * tombstone is kept (`tombstoneSeconds`), then "missing". Content is dropped at expiry.
 */
import type { PayloadLookup, PayloadReplay, PayloadStore, StoredPayload } from './store.js';

export interface MemoryPayloadStoreOptions {
  /** How long an expired id keeps answering 410 before it answers 404. Default 7 days. */
  tombstoneSeconds?: number;
  /** Clock (epoch ms), for tests. */
  now?: () => number;
}

interface Entry {
  /** null once expired: only the tombstone remains. */
  payload: StoredPayload | null;
  tenant: string;
  expiresAt: number;
  replays: PayloadReplay[];
}

export class MemoryPayloadStore implements PayloadStore {
  readonly #entries = new Map<string, Entry>();
  readonly #tombstoneMs: number;
  readonly #now: () => number;
  #puts = 0;

  constructor(options: MemoryPayloadStoreOptions = {}) {
    this.#tombstoneMs = (options.tombstoneSeconds ?? 7 * 86_400) * 1000;
    this.#now = options.now ?? Date.now;
  }

  async put(payload: StoredPayload): Promise<void> {
    const { json: _serialised, ...record } = payload;
    this.#entries.set(payload.id, { payload: structuredClone(record), tenant: payload.tenant, expiresAt: payload.expiresAt, replays: [] });
    // Sweep now and then so a long-lived process does not grow without bound.
    if (++this.#puts % 1024 === 0) this.sweep();
  }

  async get(tenant: string, id: string, now = this.#now()): Promise<PayloadLookup> {
    const entry = this.#entries.get(id);
    if (!entry || entry.tenant !== tenant) return { status: 'missing' };
    const state = this.#state(entry, now);
    if (state === 'gone') {
      this.#entries.delete(id);
      return { status: 'missing' };
    }
    if (state === 'expired') {
      entry.payload = null;
      return { status: 'expired' };
    }
    return { status: 'found', payload: structuredClone(entry.payload!) };
  }

  async recordReplay(tenant: string, id: string, replay: PayloadReplay): Promise<void> {
    const entry = this.#entries.get(id);
    if (entry && entry.tenant === tenant) entry.replays.push(structuredClone(replay));
  }

  /** The replays recorded for a payload (audit). */
  replays(tenant: string, id: string): PayloadReplay[] {
    const entry = this.#entries.get(id);
    return entry && entry.tenant === tenant ? structuredClone(entry.replays) : [];
  }

  /** Drops expired content and tombstones past their retention. */
  sweep(now = this.#now()): void {
    for (const [id, entry] of this.#entries) {
      const state = this.#state(entry, now);
      if (state === 'gone') this.#entries.delete(id);
      else if (state === 'expired') entry.payload = null;
    }
  }

  get size(): number {
    return this.#entries.size;
  }

  async close(): Promise<void> {
    this.#entries.clear();
  }

  #state(entry: Entry, now: number): 'live' | 'expired' | 'gone' {
    if (now < entry.expiresAt) return 'live';
    return now < entry.expiresAt + this.#tombstoneMs ? 'expired' : 'gone';
  }
}
