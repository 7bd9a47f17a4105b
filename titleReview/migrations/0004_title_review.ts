import { type Kysely, sql } from 'kysely';

/**
 * Zhejiang senior-title review: units' routing, expert pools, sessions, applications, the committee and its draws,
 * the secret ballot, publicity notices and objections, granted titles and bans.
 */
export async function up(db: Kysely<any>): Promise<void> {
  // which competent department (主管部门) and lower committee (下一级评审委员会) a unit's applications go to
  await db.schema
    .createTable('zj_unit')
    .addColumn('org_code', 'text', (c) => c.primaryKey().references('org.code'))
    .addColumn('competent_org_code', 'text', (c) => c.notNull().references('org.code'))
    .addColumn('lower_committee_org_code', 'text', (c) => c.notNull().references('org.code'))
    .execute();

  await db.schema
    .createTable('zj_expert')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('pool', 'text', (c) => c.notNull().check(sql`pool in ('senior','professor')`))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('specialty', 'text', (c) => c.notNull().check(sql`specialty in ('safety_science','technical_service','production_management')`))
    .addColumn('title', 'text', (c) => c.notNull().check(sql`title in ('senior','professor')`))
    .addColumn('title_since', 'text', (c) => c.notNull())
    .addColumn('org_name', 'text', (c) => c.notNull())
    .addColumn('user_id', 'integer', (c) => c.references('app_user.id').unique())
    .addColumn('active', 'boolean', (c) => c.notNull().defaultTo(true))
    .addColumn('added_by', 'text', (c) => c.notNull())
    .addColumn('added_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();

  await db.schema
    .createTable('zj_session')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('year', 'integer', (c) => c.notNull())
    .addColumn('level', 'text', (c) => c.notNull().check(sql`level in ('senior','professor')`))
    .addColumn('meeting_date', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('workflow_id', 'text', (c) => c.notNull().unique())
    .addColumn('plan', 'jsonb')
    .addColumn('ballot_opened_at', 'timestamptz')
    .addColumn('ballot_closed_at', 'timestamptz')
    .addColumn('attending', 'integer')
    .addColumn('results', 'jsonb')
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull())
    .addUniqueConstraint('zj_session_one_per_level_year', ['year', 'level'])
    .execute();

  await db.schema
    .createTable('zj_application')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('application_no', 'text', (c) => c.notNull().unique())
    .addColumn('session_id', 'text', (c) => c.notNull().references('zj_session.id'))
    .addColumn('level', 'text', (c) => c.notNull())
    .addColumn('category', 'text', (c) => c.notNull())
    .addColumn('channel', 'text', (c) => c.notNull())
    .addColumn('workflow_id', 'text', (c) => c.notNull().unique())
    .addColumn('applicant_user_id', 'integer', (c) => c.references('app_user.id'))
    .addColumn('applicant_name', 'text', (c) => c.notNull())
    .addColumn('applicant_id_number', 'text', (c) => c.notNull())
    .addColumn('applicant_phone', 'text', (c) => c.notNull())
    .addColumn('employer_org_code', 'text', (c) => c.notNull().references('org.code'))
    .addColumn('competent_org_code', 'text', (c) => c.notNull().references('org.code'))
    .addColumn('lower_committee_org_code', 'text', (c) => c.references('org.code'))
    .addColumn('materials', 'jsonb', (c) => c.notNull())
    .addColumn('commitment_at', 'timestamptz', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('stage', 'text', (c) => c.notNull())
    .addColumn('interview', 'jsonb')
    .addColumn('result', 'jsonb')
    .addColumn('submitted_at', 'timestamptz', (c) => c.notNull())
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull())
    .addColumn('closed_at', 'timestamptz')
    .addColumn('close_reason', 'text')
    .execute();
  // one live application per person per session
  await sql`create unique index zj_application_one_per_session on zj_application (session_id, applicant_id_number)
            where status not in ('rejected','withdrawn')`.execute(db);
  await db.schema.createIndex('zj_application_person').on('zj_application').column('applicant_id_number').execute();

  // every draw is kept (auditable); the committee is the latest draw's members
  await db.schema
    .createTable('zj_committee_draw')
    .addColumn('session_id', 'text', (c) => c.notNull().references('zj_session.id'))
    .addColumn('draw_no', 'integer', (c) => c.notNull())
    .addColumn('algorithm', 'text', (c) => c.notNull())
    .addColumn('seed', 'text', (c) => c.notNull())
    .addColumn('size', 'integer', (c) => c.notNull())
    .addColumn('pool_snapshot', 'jsonb', (c) => c.notNull())
    .addColumn('applicants_snapshot', 'jsonb', (c) => c.notNull())
    .addColumn('members', 'jsonb', (c) => c.notNull())
    .addColumn('reason', 'text')
    .addColumn('drawn_by', 'text', (c) => c.notNull())
    .addColumn('drawn_at', 'timestamptz', (c) => c.notNull())
    .addPrimaryKeyConstraint('zj_committee_draw_pk', ['session_id', 'draw_no'])
    .execute();
  await db.schema
    .createTable('zj_committee_member')
    .addColumn('session_id', 'text', (c) => c.notNull().references('zj_session.id'))
    .addColumn('expert_id', 'text', (c) => c.notNull().references('zj_expert.id'))
    .addColumn('subgroup', 'text', (c) => c.notNull())
    .addColumn('role', 'text', (c) => c.notNull().check(sql`role in ('chair','vice_chair','member')`))
    .addColumn('present', 'boolean')
    .addPrimaryKeyConstraint('zj_committee_member_pk', ['session_id', 'expert_id'])
    .execute();

  // Secret ballot (无记名投票): who voted and what was voted are separate tables with nothing in common but the
  // session. Vote rows carry random ids, no voter, no time; the session's rows are rewritten in random order on
  // every ballot, so neither ids nor physical order follow the order of voting.
  await db.schema
    .createTable('ballot_voter')
    .addColumn('session_id', 'text', (c) => c.notNull().references('zj_session.id'))
    .addColumn('expert_id', 'text', (c) => c.notNull().references('zj_expert.id'))
    .addPrimaryKeyConstraint('ballot_voter_once', ['session_id', 'expert_id'])
    .execute();
  await db.schema
    .createTable('ballot_vote')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('session_id', 'text', (c) => c.notNull().references('zj_session.id'))
    .addColumn('application_id', 'text', (c) => c.notNull().references('zj_application.id'))
    .addColumn('vote', 'text', (c) => c.notNull().check(sql`vote in ('yes','no','abstain')`))
    .execute();

  // generic publicity notices (公示) and the objections filed against them
  await db.schema
    .createTable('notice')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('subject_type', 'text', (c) => c.notNull())
    .addColumn('subject_id', 'text', (c) => c.notNull())
    .addColumn('workflow_id', 'text')
    .addColumn('org_code', 'text', (c) => c.references('org.code'))
    .addColumn('starts_at', 'timestamptz', (c) => c.notNull())
    .addColumn('ends_at', 'timestamptz', (c) => c.notNull())
    .addColumn('ends_on', 'text', (c) => c.notNull())
    .addColumn('ends_provisional', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('working_days', 'integer', (c) => c.notNull())
    .addColumn('entries', 'jsonb', (c) => c.notNull())
    .addColumn('closed_at', 'timestamptz')
    .execute();
  await db.schema.createIndex('notice_starts').on('notice').column('starts_at').execute();
  await db.schema
    .createTable('objection')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('notice_id', 'text', (c) => c.notNull().references('notice.id'))
    .addColumn('application_id', 'text')
    .addColumn('text', 'text', (c) => c.notNull())
    .addColumn('contact', 'text')
    .addColumn('filed_at', 'timestamptz', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('open','upheld','dismissed','cancelled')`))
    .addColumn('task_id', 'text')
    .addColumn('finding', 'text')
    .addColumn('decided_at', 'timestamptz')
    .execute();

  // a granted title, recorded against the person (read by the Nanxun high-level talent reward)
  await db.schema
    .createTable('title_grant')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('id_number', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('level', 'text', (c) => c.notNull().check(sql`level in ('senior','professor')`))
    .addColumn('category', 'text', (c) => c.notNull())
    .addColumn('granted_on', 'date', (c) => c.notNull())
    .addColumn('certificate_code', 'text', (c) => c.notNull().unique())
    .addColumn('session_id', 'text', (c) => c.notNull().references('zj_session.id'))
    .addColumn('application_id', 'text', (c) => c.notNull().unique().references('zj_application.id'))
    .addColumn('revoked_at', 'timestamptz')
    .addColumn('revoked_reason', 'text')
    .execute();
  await db.schema.createIndex('title_grant_person').on('title_grant').column('id_number').execute();

  // 从次年起3年内不得申报
  await db.schema
    .createTable('title_ban')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('id_number', 'text', (c) => c.notNull())
    .addColumn('from_year', 'integer', (c) => c.notNull())
    .addColumn('to_year', 'integer', (c) => c.notNull())
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('decided_by', 'text', (c) => c.notNull())
    .addColumn('decided_at', 'timestamptz', (c) => c.notNull())
    .addColumn('application_id', 'text', (c) => c.unique().references('zj_application.id'))
    .execute();
  await db.schema.createIndex('title_ban_person').on('title_ban').column('id_number').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const t of [
    'title_ban',
    'title_grant',
    'objection',
    'notice',
    'ballot_vote',
    'ballot_voter',
    'zj_committee_member',
    'zj_committee_draw',
    'zj_application',
    'zj_session',
    'zj_expert',
    'zj_unit',
  ]) {
    await db.schema.dropTable(t).ifExists().cascade().execute();
  }
}
