/**
 * Key rotation (`npm run rotate-keys`, tools/rotateKeys.ts): re-encrypts every personal-data ciphertext and
 * recomputes every blind index that is not under the key set's current versions, re-wraps the private keys of
 * ballots still open under the current key of the BALLOT key set (BALLOT_KEYS), re-wraps the data keys of stored
 * materials and seals materials stored in plain before migration 0045. Idempotent and restartable: each row is rewritten on its own,
 * rows already under the current keys are skipped. Raw SQL (the rows are read and written as stored).
 */
import { sql, type Kysely } from 'kysely';
import { ballotKek, ballotKeyring, type Keyring } from './keys';
import { blindIndex } from './blindIndex';
import { decryptPii, encryptPii, isCiphertext, keyIdOf, PII_TABLES } from './personalData';
import { open, seal } from './sm4';
import { refreshClaimView } from '../migrations/0021_personal_data_encryption';
import { blobStoreFromEnv, type BlobStore } from '../materials/blobStore';
import { rewrapContentKeys, sealPlainMaterials } from '../materials/sealedContent';

export interface RotationReport {
  rows: number;
  values: number;
  ballotKeys: number;
  /** materials: data keys re-wrapped under the current `pii` key, plain (pre-0045) files sealed, plain files missing */
  materialKeys: number;
  materialsSealed: number;
  materialsMissing: number;
  /** values still readable only with a non-current key (should be 0 after a run) */
  remaining: number;
}

export async function rotateStoredData(db: Kysely<any>, ring: Keyring, blobs: BlobStore = blobStoreFromEnv(db)): Promise<RotationReport> {
  const pii = ring.current('pii').id;
  const blind = ring.current('blind').id;
  let rows = 0;
  let values = 0;
  for (const t of PII_TABLES) {
    if (t.table === 'claim_view') continue; // rebuilt from the claims below
    const cols = [...t.indexed, ...t.indexed.map((c) => `${c}_enc`), ...t.encrypted];
    const list = (
      await sql<Record<string, string | null>>`select ctid::text as ctid, ${sql.join(cols.map((c) => sql.ref(c)))} from ${sql.table(t.table)}`.execute(db)
    ).rows;
    for (const r of list) {
      const sets = [];
      for (const c of t.indexed) {
        const e = r[`${c}_enc`];
        if (e == null || !isCiphertext(e)) continue;
        if (keyIdOf(e) === pii && r[c]?.startsWith(`${blind}.`)) continue;
        const plain = decryptPii(e, ring);
        sets.push(sql`${sql.ref(c)} = ${blindIndex(plain, ring)}`, sql`${sql.ref(`${c}_enc`)} = ${encryptPii(plain, ring)}`);
      }
      for (const c of t.encrypted) {
        const e = r[c];
        if (e == null || !isCiphertext(e) || keyIdOf(e) === pii) continue;
        sets.push(sql`${sql.ref(c)} = ${encryptPii(decryptPii(e, ring), ring)}`);
      }
      if (sets.length) {
        await sql`update ${sql.table(t.table)} set ${sql.join(sets)} where ctid = ${r.ctid}::tid`.execute(db);
        rows++;
        values += sets.length;
      }
    }
  }
  await refreshClaimView(db);
  // ballots still open: their private key wrapped under the current key of the BALLOT key set (those wrapped by a
  // `ballot` key of the data key set, from before the sets were separated, move to the ballot set here)
  const kek = ballotKeyring().current('ballot');
  let ballotKeys = 0;
  const keys = (
    await sql<{ session_id: string; sealed: Buffer; kek_id: string }>`select session_id, sealed, kek_id from ballot_private_key where kek_id <> ${kek.id}`.execute(
      db,
    )
  ).rows;
  for (const k of keys) {
    const priv = open(ballotKek(k.kek_id), k.sealed, `ballot_key:${k.session_id}:${k.kek_id}`);
    await sql`update ballot_private_key set sealed = ${seal(kek.key, priv, `ballot_key:${k.session_id}:${kek.id}`)}, kek_id = ${kek.id} where session_id = ${k.session_id} and kek_id = ${k.kek_id}`.execute(
      db,
    );
    priv.fill(0);
    ballotKeys++;
  }
  const { sealed: materialsSealed, missing: materialsMissing } = await sealPlainMaterials(db, blobs, ring);
  const materialKeys = await rewrapContentKeys(db, ring);
  return { rows, values, ballotKeys, materialKeys, materialsSealed, materialsMissing, remaining: await countOutdated(db, ring) };
}

/** How many stored values are not under the current keys (0 means old versions can be retired). */
export async function countOutdated(db: Kysely<any>, ring: Keyring): Promise<number> {
  const pii = ring.current('pii').id;
  const blind = ring.current('blind').id;
  let n = 0;
  for (const t of PII_TABLES) {
    for (const c of t.indexed) {
      n += (
        await sql<{
          n: number;
        }>`select count(*)::int as n from ${sql.table(t.table)} where ${sql.ref(c)} is not null and (${sql.ref(c)} not like ${`${blind}.%`} or ${sql.ref(`${c}_enc`)} not like ${`pii1.${pii}.%`})`.execute(
          db,
        )
      ).rows[0]!.n;
    }
    for (const c of t.encrypted) {
      n += (
        await sql<{
          n: number;
        }>`select count(*)::int as n from ${sql.table(t.table)} where ${sql.ref(c)} is not null and ${sql.ref(c)} not like ${`pii1.${pii}.%`}`.execute(db)
      ).rows[0]!.n;
    }
  }
  n += (await sql<{ n: number }>`select count(*)::int as n from ballot_private_key where kek_id <> ${ballotKeyring().current('ballot').id}`.execute(db)).rows[0]!
    .n;
  n += (await sql<{ n: number }>`select count(*)::int as n from material_content where kek_id <> ${ring.current('pii').id}`.execute(db)).rows[0]!.n;
  return n;
}
