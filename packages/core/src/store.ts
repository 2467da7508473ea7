/**
 * The payload store contract shared by every backend (memory here; SQLite and Redis in
 * @kaizen/server). A payload is visible only to the tenant that stored it.
 */
export interface StoredPayload {
  /** Unguessable id, `kz_` + 128 random bits (base62/base64url). */
  id: string;
  tenant: string;
  /** The encoded prompt returned by prompts.encode: KTOF text, or a chat request whose contents are KTOF. */
  encoded: unknown;
  /** The prompt exactly as received; prompts.decode by id returns it, so nothing is ever lost. */
  original: unknown;
  /** Caller metadata at encode time plus the server's audit fields (never overwritten). */
  metadata: Record<string, unknown>;
  /** What encoding found (detections, schemas used, format version). */
  meta: Record<string, unknown>;
  /** Epoch milliseconds. */
  createdAt: number;
  /** Epoch milliseconds after which the id answers 410 (gone). */
  expiresAt: number;
  /**
   * `JSON.stringify` of `original` / `encoded`, when the caller already has it (the engine
   * serialises both to measure them): a store that keeps JSON text uses it instead of
   * serialising the same value again. Not part of the stored record.
   */
  json?: { original?: string; encoded?: string };
}

/** An audit record of one prompts.decode of a stored payload. */
export interface PayloadReplay {
  at: number;
  requestId: string;
  replayMeta: Record<string, unknown> | null;
  metadata: Record<string, unknown> | null;
}

export type PayloadLookup =
  | { status: 'found'; payload: StoredPayload }
  /** The retention window passed and a tombstone remains: answer 410. */
  | { status: 'expired' }
  /** Never existed, another tenant's, or the tombstone is gone too: answer 404. */
  | { status: 'missing' };

export interface PayloadStore {
  /** Resolves only once the payload is durable (the 200 may be sent after this). */
  put(payload: StoredPayload): Promise<void>;
  get(tenant: string, id: string, now?: number): Promise<PayloadLookup>;
  recordReplay(tenant: string, id: string, replay: PayloadReplay): Promise<void>;
  close(): Promise<void>;
}
