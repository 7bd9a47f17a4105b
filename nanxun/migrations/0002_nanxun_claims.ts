import { type Kysely, sql } from 'kysely';

/** Nanxun reward claims and their payouts. */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('claim')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('application_no', 'text', (c) => c.notNull().unique())
    .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind in ('certificate','shortage_talent','high_level')`))
    .addColumn('workflow_id', 'text', (c) => c.notNull().unique())
    .addColumn('applicant_user_id', 'integer', (c) => c.references('app_user.id'))
    .addColumn('applicant_name', 'text', (c) => c.notNull())
    .addColumn('applicant_id_number', 'text', (c) => c.notNull())
    .addColumn('applicant_phone', 'text', (c) => c.notNull())
    .addColumn('employer_org_code', 'text', (c) => c.notNull().references('org.code'))
    .addColumn('position', 'text')
    .addColumn('employer_nature', 'text')
    .addColumn('level', 'text', (c) => c.notNull())
    .addColumn('amount_yuan', 'integer', (c) => c.notNull().check(sql`amount_yuan > 0`))
    .addColumn('paid_yuan', 'integer', (c) => c.notNull().defaultTo(0).check(sql`paid_yuan >= 0`))
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('stage', 'text', (c) => c.notNull())
    .addColumn('rereview_org_code', 'text', (c) => c.notNull().references('org.code'))
    .addColumn('form', 'jsonb', (c) => c.notNull())
    .addColumn('submitted_at', 'timestamptz', (c) => c.notNull())
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull())
    .addColumn('closed_at', 'timestamptz')
    .addColumn('close_reason', 'text')
    .execute();
  // 每个级别的证书奖励只能申请一次: one pending-or-awarded certificate claim per person and level
  await sql`create unique index claim_one_certificate_per_level on claim (applicant_id_number, level)
            where kind = 'certificate' and status <> 'rejected'`.execute(db);
  await db.schema.createIndex('claim_applicant').on('claim').column('applicant_id_number').execute();

  await db.schema
    .createTable('payout')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('claim_id', 'text', (c) => c.notNull().references('claim.id'))
    .addColumn('instalment_no', 'integer', (c) => c.notNull())
    .addColumn('amount_yuan', 'integer', (c) => c.notNull().check(sql`amount_yuan > 0`))
    .addColumn('fund_org_code', 'text', (c) => c.notNull().references('org.code'))
    .addColumn('fund_year', 'integer', (c) => c.notNull())
    .addColumn('paid_at', 'timestamptz', (c) => c.notNull())
    .addColumn('approved_by', 'text')
    .addColumn('recovered_at', 'timestamptz')
    .addColumn('recovery_reason', 'text')
    .addUniqueConstraint('payout_once_per_instalment', ['claim_id', 'instalment_no'])
    .execute();

  // 弄虚作假: people who may never again claim certificate rewards or title subsidies
  await db.schema
    .createTable('blacklist')
    .addColumn('id_number', 'text', (c) => c.primaryKey())
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('source_claim_id', 'text', (c) => c.references('claim.id'))
    .addColumn('decided_by', 'text', (c) => c.notNull())
    .addColumn('decided_at', 'timestamptz', (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('blacklist').ifExists().execute();
  await db.schema.dropTable('payout').ifExists().execute();
  await db.schema.dropTable('claim').ifExists().execute();
}
