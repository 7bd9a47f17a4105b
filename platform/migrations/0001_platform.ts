import { type Kysely, sql } from 'kysely';

/** Platform tables: organisations, users, calendar, the task inbox, the timeline, idempotency, sequences. */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('org')
    .addColumn('code', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('in_district', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('town_code', 'text', (c) => c.references('org.code'))
    .addColumn('regulator_code', 'text', (c) => c.references('org.code'))
    .addColumn('cert_rereview_org_code', 'text', (c) => c.references('org.code'))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();

  await db.schema
    .createTable('app_user')
    .addColumn('id', 'serial', (c) => c.primaryKey())
    .addColumn('username', 'text', (c) => c.notNull().unique())
    .addColumn('password_hash', 'text', (c) => c.notNull())
    .addColumn('display_name', 'text', (c) => c.notNull())
    .addColumn('roles', sql`text[]`, (c) => c.notNull())
    .addColumn('org_code', 'text', (c) => c.references('org.code'))
    .addColumn('id_number', 'text')
    .addColumn('phone', 'text')
    .addColumn('is_demo', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  // one applicant account per identity
  await sql`create unique index app_user_applicant_identity on app_user (id_number) where 'applicant' = any(roles)`.execute(db);

  await db.schema
    .createTable('calendar_year')
    .addColumn('year', 'integer', (c) => c.primaryKey())
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('loaded_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('loaded_by', 'text')
    .execute();
  await db.schema
    .createTable('calendar_day')
    .addColumn('date', 'text', (c) => c.primaryKey())
    .addColumn('year', 'integer', (c) => c.notNull().references('calendar_year.year').onDelete('cascade'))
    .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind in ('holiday','workday')`))
    .addColumn('name', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('task')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull().check(sql`state in ('open','paused','done','cancelled')`))
    .addColumn('subject_type', 'text', (c) => c.notNull())
    .addColumn('subject_id', 'text', (c) => c.notNull())
    .addColumn('subject_ref', 'text', (c) => c.notNull())
    .addColumn('workflow_id', 'text', (c) => c.notNull())
    .addColumn('org_code', 'text', (c) => c.notNull().references('org.code'))
    .addColumn('role', 'text', (c) => c.notNull())
    .addColumn('subject_person_id', 'text')
    .addColumn('opened_at', 'timestamptz', (c) => c.notNull())
    .addColumn('sla_working_days', 'integer')
    .addColumn('due_on', 'text')
    .addColumn('due_at', 'timestamptz')
    .addColumn('warn_at', 'timestamptz')
    .addColumn('due_provisional', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('due_calendar', 'jsonb')
    .addColumn('warned_at', 'timestamptz')
    .addColumn('overdue_at', 'timestamptz')
    .addColumn('paused_at', 'timestamptz')
    .addColumn('decided_at', 'timestamptz')
    .addColumn('decided_by', 'text')
    .addColumn('decision', 'text')
    .addColumn('comment', 'text')
    .addColumn('decision_data', 'jsonb')
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('task_inbox').on('task').columns(['org_code', 'state', 'opened_at']).execute();
  await db.schema.createIndex('task_subject').on('task').columns(['subject_type', 'subject_id']).execute();
  await sql`create index task_provisional on task (due_provisional) where due_provisional and state in ('open','paused')`.execute(db);

  await db.schema
    .createTable('timeline')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('event_key', 'text', (c) => c.notNull().unique())
    .addColumn('subject_type', 'text', (c) => c.notNull())
    .addColumn('subject_id', 'text', (c) => c.notNull())
    .addColumn('stage', 'text', (c) => c.notNull())
    .addColumn('org_code', 'text')
    .addColumn('actor', 'text', (c) => c.notNull())
    .addColumn('actor_name', 'text')
    .addColumn('event', 'text', (c) => c.notNull())
    .addColumn('decision', 'text')
    .addColumn('comment', 'text')
    .addColumn('data', 'jsonb')
    .addColumn('at', 'timestamptz', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('timeline_subject').on('timeline').columns(['subject_type', 'subject_id', 'at']).execute();
  // the timeline is an audit trail: append-only
  await sql`
    create function timeline_append_only() returns trigger language plpgsql as $$
    begin raise exception 'timeline is append-only'; end $$`.execute(db);
  await sql`create trigger timeline_no_change before update or delete on timeline for each row execute function timeline_append_only()`.execute(db);

  await db.schema
    .createTable('idempotency')
    .addColumn('user_id', 'integer', (c) => c.notNull())
    .addColumn('key', 'text', (c) => c.notNull())
    .addColumn('request_hash', 'text', (c) => c.notNull())
    .addColumn('status_code', 'integer', (c) => c.notNull())
    .addColumn('response', 'jsonb', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('idempotency_pk', ['user_id', 'key'])
    .execute();

  await db.schema
    .createTable('sequence')
    .addColumn('name', 'text', (c) => c.primaryKey())
    .addColumn('value', 'integer', (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const t of ['sequence', 'idempotency', 'timeline', 'task', 'calendar_day', 'calendar_year', 'app_user', 'org']) {
    await db.schema.dropTable(t).ifExists().cascade().execute();
  }
  await sql`drop function if exists timeline_append_only`.execute(db);
}
