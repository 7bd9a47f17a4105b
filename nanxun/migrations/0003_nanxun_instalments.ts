import { type Kysely, sql } from 'kysely';

/**
 * Instalments (one per payment of a claim: the certificate reward has one, the shortage-talent reward three),
 * fund budgets of the re-reviewing bodies, and the one-award rules of the shortage-talent and high-level rewards.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('instalment')
    .addColumn('claim_id', 'text', (c) => c.notNull().references('claim.id'))
    .addColumn('year_no', 'integer', (c) => c.notNull().check(sql`year_no between 1 and 3`))
    .addColumn('amount_yuan', 'integer', (c) => c.notNull().check(sql`amount_yuan > 0`))
    .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('pending','scheduled','released','in_review','awaiting_budget','paid','cancelled')`))
    .addColumn('workflow_id', 'text', (c) => c.notNull())
    .addColumn('due_on', 'text')
    .addColumn('released_at', 'timestamptz')
    .addColumn('release_id', 'text')
    .addColumn('paid_at', 'timestamptz')
    .addColumn('cancelled_reason', 'text')
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull())
    .addPrimaryKeyConstraint('instalment_pk', ['claim_id', 'year_no'])
    .execute();
  // the yearly release scans what has come due
  await sql`create index instalment_due on instalment (due_on) where status = 'scheduled'`.execute(db);

  await db.schema
    .createTable('fund_budget')
    .addColumn('org_code', 'text', (c) => c.notNull().references('org.code'))
    .addColumn('year', 'integer', (c) => c.notNull())
    .addColumn('budget_yuan', 'integer', (c) => c.notNull().check(sql`budget_yuan >= 0`))
    .addColumn('set_by', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull())
    .addPrimaryKeyConstraint('fund_budget_pk', ['org_code', 'year'])
    .execute();
  await db.schema.createIndex('payout_fund').on('payout').columns(['fund_org_code', 'fund_year']).execute();

  // 紧缺人才奖励: one per person, ever; and only the enterprise's first intermediate engineer brought in
  await sql`create unique index claim_one_shortage_per_person on claim (applicant_id_number)
            where kind = 'shortage_talent' and status <> 'rejected'`.execute(db);
  await sql`create unique index claim_first_introduction_per_employer on claim (employer_org_code)
            where kind = 'shortage_talent' and status <> 'rejected'`.execute(db);
  // 高层次人才奖励: one per person and title level
  await sql`create unique index claim_one_high_level_per_level on claim (applicant_id_number, level)
            where kind = 'high_level' and status <> 'rejected'`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const i of ['claim_one_high_level_per_level', 'claim_first_introduction_per_employer', 'claim_one_shortage_per_person', 'payout_fund']) {
    await db.schema.dropIndex(i).ifExists().execute();
  }
  await db.schema.dropTable('fund_budget').ifExists().execute();
  await db.schema.dropTable('instalment').ifExists().execute();
}
