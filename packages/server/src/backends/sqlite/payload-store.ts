/**
 * PayloadStore on SQLite. Writes from concurrent requests are queued and committed together
 * in one transaction on the next turn of the event loop (group commit): `put` resolves only
 * after that commit, so a 200 is never sent for a payload that is not on disk.
 */
import { MAX_REPLAY_BYTES_PER_PAYLOAD, MAX_REPLAYS_PER_PAYLOAD } from '@kaizen/core';
import { parseJson, stringifyJson } from '@kaizen/ktof';
import type { PayloadLookup, PayloadReplay, PayloadStore, StoredPayload } from '../types.js';
import { replayRecordBytes, replayTexts } from '../replay-size.js';
import { guarded, type Db } from './db.js';

type Write = { kind: 'payload'; payload: StoredPayload } | { kind: 'replay'; tenant: string; id: string; replay: PayloadReplay };

interface Pending {
  write: Write;
  resolve: () => void;
  reject: (error: unknown) => void;
}

interface Row {
  tenant: string;
  encoded: string | null;
  original: string | null;
  metadata: string | null;
  meta: string | null;
  created_at: number;
  expires_at: number;
}

// Numbers beyond what a JS number holds were written with their digits; read them back as KtofNumbers.
const parse = (text: string | null): any => (text === null ? null : parseJson(text));

export class SqlitePayloadStore implements PayloadStore {
  readonly #db: Db;
  readonly #tombstoneMs: number;
  readonly #insert;
  readonly #insertReplay;
  readonly #trimReplays;
  readonly #select;
  readonly #expireContent;
  readonly #deleteGone;
  readonly #deleteGoneReplays;
  readonly #commit;
  #queue: Pending[] = [];
  #scheduled = false;
  #sweeper: ReturnType<typeof setInterval> | undefined;

