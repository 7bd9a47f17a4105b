import { type Kysely, sql } from 'kysely';

/**
 * A shortage-talent claim's instalment plan is fixed when year 1 is approved (issue 20: the amounts are those of the
 * edition the claim was submitted under, 实体从旧): each instalment records when its amount was fixed and on which
 * edition. Null for plans from before (fixed at submission, as they were).
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table instalment add column plan_fixed_at timestamptz`.execute(db);
  await sql`alter table instalment add column plan_edition_id text references policy_edition(id)`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`alter table instalment drop column if exists plan_edition_id`.execute(db);
  await sql`alter table instalment drop column if exists plan_fixed_at`.execute(db);
}
