/** KeyStore on SQLite: keys are stored as SHA-256 hashes; plaintext is shown once at creation. */
import { digestsEqual, generateApiKey, generateKeyId, hashApiKey, keyDisplayPrefix, looksLikeApiKey, assertTenantMayHaveKeys } from '../keys.js';
import type { ApiKeyRecord, KeyStore } from '../types.js';
import { guarded, type Db } from './db.js';

interface KeyRow {
  id: string;
  tenant: string;
  hash: string;
  prefix: string;
  created_at: number;
  revoked_at: number | null;
}

const toRecord = (row: KeyRow): ApiKeyRecord => ({ id: row.id, tenant: row.tenant, prefix: row.prefix, createdAt: row.created_at, revokedAt: row.revoked_at });

/** Verified keys kept in memory at most (more are looked up every time). */
const MAX_REMEMBERED_KEYS = 10_000;
/** How stale a remembered key may get when another process changes the keys. */
export const VERSION_CHECK_MS = 50;

export class SqliteKeyStore implements KeyStore {
  readonly #db: Db;
  readonly #byHash;
  readonly #dataVersion;
  /**
   * Rows of recently verified keys by hash. Every request presents a key, and the rows almost
   * never change: they are trusted until the database changes. SQLite's data_version moves
   * whenever another connection commits (a `kaizen keys` command, another server process); it
   * is read at most every VERSION_CHECK_MS, so such a revocation applies within that time.
   * This store's own writes forget the rows at once.
   */
  readonly #remembered = new Map<string, KeyRow>();
  #seenVersion = -1;
  #checkedAt = -Infinity;

  constructor(db: Db) {
    this.#db = db;
    this.#byHash = db.prepare<[string], KeyRow>('SELECT * FROM api_keys WHERE hash = ?');
    this.#dataVersion = db.prepare<[], number>('PRAGMA data_version').pluck();
  }

  async create(tenant: string): Promise<{ key: string; record: ApiKeyRecord }> {
    assertTenantMayHaveKeys(tenant);
    const key = generateApiKey();
    const row: KeyRow = { id: generateKeyId(), tenant, hash: hashApiKey(key), prefix: keyDisplayPrefix(key), created_at: Date.now(), revoked_at: null };
    this.#remembered.clear();
    guarded(() =>
      this.#db.prepare('INSERT INTO api_keys (id, tenant, hash, prefix, created_at, revoked_at) VALUES (@id, @tenant, @hash, @prefix, @created_at, @revoked_at)').run(row),
    );
    return { key, record: toRecord(row) };
  }

  async list(): Promise<ApiKeyRecord[]> {
    return guarded(() => this.#db.prepare<[], KeyRow>('SELECT * FROM api_keys ORDER BY created_at, id').all()).map(toRecord);
  }

  async revoke(idOrKey: string): Promise<boolean> {
    const now = Date.now();
    this.#remembered.clear();
    const result = guarded(() =>
      looksLikeApiKey(idOrKey)
        ? this.#db.prepare('UPDATE api_keys SET revoked_at = ? WHERE hash = ? AND revoked_at IS NULL').run(now, hashApiKey(idOrKey))
        : this.#db.prepare('UPDATE api_keys SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL').run(now, idOrKey),
    );
    return result.changes > 0;
  }

  async verify(key: string): Promise<ApiKeyRecord | null> {
    if (!looksLikeApiKey(key)) return null;
    const hash = hashApiKey(key);
    let row = this.#rememberedRow(hash);
    if (!row) {
      row = guarded(() => this.#byHash.get(hash));
      if (row && this.#remembered.size < MAX_REMEMBERED_KEYS) this.#remembered.set(hash, row);
    }
    // The lookup is by hash; the explicit constant-time comparison guards against any
    // collation or index surprise ever matching a different digest.
    if (!row || !digestsEqual(row.hash, hash)) return null;
    return toRecord(row);
  }

  #rememberedRow(hash: string): KeyRow | undefined {
    const now = performance.now();
    if (now - this.#checkedAt >= VERSION_CHECK_MS) {
      this.#checkedAt = now;
      const version = guarded(() => this.#dataVersion.get());
      if (version !== this.#seenVersion) {
        this.#remembered.clear();
        this.#seenVersion = version ?? -1;
      }
    }
    return this.#remembered.get(hash);
  }

  async count(): Promise<number> {
    return guarded(() => (this.#db.prepare('SELECT COUNT(*) AS n FROM api_keys').get() as { n: number }).n);
  }

  async close(): Promise<void> {}
}