  constructor(db: Db, options: { tombstoneSeconds: number; sweepIntervalMs?: number }) {
    this.#db = db;
    this.#tombstoneMs = options.tombstoneSeconds * 1000;
    this.#insert = db.prepare(
      'INSERT INTO payloads (id, tenant, encoded, original, metadata, meta, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
    );
    this.#insertReplay = db.prepare(
      'INSERT INTO payload_replays (payload_id, tenant, at, request_id, replay_meta, metadata, bytes) SELECT ?, ?, ?, ?, ?, ?, ? WHERE EXISTS (SELECT 1 FROM payloads WHERE id = ? AND tenant = ?)',
    );
    // Newest first, the records past MAX_REPLAYS_PER_PAYLOAD or past MAX_REPLAY_BYTES_PER_PAYLOAD in
    // total (each counting replayRecordBytes, as on Redis): reads append records, and nothing else
    // would bound them.
    this.#trimReplays = db.prepare(
      `DELETE FROM payload_replays WHERE rowid IN (
         SELECT rowid FROM (
           SELECT rowid, ROW_NUMBER() OVER w AS n,
                  SUM(bytes) OVER w AS total
           FROM payload_replays WHERE payload_id = ? AND tenant = ? WINDOW w AS (ORDER BY rowid DESC)
         ) WHERE n > ? OR total > ?)`,
    );
    this.#select = db.prepare<[string], Row>('SELECT tenant, encoded, original, metadata, meta, created_at, expires_at FROM payloads WHERE id = ?');
    this.#expireContent = db.prepare(
      'UPDATE payloads SET encoded = NULL, original = NULL, metadata = NULL, meta = NULL WHERE expires_at <= ? AND original IS NOT NULL',
    );
    this.#deleteGoneReplays = db.prepare('DELETE FROM payload_replays WHERE payload_id IN (SELECT id FROM payloads WHERE expires_at <= ?)');
    this.#deleteGone = db.prepare('DELETE FROM payloads WHERE expires_at <= ?');
    this.#commit = db.transaction((batch: Pending[]) => {
      for (const { write } of batch) {
        if (write.kind === 'payload') {
          const p = write.payload;
          this.#insert.run(
            p.id,
            p.tenant,
            p.json?.encoded ?? stringifyJson(p.encoded),
            p.json?.original ?? stringifyJson(p.original),
            stringifyJson(p.metadata),
            stringifyJson(p.meta),
            p.createdAt,
            p.expiresAt,
          );
        } else {
          const r = write.replay;
          const texts = replayTexts(r);
          this.#insertReplay.run(write.id, write.tenant, r.at, r.requestId, texts.replayMeta, texts.metadata, replayRecordBytes(texts), write.id, write.tenant);
          this.#trimReplays.run(write.id, write.tenant, MAX_REPLAYS_PER_PAYLOAD, MAX_REPLAY_BYTES_PER_PAYLOAD);
        }
      }
    });
    const interval = options.sweepIntervalMs ?? 60_000;
    if (interval > 0) {
      this.#sweeper = setInterval(() => {
        try {
          this.sweep();
        } catch {
          // A failed sweep is retried next interval; requests are unaffected.
        }
      }, interval);
      this.#sweeper.unref();
    }
  }

  put(payload: StoredPayload): Promise<void> {
    return this.#enqueue({ kind: 'payload', payload });
  }

  async get(tenant: string, id: string, now = Date.now()): Promise<PayloadLookup> {
    const row = guarded(() => this.#select.get(id));
    if (!row || row.tenant !== tenant) return { status: 'missing' };
    if (now >= row.expires_at) return now < row.expires_at + this.#tombstoneMs ? { status: 'expired' } : { status: 'missing' };
    if (row.original === null) return { status: 'expired' };
    return {
      status: 'found',
      payload: {
        id,
        tenant,
        encoded: parse(row.encoded),
        original: parse(row.original),
        metadata: parse(row.metadata) ?? {},
        meta: parse(row.meta) ?? {},
        createdAt: row.created_at,
        expiresAt: row.expires_at,
      },
    };
  }

  recordReplay(tenant: string, id: string, replay: PayloadReplay): Promise<void> {
    return this.#enqueue({ kind: 'replay', tenant, id, replay });
  }

  /** The replays recorded for a payload (audit). */
  replays(tenant: string, id: string): PayloadReplay[] {
    const rows = guarded(() =>
      this.#db
        .prepare<[string, string], { at: number; request_id: string; replay_meta: string | null; metadata: string | null }>(
          'SELECT at, request_id, replay_meta, metadata FROM payload_replays WHERE payload_id = ? AND tenant = ? ORDER BY rowid',
        )
        .all(id, tenant),
    );
    return rows.map((r) => ({ at: r.at, requestId: r.request_id, replayMeta: parse(r.replay_meta), metadata: parse(r.metadata) }));
  }

  /** Deletes the content of expired payloads and the rows whose tombstone has lapsed. */
  sweep(now = Date.now()): void {
    guarded(() =>
      this.#db.transaction(() => {
        this.#expireContent.run(now);
        this.#deleteGoneReplays.run(now - this.#tombstoneMs);
        this.#deleteGone.run(now - this.#tombstoneMs);
      })(),
    );
  }

  async close(): Promise<void> {
    if (this.#sweeper) clearInterval(this.#sweeper);
    this.#flush();
  }

  #enqueue(write: Write): Promise<void> {
    return new Promise((resolve, reject) => {
      this.#queue.push({ write, resolve, reject });
      if (!this.#scheduled) {
        this.#scheduled = true;
        setImmediate(() => this.#flush());
      }
    });
  }

  #flush(): void {
    this.#scheduled = false;
    const batch = this.#queue;
    if (batch.length === 0) return;
    this.#queue = [];
    try {
      guarded(() => this.#commit(batch));
    } catch (error) {
      if (batch.length > 1) {
        // One bad write must not fail its neighbours: retry them one by one.
        for (const item of batch) {
          try {
            guarded(() => this.#commit([item]));
            item.resolve();
          } catch (single) {
            item.reject(single);
          }
        }
        return;
      }
      batch[0]!.reject(error);
      return;
    }
    for (const item of batch) item.resolve();
  }
}
