/**
 * Materials at rest (issue 19, finding 2): every content is sealed with SM4 + HMAC-SM3 (platform/crypto/sm4.ts) under
 * a random data key of its own; the data key is wrapped by the key set's current `pii` key and stored in
 * `material_content` next to the key's id. A rotation re-wraps the data keys (48 bytes each), never the files, so
 * the S3 store is rotated without touching the bucket.
 *
 * The content address is HMAC-SM3 under a `blind` key over the owner and the bytes (`<key id>.<hex>`): one person's
 * re-upload of the same file is stored once, while the storage shows neither whether two people sent the same
 * file nor whether a known file (a leaked ID-card scan) is among the stored ones.
 */
import { randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema';
import { type Key, type Keyring, keyring } from '../crypto/keys';
import { hmacSm3, KEY_BYTES, open, seal } from '../crypto/sm4';
import type { BlobStore } from './blobStore';
import * as repo from './repository';
import type { Material } from './repository';

export function contentAddress(key: Key, ownerUserId: number, content: Buffer): string {
  return `${key.id}.${hmacSm3(key.key, `material:v1:${ownerUserId}:`, content).toString('hex')}`;
}

const contentAad = (address: string) => `material_content:${address}`;
const wrapAad = (address: string, kekId: string) => `material_key:${address}:${kekId}`;

function unwrap(ring: Keyring, k: repo.ContentKey): Buffer {
  return open(ring.get('pii', k.kek_id), Buffer.from(k.wrapped_key), wrapAad(k.address, k.kek_id));
}

/** Seals and stores the content of `ownerUserId`'s upload; answers its content address. */
export async function storeSealed(db: Kysely<Database>, blobs: BlobStore, ownerUserId: number, content: Buffer, ring: Keyring = keyring()): Promise<string> {
  // the same owner's same file under any blind key version (a rotation in progress) is stored already
  for (const k of ring.all('blind')) {
    const existing = await repo.findContentKey(db, contentAddress(k, ownerUserId, content));
    if (existing) {
      await putSealed(blobs, ring, existing, content);
      return existing.address;
    }
  }
  const address = contentAddress(ring.current('blind'), ownerUserId, content);
  const kek = ring.current('pii');
  const dataKey = randomBytes(KEY_BYTES);
  // the key first: a concurrent upload of the same file then seals under the key that won
  const row = await repo.insertContentKey(db, { address, kek_id: kek.id, wrapped_key: seal(kek.key, dataKey, wrapAad(address, kek.id)), size: content.length });
  dataKey.fill(0);
  await putSealed(blobs, ring, row, content);
  return address;
}

async function putSealed(blobs: BlobStore, ring: Keyring, k: repo.ContentKey, content: Buffer): Promise<void> {
  const dataKey = unwrap(ring, k);
  try {
    await blobs.put(k.address, seal(dataKey, content, contentAad(k.address)));
  } finally {
    dataKey.fill(0);
  }
}

/** The plain bytes of a material (sealed, or plain from before migration 0045); null if the store lacks them. */
export async function readContent(db: Kysely<Database>, blobs: BlobStore, m: Material, ring: Keyring = keyring()): Promise<Buffer | null> {
  if (!m.content_address) return m.sha256 ? blobs.get(m.sha256) : null;
  const k = await repo.findContentKey(db, m.content_address);
  const sealed = k ? await blobs.get(k.address) : null;
  if (!k || !sealed) return null;
  const dataKey = unwrap(ring, k);
  try {
    return open(dataKey, sealed, contentAad(k.address));
  } finally {
    dataKey.fill(0);
  }
}

/** Re-wraps every data key not under the current `pii` key (the files stay as they are). Answers how many. */
export async function rewrapContentKeys(db: Kysely<Database>, ring: Keyring): Promise<number> {
  const kek = ring.current('pii');
  let n = 0;
  for (const k of await repo.contentKeysNotUnder(db, kek.id)) {
    const dataKey = unwrap(ring, k);
    await repo.rewrapContentKey(db, k.address, k.kek_id, { kekId: kek.id, wrappedKey: seal(kek.key, dataKey, wrapAad(k.address, kek.id)) });
    dataKey.fill(0);
    n++;
  }
  return n;
}

/**
 * Seals the materials stored in plain before migration 0045 (each under its owner's address) and removes the plain
 * copy once no material points at it. A plain blob missing from the store is left as it is (reported), never
 * dropped from the material row. Answers how many were sealed and how many could not be.
 */
export async function sealPlainMaterials(db: Kysely<Database>, blobs: BlobStore, ring: Keyring): Promise<{ sealed: number; missing: number }> {
  let sealed = 0;
  let missing = 0;
  for (const m of await repo.plainMaterials(db)) {
    const content = m.sha256 ? await blobs.get(m.sha256) : null;
    if (!content) {
      missing++;
      continue;
    }
    const address = await storeSealed(db, blobs, m.owner_user_id, content, ring);
    // read back before the plain copy goes: never lose a stored file
    const back = await readContent(db, blobs, { ...m, content_address: address }, ring);
    if (!back || Buffer.compare(back, content) !== 0) throw new Error(`material ${m.id}: its sealed copy does not read back`);
    await repo.markSealed(db, m.id, address);
    if (!(await repo.plainBlobInUse(db, m.sha256!))) await blobs.remove(m.sha256!);
    sealed++;
  }
  return { sealed, missing };
}
