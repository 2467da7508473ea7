import { PAYLOAD_ID_PREFIX } from '@kaizen/protocol';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

const ID_BYTES = 16;
// CSPRNG bytes fetched 4 KiB at a time: one getRandomValues call per 256 ids instead of one per
// id (each call crosses into the platform; per id that showed in server profiles).
const pool = new Uint8Array(4096);
let poolOffset = pool.length;

function randomBytes(): Uint8Array {
  if (poolOffset + ID_BYTES > pool.length) {
    globalThis.crypto.getRandomValues(pool);
    poolOffset = 0;
  }
  const bytes = pool.subarray(poolOffset, poolOffset + ID_BYTES);
  poolOffset += ID_BYTES;
  return bytes;
}

/** `kz_` + 128 random bits in base64url (22 chars), from the platform CSPRNG (Node and browsers). */
export function newPayloadId(): string {
  const bytes = randomBytes();
  let out = PAYLOAD_ID_PREFIX;
  let bits = 0;
  let value = 0;
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 6) {
      bits -= 6;
      out += ALPHABET[(value >> bits) & 63];
    }
  }
  if (bits > 0) out += ALPHABET[(value << (6 - bits)) & 63];
  return out;
}
