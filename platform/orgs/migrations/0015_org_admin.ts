import { type Kysely, sql } from 'kysely';

/**
 * Organisations maintained by the admin: the unified social credit code (unique), the address, whether the
 * organisation is still active (a deactivated employer takes no new claims or applications), when it last changed,
 * and a sequence for the codes of organisations that have no credit code of their own.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('org')
    .addColumn('credit_code', 'text')
    .addColumn('address', 'text')
    .addColumn('active', 'boolean', (c) => c.notNull().defaultTo(true))
    .addColumn('updated_at', 'timestamptz')
    .addColumn('updated_by', 'text')
    .execute();
  await sql`create unique index org_credit_code on org (credit_code) where credit_code is not null`.execute(db);
  // search by name (and code) in the admin list
  await sql`create index org_type_name on org (type, name)`.execute(db);
  await sql`create sequence org_code_seq`.execute(db);
  // an organisation's claims and timeline rows: the claim view's org trigger (fired for every organisation an
  // import creates or renames) and the open claims a move notes look them up
  await sql`create index if not exists claim_employer on claim (employer_org_code)`.execute(db);
  await sql`create index if not exists claim_rereview_org on claim (rereview_org_code)`.execute(db);
  await sql`create index if not exists timeline_org on timeline (org_code) where org_code is not null`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const i of ['timeline_org', 'claim_rereview_org', 'claim_employer']) await sql`drop index if exists ${sql.id(i)}`.execute(db);
  await sql`drop sequence if exists org_code_seq`.execute(db);
  await sql`drop index if exists org_type_name`.execute(db);
  await sql`drop index if exists org_credit_code`.execute(db);
  await db.schema
    .alterTable('org')
    .dropColumn('credit_code')
    .dropColumn('address')
    .dropColumn('active')
    .dropColumn('updated_at')
    .dropColumn('updated_by')
    .execute();
}
