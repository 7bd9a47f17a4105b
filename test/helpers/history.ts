/**
 * Histories as an admin reads them through the codec: every encrypted payload in a fetched history decoded in
 * place (platform/crypto/payloadCodec.ts). `fetchHistory()` itself returns what the server stores: ciphertext.
 */
import type { Payload } from '@temporalio/common';
import { isEncrypted, Sm4PayloadCodec } from '../../platform/crypto/payloadCodec';

export async function decodedHistory<T>(history: T): Promise<T> {
  const codec = new Sm4PayloadCodec();
  const walk = async (o: unknown): Promise<void> => {
    if (!o || typeof o !== 'object') return;
    if (Array.isArray(o)) {
      for (const x of o) await walk(x);
      return;
    }
    const rec = o as Record<string, unknown>;
    if (rec.data instanceof Uint8Array && rec.metadata && isEncrypted(rec as Payload)) {
      const [plain] = await codec.decode([rec as Payload]);
      rec.metadata = plain!.metadata;
      rec.data = plain!.data;
      return;
    }
    for (const v of Object.values(rec)) await walk(v);
  };
  await walk(history);
  return history;
}
