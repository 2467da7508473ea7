/**
 * API key material shared by every KeyStore (SQLite and Redis): generation, hashing and
 * constant-time comparison. Keys are random 256-bit secrets, so a single SHA-256 is the
 * right hash (no salt or slow KDF needed: there is nothing to brute-force).
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** Every API key starts with this, so leaked keys are easy to recognise and scan for. */
export const API_KEY_PREFIX = 'kz_sk_';
/** How many leading characters of a key are kept for display in `kaizen keys list`. */
export const API_KEY_DISPLAY_LENGTH = API_KEY_PREFIX.length + 6;

/** A new API key: `kz_sk_` + 32 random bytes in base64url (43 characters). */
export function generateApiKey(): string {
  return API_KEY_PREFIX + randomBytes(32).toString('base64url');
}

/** A new public key id (safe to print, log and revoke by): `key_` + 64 random bits in hex. */
export function generateKeyId(): string {
  return 'key_' + randomBytes(8).toString('hex');
}

/** The stored form of a key: lowercase hex SHA-256. */
export function hashApiKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

/** The display prefix of a key (never the whole key). */
export function apiKeyDisplayPrefix(key: string): string {
  return key.slice(0, API_KEY_DISPLAY_LENGTH);
}

/** Constant-time comparison of two hex hashes (false when lengths differ). */
export function hashesEqual(a: string, b: string): boolean {
  const left = Buffer.from(a, 'utf8');
  const right = Buffer.from(b, 'utf8');
  return left.length === right.length && timingSafeEqual(left, right);
}

/** True when the string has the shape of an API key (cheap pre-check before any lookup). */
export function looksLikeApiKey(value: string): boolean {
  return value.startsWith(API_KEY_PREFIX) && value.length <= 256;
}
