/**
 * Every Temporal payload (workflow inputs, results, Updates, signals, activity arguments and results, memos,
 * failures' details) leaves the worker and the clients encrypted: a Temporal `PayloadCodec` that seals the whole
 * serialised payload (its metadata too, so not even the type or encoding shows) with SM4-CTR + HMAC-SM3
 * (`sm4.ts`) under the current `pii` key of the key set. The key id travels in the payload's metadata
 * (`encryption-key-id`), so a rotation only adds a key: older payloads keep decrypting while their key is in the
 * set. Payloads written before this codec existed (recorded histories, workflows started earlier) are not marked
 * `binary/encrypted` and pass through decoding unchanged, so they still replay.
 *
 * The Temporal server, its database (`.data/temporal.db`), the Web UI and the CLI see only ciphertext; an admin
 * reads histories through the codec endpoint (`platform/crypto/codecRoutes.ts`).
 */
import { METADATA_ENCODING_KEY, type Payload, type PayloadCodec, ValueError } from '@temporalio/common';
import { decode, encode } from '@temporalio/common/lib/encoding';
import { temporal } from '@temporalio/proto';
import type { DataConverter } from '@temporalio/common';
import { type Keyring, keyring } from './keys';
import { open, seal } from './sm4';

export const ENCRYPTED_ENCODING = 'binary/encrypted';
export const KEY_ID_METADATA = 'encryption-key-id';
export const CIPHER_METADATA = 'encryption-cipher';
export const CIPHER = 'sm4-ctr+hmac-sm3';
const aad = (keyId: string) => `temporal-payload.v1.${keyId}`;

export class Sm4PayloadCodec implements PayloadCodec {
  constructor(private readonly ring: () => Keyring = keyring) {}

  async encode(payloads: Payload[]): Promise<Payload[]> {
    const k = this.ring().current('pii');
    return payloads.map((p) => ({
      metadata: {
        [METADATA_ENCODING_KEY]: encode(ENCRYPTED_ENCODING),
        [KEY_ID_METADATA]: encode(k.id),
        [CIPHER_METADATA]: encode(CIPHER),
      },
      data: seal(k.key, Buffer.from(temporal.api.common.v1.Payload.encode(p).finish()), aad(k.id)),
    }));
  }

  async decode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((p) => {
      if (!isEncrypted(p)) return p; // written before payloads were encrypted: as recorded
      const keyIdBytes = p.metadata?.[KEY_ID_METADATA];
      if (!keyIdBytes) throw new ValueError('an encrypted payload without its key id');
      if (!p.data) throw new ValueError('an encrypted payload without data');
      const keyId = decode(keyIdBytes);
      const plain = open(this.ring().get('pii', keyId), Buffer.from(p.data), aad(keyId));
      return temporal.api.common.v1.Payload.decode(plain);
    });
  }
}

export function isEncrypted(p: Payload): boolean {
  const e = p.metadata?.[METADATA_ENCODING_KEY];
  return !!e && decode(e) === ENCRYPTED_ENCODING;
}

/** The data converter every worker and client of this deployment uses. */
export function dataConverter(ring?: () => Keyring): DataConverter {
  return { payloadCodecs: [new Sm4PayloadCodec(ring)] };
}
