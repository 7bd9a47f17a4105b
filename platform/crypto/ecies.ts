/**
 * Public-key encryption on the SM2 curve (GB/T 32918), built from what Node's OpenSSL exposes: an ephemeral SM2-curve
 * key pair, ECDH with the recipient's public key, the shared point stretched with an SM3 counter KDF (as in
 * GB/T 32918.4), and the result used as an SM4-CTR + HMAC-SM3 AEAD key (`sm4.ts`). Node has no SM2 *encryption*
 * primitive (`generateKeyPairSync('sm2')` is refused; `ec` with `namedCurve: 'SM2'` works and supports ECDH), so
 * this is ECIES over the SM2 curve with SM3/SM4 rather than the standard's C1C3C2 format. Keys are raw: the public
 * key an uncompressed point (65 bytes), the private key a 32-byte scalar (Node's `createECDH('SM2')`; an SM2 key
 * re-imported from SPKI DER is not usable for ECDH in Node 20).
 *
 * Output: version (1) ‖ ephemeral public point (65) ‖ sealed payload.
 */
import { createECDH } from 'node:crypto';
import { DecryptionError, open, seal, sm3 } from './sm4';

const VERSION = 1;

export interface Sm2KeyPair {
  publicKey: Buffer; // uncompressed point, 65 bytes
  privateKey: Buffer; // scalar, 32 bytes
}

export function generateSm2KeyPair(): Sm2KeyPair {
  const e = createECDH('SM2');
  e.generateKeys();
  return { publicKey: e.getPublicKey(), privateKey: e.getPrivateKey() };
}

/** SM3 counter KDF (GB/T 32918.4 §5.4.3): SM3(Z ‖ ct) for ct = 1, 2, … */
function kdf(z: Buffer, bytes: number): Buffer {
  const out: Buffer[] = [];
  for (let ct = 1; out.length * 32 < bytes; ct++) {
    const c = Buffer.alloc(4);
    c.writeUInt32BE(ct);
    out.push(sm3(z, c));
  }
  return Buffer.concat(out).subarray(0, bytes);
}

const POINT = 65;

export function eciesEncrypt(recipientPublic: Buffer, plain: Buffer, aad = ''): Buffer {
  const eph = createECDH('SM2');
  const ephPublic = eph.generateKeys();
  const z = eph.computeSecret(recipientPublic);
  const key = kdf(Buffer.concat([z, ephPublic, recipientPublic]), 32);
  return Buffer.concat([Buffer.from([VERSION]), ephPublic, seal(key, plain, Buffer.concat([Buffer.from(aad), ephPublic]))]);
}

export function eciesDecrypt(recipientPrivate: Buffer, data: Buffer, aad = ''): Buffer {
  if (data.length < 1 + POINT || data[0] !== VERSION) throw new DecryptionError('unknown ciphertext version');
  const me = createECDH('SM2');
  me.setPrivateKey(recipientPrivate);
  const ephPublic = data.subarray(1, 1 + POINT);
  let z: Buffer;
  try {
    z = me.computeSecret(ephPublic);
  } catch {
    throw new DecryptionError('the ephemeral key is not a point of the curve');
  }
  const key = kdf(Buffer.concat([z, ephPublic, me.getPublicKey()]), 32);
  return open(key, data.subarray(1 + POINT), Buffer.concat([Buffer.from(aad), ephPublic]));
}

/** The public point (uncompressed, 65 bytes) of an SM2-curve private scalar; throws for 0 or a value ≥ n. */
export function sm2PublicKeyOf(privateKey: Buffer): Buffer {
  const e = createECDH('SM2');
  e.setPrivateKey(privateKey);
  return e.getPublicKey();
}
