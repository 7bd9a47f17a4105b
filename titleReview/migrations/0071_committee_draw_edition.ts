import { type Kysely, sql } from 'kysely';

/**
 * A committee draw records the policy edition whose sizes it checked (pool, committee, subgroups: the edition in
 * force when the session's pre-review started, 程序从新), so a re-run of the draw uses the same sizes. Draws from
 * before ran under the first edition's (null here).
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table zj_committee_draw add column policy_edition_id text references policy_edition(id)`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`alter table zj_committee_draw drop column if exists policy_edition_id`.execute(db);
}
