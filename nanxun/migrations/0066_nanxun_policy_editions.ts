import { type Kysely, sql } from 'kysely';
import { insertEdition } from '../../platform/policy/repository';
import type { PolicyEdition } from '../../platform/policy/edition';
import seed2019 from '../policy/editions/nanxun-talent-2019-01-01.json';

/**
 * The first edition of 引育八条 (seed 001, the versioned file nanxun/policy/editions/) and the edition each claim
 * was submitted under. Claims from before editions ran under the values of that file; they are pinned to it.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await insertEdition(db, seed2019 as unknown as PolicyEdition);
  await sql`alter table claim add column policy_edition_id text references policy_edition(id)`.execute(db);
  await sql`update claim set policy_edition_id = ${seed2019.id}`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`alter table claim drop column if exists policy_edition_id`.execute(db);
}
