/**
 * PayloadStore on Redis. A payload is a JSON string that expires at its `expiresAt` (PXAT, so
 * every replica agrees on the instant); beside it a tombstone lives `tombstoneSeconds` longer,
 * so an expired id answers 410 while the tombstone lives and 404 afterwards. Keys are scoped
 * by tenant: another tenant's id is simply a key that does not exist.
 */
import { MAX_REPLAY_BYTES_PER_PAYLOAD, MAX_REPLAYS_PER_PAYLOAD } from '@kaizen/core';
import { parseJson, RawJson, stringifyJson } from '@kaizen/ktof';
import type { PayloadLookup, PayloadReplay, PayloadStore, StoredPayload } from '../types.js';
import { replayRecordBytes, replayTexts } from '../replay-size.js';
import { guarded, type RedisClient } from './connection.js';
import { Keyspace } from './keyspace.js';
import { LuaScript } from './script.js';

export interface RedisPayloadStoreOptions {
  /** How long an expired id keeps answering 410 before it answers 404. Default 7 days. */
  tombstoneSeconds?: number;
  /**
   * After each put, wait until this many replicas acknowledged the write (WAIT), so a failover
   * cannot lose a payload whose 200 was sent. Default 0 (primary only; use AOF for durability).
   */
  waitReplicas?: number;
  /** Upper bound for that WAIT. Default 1000 ms. */
  waitTimeoutMs?: number;
  keyspace?: Keyspace;
}

/** Ids longer than this cannot be ours; they are answered "missing" without touching Redis. */
const MAX_ID_LENGTH = 128;
// Appends a replay only while the payload's tombstone exists (never resurrects a forgotten
// id), keeps the newest ARGV[4] records and at most ARGV[5] bytes of them (oldest dropped first:
// reads alone must not grow the store), and lets the lists expire with the tombstone. Beside the
// records (KEYS[2]) it keeps what each counts (KEYS[3], ARGV[2]: replayRecordBytes, as SQLite
// counts) and their total (KEYS[4]), so an append reads no record back: it pops sizes from the
// old end only while over a bound. A list written before sizes were kept is sized once, by its
// records' lengths (a little over what they count).
const APPEND_REPLAY = new LuaScript(`
local expires_at = redis.call('GET', KEYS[1])
if not expires_at then return 0 end
local count = redis.call('LLEN', KEYS[2])
local total = tonumber(redis.call('GET', KEYS[4]))
if total == nil or redis.call('LLEN', KEYS[3]) ~= count then
  redis.call('DEL', KEYS[3])
  total = 0
  if count > 0 then
    local items = redis.call('LRANGE', KEYS[2], 0, -1)
    local sizes = {}
    for i = 1, #items do
      sizes[i] = #items[i]
      total = total + sizes[i]
    end
    redis.call('RPUSH', KEYS[3], unpack(sizes))
  end
end
redis.call('RPUSH', KEYS[2], ARGV[1])
redis.call('RPUSH', KEYS[3], ARGV[2])
count = count + 1
total = total + tonumber(ARGV[2])
local dropped = 0
while count - dropped > tonumber(ARGV[4]) or (total > tonumber(ARGV[5]) and dropped < count) do
  total = total - tonumber(redis.call('LPOP', KEYS[3]))
  dropped = dropped + 1
end
if dropped > 0 then redis.call('LTRIM', KEYS[2], dropped, -1) end
redis.call('SET', KEYS[4], total)
local until_ms = tonumber(expires_at) + tonumber(ARGV[3])
for i = 2, 4 do redis.call('PEXPIREAT', KEYS[i], until_ms) end
return 1
`);

/** Redis implementation of the payload store contract. */
export class RedisPayloadStore implements PayloadStore {
  readonly #redis: RedisClient;
  readonly #keys: Keyspace;
  readonly #tombstoneMs: number;
  readonly #waitReplicas: number;
  readonly #waitTimeoutMs: number;

  constructor(redis: RedisClient, options: RedisPayloadStoreOptions = {}) {
    this.#redis = redis;
    this.#keys = options.keyspace ?? new Keyspace();
    this.#tombstoneMs = (options.tombstoneSeconds ?? 7 * 86_400) * 1000;
    this.#waitReplicas = options.waitReplicas ?? 0;
    this.#waitTimeoutMs = options.waitTimeoutMs ?? 1_000;
  }

  /** Resolves once Redis acknowledged both keys (and, with `waitReplicas`, that many replicas did). */
  async put(payload: StoredPayload): Promise<void> {
    const { tenant, id, expiresAt } = payload;
    const { json, ...record } = payload;
    // The JSON the engine already wrote (to measure the prompt) goes in as it is, as SQLite's store does.
    const body = stringifyJson({
      ...record,
      ...(json?.encoded !== undefined && { encoded: new RawJson(json.encoded) }),
      ...(json?.original !== undefined && { original: new RawJson(json.original) }),
    });
    await guarded('put', async () => {
      const results = await this.#redis
        .multi()
        .set(this.#keys.payload(tenant, id), body, 'PXAT', expiresAt)
        .set(this.#keys.tombstone(tenant, id), String(expiresAt), 'PXAT', expiresAt + this.#tombstoneMs)
        .exec();
      const failed = results?.find(([error]) => error);
      if (!results || failed) throw failed?.[0] ?? new Error('transaction aborted');
      if (this.#waitReplicas > 0) {
        const acked = await this.#redis.wait(this.#waitReplicas, this.#waitTimeoutMs);
        if (acked < this.#waitReplicas) throw new Error(`only ${acked} of ${this.#waitReplicas} replicas acknowledged the write`);
      }
    });
  }

  async get(tenant: string, id: string, now = Date.now()): Promise<PayloadLookup> {
    if (id.length > MAX_ID_LENGTH) return { status: 'missing' };
    const [body, tombstone] = await guarded('get', () =>
      this.#redis.mget(this.#keys.payload(tenant, id), this.#keys.tombstone(tenant, id)),
    );
    if (body != null) {
      const payload = parseJson(body) as StoredPayload;
      // Redis expires on its own clock; a caller's clock slightly ahead still sees 410.
      if (now < payload.expiresAt) return { status: 'found', payload };
      return now < payload.expiresAt + this.#tombstoneMs ? { status: 'expired' } : { status: 'missing' };
    }
    if (tombstone == null) return { status: 'missing' };
    return now < Number(tombstone) + this.#tombstoneMs ? { status: 'expired' } : { status: 'missing' };
  }

  async recordReplay(tenant: string, id: string, replay: PayloadReplay): Promise<void> {
    if (id.length > MAX_ID_LENGTH) return;
    await guarded('recordReplay', () =>
      APPEND_REPLAY.run(
        this.#redis,
        [this.#keys.tombstone(tenant, id), this.#keys.replays(tenant, id), this.#keys.replaySizes(tenant, id), this.#keys.replayBytes(tenant, id)],
        [stringifyJson(replay), replayRecordBytes(replayTexts(replay)), this.#tombstoneMs, MAX_REPLAYS_PER_PAYLOAD, MAX_REPLAY_BYTES_PER_PAYLOAD],
      ),
    );
  }

  /** The replays recorded for a payload, oldest first (audit). */
  async replays(tenant: string, id: string): Promise<PayloadReplay[]> {
    const items = await guarded('replays', () => this.#redis.lrange(this.#keys.replays(tenant, id), 0, -1));
    return items.map((item) => parseJson(item) as PayloadReplay);
  }

  /** The shared connection is closed by the backends bundle that owns it. */
  async close(): Promise<void> {}
}
