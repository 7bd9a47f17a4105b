import { type Kysely, sql } from 'kysely';

/**
 * Task ids become URL-safe (platform/tasks/taskIds.ts): every `/` of a stored id becomes `~`, so
 * `/api/v1/tasks/:id/decision` needs no percent-encoding. Workflows keep their own form; the API translates.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`update task set id = replace(id, '/', '~') where id like '%/%'`.execute(db);
  await sql`update objection set task_id = replace(task_id, '/', '~') where task_id like '%/%'`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`update task set id = replace(id, '~', '/') where id like '%~%'`.execute(db);
  await sql`update objection set task_id = replace(task_id, '~', '/') where task_id like '%~%'`.execute(db);
}
