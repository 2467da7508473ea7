/**
 * API key material shared by every KeyStore: generation, hashing, constant-time comparison.
 * Keys are `kzk_` + 192 random bits (base64url); only their SHA-256 is ever stored.
 */
import * as crypto from 'node:crypto';
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** Recognisable prefix of Kaizen API keys (secret scanners can match `kzk_[A-Za-z0-9_-]{32}`). */
export const API_KEY_PREFIX = 'kzk_';
const KEY_PATTERN = /^kzk_[A-Za-z0-9_-]{32}$/;

/** The tenant of keyless loopback requests (--anonymous-loopback): no key may belong to it. */
export const ANONYMOUS_TENANT = 'local';

/** Why no key may be created for `tenant`, or undefined when one may. */
export function reservedTenantProblem(tenant: string): string | undefined {
  if (tenant.toLowerCase() !== ANONYMOUS_TENANT) return undefined;
  return `tenant "${tenant}" is reserved for keyless requests from this machine (--anonymous-loopback); a key for it would share their payloads and rate limit. Choose another name.`;
}

/** Throws when no key may be created for `tenant` (every KeyStore's create calls it). */
export function assertTenantMayHaveKeys(tenant: string): void {
  const problem = reservedTenantProblem(tenant);
  if (problem) throw new Error(problem);
}

/** A new random API key. */
export function generateApiKey(): string {
  return API_KEY_PREFIX + randomBytes(24).toString('base64url');
}

/** A new public key id (safe to print and to revoke by). */
export function generateKeyId(): string {
  return 'key_' + randomBytes(8).toString('hex');
}

// One-shot hashing (Node 20.12+) is 3x cheaper than a Hash object, and every request hashes its key.
const oneShot = (crypto as { hash?: (algorithm: string, data: string, encoding: 'hex') => string }).hash;

/** Hex SHA-256 of a key: what stores keep. */
export function hashApiKey(key: string): string {
  return oneShot ? oneShot('sha256', key, 'hex') : createHash('sha256').update(key).digest('hex');
}

/** The first characters of a key, for recognising it in lists. */
export function keyDisplayPrefix(key: string): string {
  return key.slice(0, API_KEY_PREFIX.length + 6);
}

/** True when the text has the shape of a Kaizen key (cheap pre-check before hashing). */
export function looksLikeApiKey(text: string): boolean {
  return KEY_PATTERN.test(text);
}

/** Constant-time equality of two hex digests. */
export function digestsEqual(a: string, b: string): boolean {
  const left = Buffer.from(a, 'hex');
  const right = Buffer.from(b, 'hex');
  return left.length === right.length && timingSafeEqual(left, right);
}
