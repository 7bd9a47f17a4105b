/**
 * Key rotation (`npm run rotate-keys`, tools/rotateKeys.ts): re-encrypts every personal-data ciphertext and
 * recomputes every blind index that is not under the key set's current versions (the kernel's tables and every
 * installed domain's, DomainPlugin.personalData); re-wraps the data keys of stored materials and seals materials
 * stored in plain before migration 0045; each domain then rebuilds its projections and re-wraps keys of its own
 * (DomainPlugin.keyRotation: the title review's open ballots under the current key of the BALLOT key set).
 * Idempotent and restartable: each row is rewritten on its own,
 * rows already under the current keys are skipped. Raw SQL (the rows are read and written as stored).
 */
import { sql, type Kysely } from 'kysely';
import type { Keyring } from './keys';
import { blindIndex } from './blindIndex';
import { decryptPii, encryptPii, isCiphertext, keyIdOf, piiTables } from './personalData';
import { domains } from '../plugins/registry';
import { blobStoreFromEnv, type BlobStore } from '../materials/blobStore';
import { rewrapContentKeys, sealPlainMaterials } from '../materials/sealedContent';
import { resealBodies } from '../notifications/sealedBody';

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
  for (const t of piiTables()) {
    if (t.projection) continue; // rebuilt by its domain below
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
  const { sealed: materialsSealed, missing: materialsMissing } = await sealPlainMaterials(db, blobs, ring);
  const materialKeys = await rewrapContentKeys(db, ring);
  // messages whose body is sealed (one-time passwords not yet used)
  await resealBodies(db, ring);
  // each domain rebuilds its projections and re-wraps its own keys (e.g. the open ballots' private keys)
  let ballotKeys = 0;
  for (const d of domains()) ballotKeys += (await d.keyRotation?.rotate(db, ring)) ?? 0;
  return { rows, values, ballotKeys, materialKeys, materialsSealed, materialsMissing, remaining: await countOutdated(db, ring) };
}

/** How many stored values are not under the current keys (0 means old versions can be retired). */
export async function countOutdated(db: Kysely<any>, ring: Keyring): Promise<number> {
  const pii = ring.current('pii').id;
  const blind = ring.current('blind').id;
  let n = 0;
  for (const t of piiTables()) {
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
  for (const d of domains()) n += (await d.keyRotation?.outdated(db, ring)) ?? 0;
  n += (await sql<{ n: number }>`select count(*)::int as n from material_content where kek_id <> ${ring.current('pii').id}`.execute(db)).rows[0]!.n;
  n += (
    await sql<{ n: number }>`select count(*)::int as n from notification where body_sealed is not null and body_kek_id <> ${ring.current('pii').id}`.execute(db)
  ).rows[0]!.n;
  return n;
}
