import { type Kysely, sql } from 'kysely';
import { blindIndex } from '../crypto/blindIndex';
import { encryptPii, isCiphertext } from '../crypto/personalData';

/**
 * Identity disputes (0013) hold an ID number: like every ID column it stores the HMAC-SM3 blind index in the
 * column and the SM4 ciphertext in `id_number_enc` (platform/crypto), so a dump shows neither in clear.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table identity_dispute add column if not exists id_number_enc text`.execute(db);
  const rows = await sql<{ id: number; id_number: string }>`select id, id_number from identity_dispute where id_number_enc is null`.execute(db);
  for (const r of rows.rows) {
    if (isCiphertext(r.id_number)) continue;
    await sql`update identity_dispute set id_number = ${blindIndex(r.id_number)}, id_number_enc = ${encryptPii(r.id_number)} where id = ${r.id}`.execute(db);
  }
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`alter table identity_dispute drop column if exists id_number_enc`.execute(db);
}
