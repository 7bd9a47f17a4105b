import { type Kysely, sql } from 'kysely';

/**
 * A notice records the 依据 of its publicity period (the policy edition, parameter and clause its working days came
 * from, 程序从新), as a task records that of its deadline (0065). Null for notices from before.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table notice add column policy jsonb`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`alter table notice drop column if exists policy`.execute(db);
}
