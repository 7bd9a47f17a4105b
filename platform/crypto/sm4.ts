/**
 * Authenticated encryption with the national algorithms Node's OpenSSL offers: SM4-CTR for confidentiality and
 * HMAC-SM3 over (associated data ‖ IV ‖ ciphertext) for integrity — encrypt-then-MAC. Node has no SM4-GCM/CCM
 * (`crypto.getCiphers()` lists sm4, sm4-cbc, sm4-cfb, sm4-ctr, sm4-ecb, sm4-ofb only), hence the composition.
 *
 * A 32-byte key is split by HMAC-SM3 into a 16-byte SM4 key and a 32-byte MAC key, so callers hold one secret.
 * Output: IV (16 random bytes) ‖ ciphertext ‖ tag (32 bytes). The associated data (e.g. table/column and key id)
 * is authenticated, not stored: a ciphertext moved to another column or relabelled with another key id fails.
 */
import { createCipheriv, createDecipheriv, createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

export const KEY_BYTES = 32;
const IV_BYTES = 16;
const TAG_BYTES = 32;

export class DecryptionError extends Error {
  constructor(message = 'the ciphertext does not authenticate under this key') {
    super(message);
    this.name = 'DecryptionError';
  }
}

/** HMAC-SM3 */
export function hmacSm3(key: Buffer, ...parts: (Buffer | string)[]): Buffer {
  const h = createHmac('sm3', key);
  for (const p of parts) h.update(p);
  return h.digest();
}

/** SM3 */
export function sm3(...parts: (Buffer | string)[]): Buffer {
  const h = createHash('sm3');
  for (const p of parts) h.update(p);
  return h.digest();
}

const derived = new WeakMap<Buffer, { enc: Buffer; mac: Buffer }>();
function subkeys(key: Buffer): { enc: Buffer; mac: Buffer } {
  if (key.length !== KEY_BYTES) throw new Error(`an SM4 AEAD key is ${KEY_BYTES} bytes`);
  let d = derived.get(key);
  if (!d) {
    d = { enc: hmacSm3(key, 'sm4-ctr enc').subarray(0, 16), mac: hmacSm3(key, 'hmac-sm3 mac') };
    // long-lived keys (the key set) are derived once; one-off keys (ECIES) are not kept alive by this cache
    derived.set(key, d);
  }
  return d;
}

/** Encrypts `plain` under `key`, binding `aad`. */
export function seal(key: Buffer, plain: Buffer, aad: Buffer | string = ''): Buffer {
  const { enc, mac } = subkeys(key);
  const iv = randomBytes(IV_BYTES);
  const c = createCipheriv('sm4-ctr', enc, iv);
  const ct = Buffer.concat([c.update(plain), c.final()]);
  const aadBuf = Buffer.from(aad);
  const len = Buffer.alloc(8);
  len.writeBigUInt64BE(BigInt(aadBuf.length));
  const tag = hmacSm3(mac, len, aadBuf, iv, ct);
  return Buffer.concat([iv, ct, tag]);
}

/** Decrypts what `seal` made with the same key and aad; throws DecryptionError on any tampering. */
export function open(key: Buffer, sealed: Buffer, aad: Buffer | string = ''): Buffer {
  if (sealed.length < IV_BYTES + TAG_BYTES) throw new DecryptionError('the ciphertext is too short');
  const { enc, mac } = subkeys(key);
  const iv = sealed.subarray(0, IV_BYTES);
  const ct = sealed.subarray(IV_BYTES, sealed.length - TAG_BYTES);
  const tag = sealed.subarray(sealed.length - TAG_BYTES);
  const aadBuf = Buffer.from(aad);
  const len = Buffer.alloc(8);
  len.writeBigUInt64BE(BigInt(aadBuf.length));
  if (!timingSafeEqual(tag, hmacSm3(mac, len, aadBuf, iv, ct))) throw new DecryptionError();
  const d = createDecipheriv('sm4-ctr', enc, iv);
  return Buffer.concat([d.update(ct), d.final()]);
}
