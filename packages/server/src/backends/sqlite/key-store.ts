/** KeyStore on SQLite: keys are stored as SHA-256 hashes; plaintext is shown once at creation. */
import { digestsEqual, generateApiKey, generateKeyId, hashApiKey, keyDisplayPrefix, looksLikeApiKey } from '../keys.js';
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

export class SqliteKeyStore implements KeyStore {
  readonly #db: Db;
  readonly #byHash;

  constructor(db: Db) {
    this.#db = db;
    this.#byHash = db.prepare<[string], KeyRow>('SELECT * FROM api_keys WHERE hash = ?');
  }

  async create(tenant: string): Promise<{ key: string; record: ApiKeyRecord }> {
    const key = generateApiKey();
    const row: KeyRow = { id: generateKeyId(), tenant, hash: hashApiKey(key), prefix: keyDisplayPrefix(key), created_at: Date.now(), revoked_at: null };
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
    const row = guarded(() => this.#byHash.get(hash));
    // The lookup is by hash; the explicit constant-time comparison guards against any
    // collation or index surprise ever matching a different digest.
    if (!row || !digestsEqual(row.hash, hash)) return null;
    return toRecord(row);
  }

  async count(): Promise<number> {
    return guarded(() => (this.#db.prepare('SELECT COUNT(*) AS n FROM api_keys').get() as { n: number }).n);
  }

  async close(): Promise<void> {}
}
