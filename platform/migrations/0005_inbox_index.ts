import { type Kysely, sql } from 'kysely';

/** The inbox's page and its count over open tasks, as index scans even with 100,000 tasks stored. */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`create index task_open_inbox on task (org_code, role, opened_at, id) where state = 'open'`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop index if exists task_open_inbox`.execute(db);
}
