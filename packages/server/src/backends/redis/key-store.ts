/**
 * KeyStore on Redis, so every replica of a fleet accepts the same keys and a revocation takes
 * effect everywhere at once. A key is stored only as its SHA-256: the record is a hash at
 * `{keys}:h:<sha256>`, so verifying a presented key is a single HGETALL.
 */
import { digestsEqual, generateApiKey, generateKeyId, hashApiKey, keyDisplayPrefix, assertTenantMayHaveKeys } from '../keys.js';
import type { ApiKeyRecord, KeyStore } from '../types.js';
import { guarded, type RedisClient } from './connection.js';
import { Keyspace } from './keyspace.js';
import { LuaScript } from './script.js';

// Sets revokedAt once (a second revoke keeps the first instant). KEYS[1] record; ARGV[1] now.
const REVOKE = new LuaScript(`
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
if redis.call('HGET', KEYS[1], 'revokedAt') == '' then redis.call('HSET', KEYS[1], 'revokedAt', ARGV[1]) end
return 1
`);

/** Redis implementation of the API key store contract. */
export class RedisKeyStore implements KeyStore {
  readonly #redis: RedisClient;
  readonly #keys: Keyspace;

  constructor(redis: RedisClient, keyspace = new Keyspace()) {
    this.#redis = redis;
    this.#keys = keyspace;
  }

  async create(tenant: string): Promise<{ key: string; record: ApiKeyRecord }> {
    assertTenantMayHaveKeys(tenant);
    const key = generateApiKey();
    const hash = hashApiKey(key);
    const record: ApiKeyRecord = { id: generateKeyId(), tenant, prefix: keyDisplayPrefix(key), createdAt: Date.now(), revokedAt: null };
    await guarded('create key', async () => {
      const results = await this.#redis
        .multi()
        .hset(this.#keys.apiKey(hash), { id: record.id, tenant, prefix: record.prefix, hash, createdAt: String(record.createdAt), revokedAt: '' })
        .set(this.#keys.apiKeyId(record.id), hash)
        .zadd(this.#keys.apiKeyIndex(), record.createdAt, hash)
        .exec();
      const failed = results?.find(([error]) => error);
      if (!results || failed) throw failed?.[0] ?? new Error('transaction aborted');
    });
    return { key, record };
  }

  async list(): Promise<ApiKeyRecord[]> {
    return guarded('list keys', async () => {
      const hashes = await this.#redis.zrange(this.#keys.apiKeyIndex(), 0, -1);
      if (hashes.length === 0) return [];
      const pipeline = this.#redis.pipeline();
      for (const hash of hashes) pipeline.hgetall(this.#keys.apiKey(hash));
      const rows = (await pipeline.exec()) ?? [];
      return rows.flatMap(([error, fields]) => {
        if (error) throw error;
        const record = toRecord(fields as Record<string, string>);
        return record ? [record] : [];
      });
    });
  }

  async revoke(idOrKey: string): Promise<boolean> {
    return guarded('revoke key', async () => {
      const hash = idOrKey.startsWith('key_') ? await this.#redis.get(this.#keys.apiKeyId(idOrKey)) : hashApiKey(idOrKey);
      if (!hash) return false;
      return (await REVOKE.run(this.#redis, [this.#keys.apiKey(hash)], [Date.now()])) === 1;
    });
  }

  /** The record of a presented key (revoked ones too, with `revokedAt`), or null when unknown. */
  async verify(key: string): Promise<ApiKeyRecord | null> {
    const hash = hashApiKey(key);
    const fields = await guarded('verify key', () => this.#redis.hgetall(this.#keys.apiKey(hash)));
    if (!fields.hash || !digestsEqual(fields.hash, hash)) return null;
    return toRecord(fields);
  }

  /** How many keys exist, revoked ones included. */
  async count(): Promise<number> {
    return guarded('count keys', () => this.#redis.zcard(this.#keys.apiKeyIndex()));
  }

  async close(): Promise<void> {}
}

function toRecord(fields: Record<string, string>): ApiKeyRecord | null {
  if (!fields.id || !fields.tenant) return null;
  return {
    id: fields.id,
    tenant: fields.tenant,
    prefix: fields.prefix ?? '',
    createdAt: Number(fields.createdAt),
    revokedAt: fields.revokedAt ? Number(fields.revokedAt) : null,
  };
}
