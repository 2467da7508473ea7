/**
 * Key names of the Redis backends. Everything of one tenant shares a hash tag, `{t:<tenant>}`,
 * so a payload, its tombstone, its replays and the tenant's rate bucket live in one Redis
 * Cluster slot (multi-key scripts and MULTI stay legal). The tenant is percent-encoded, so a
 * tenant name can never break out of its tag or collide with another tenant's keys.
 */
export class Keyspace {
  constructor(readonly prefix = 'kz:') {}

  #tenant(tenant: string): string {
    return `${this.prefix}{t:${encodeURIComponent(tenant)}}`;
  }

  /** The payload itself (JSON), expiring at its `expiresAt`. */
  payload(tenant: string, id: string): string {
    return `${this.#tenant(tenant)}:p:${id}`;
  }

  /** The tombstone (value: `expiresAt`), outliving the payload so the id answers 410, then 404. */
  tombstone(tenant: string, id: string): string {
    return `${this.#tenant(tenant)}:x:${id}`;
  }

  /** The audit list of replays (prompts.decode by id). */
  replays(tenant: string, id: string): string {
    return `${this.#tenant(tenant)}:r:${id}`;
  }

  /** Beside the replay list: the bytes each record counts (a list in the same order) and their total. */
  replaySizes(tenant: string, id: string): string {
    return `${this.#tenant(tenant)}:rs:${id}`;
  }

  replayBytes(tenant: string, id: string): string {
    return `${this.#tenant(tenant)}:rb:${id}`;
  }

  /** The tenant's token bucket. */
  rateBucket(tenant: string): string {
    return `${this.#tenant(tenant)}:rl`;
  }

  /** An API key record, by the SHA-256 of the key. All key data shares the `{keys}` tag. */
  apiKey(hash: string): string {
    return `${this.prefix}{keys}:h:${hash}`;
  }

  /** Public key id -> key hash, for revoking by id. */
  apiKeyId(id: string): string {
    return `${this.prefix}{keys}:id:${id}`;
  }

  /** Sorted set of every key hash, scored by creation time (for listing). */
  apiKeyIndex(): string {
    return `${this.prefix}{keys}:all`;
  }
}
