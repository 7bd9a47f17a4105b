import { type Kysely, sql } from 'kysely';

/**
 * The claim-view triggers (0006_claim_view) fire only for rows about a claim (issue 23). Until now every task and
 * timeline row of any subject — a title application's, a session's — queued a deferred trigger event and, at
 * commit, called the trigger function, which then found that the row concerned no claim. A WHEN condition is
 * checked when the row is written, before anything is queued: a row of another subject costs nothing at commit.
 * One trigger per event on `task` (a WHEN condition may name NEW only where every event has one).
 */
const DEFERRED = 'deferrable initially deferred for each row';

export async function up(db: Kysely<any>): Promise<void> {
  await sql`drop trigger claim_view_on_task on task`.execute(db);
  await sql`drop trigger claim_view_on_timeline on timeline`.execute(db);
  await sql`create constraint trigger claim_view_on_task after insert on task ${sql.raw(DEFERRED)}
    when (NEW.subject_type = 'nanxun_claim') execute function claim_view_touch_subject()`.execute(db);
  await sql`create constraint trigger claim_view_on_task_update after update on task ${sql.raw(DEFERRED)}
    when (NEW.subject_type = 'nanxun_claim' or OLD.subject_type = 'nanxun_claim') execute function claim_view_touch_subject()`.execute(db);
  await sql`create constraint trigger claim_view_on_task_delete after delete on task ${sql.raw(DEFERRED)}
    when (OLD.subject_type = 'nanxun_claim') execute function claim_view_touch_subject()`.execute(db);
  await sql`create constraint trigger claim_view_on_timeline after insert on timeline ${sql.raw(DEFERRED)}
    when (NEW.subject_type = 'nanxun_claim') execute function claim_view_touch_subject()`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const t of [
    'claim_view_on_task on task',
    'claim_view_on_task_update on task',
    'claim_view_on_task_delete on task',
    'claim_view_on_timeline on timeline',
  ]) {
    await sql`drop trigger if exists ${sql.raw(t)}`.execute(db);
  }
  await sql`create constraint trigger claim_view_on_task after insert or update or delete on task ${sql.raw(DEFERRED)} execute function claim_view_touch_subject()`.execute(
    db,
  );
  await sql`create constraint trigger claim_view_on_timeline after insert on timeline ${sql.raw(DEFERRED)} execute function claim_view_touch_subject()`.execute(
    db,
  );
}
