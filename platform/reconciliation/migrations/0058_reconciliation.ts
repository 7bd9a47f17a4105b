import { type Kysely, sql } from 'kysely';

/**
 * The reconciliation's record: one row per run (after a restore, or on demand), one per finding. A finding says
 * what the projection held, what the workflow holds, and whether the projection was repaired or a person must look
 * (a payout already recorded is never paid again, nor removed: it is shown to a person).
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create table reconciliation_run (
      id text primary key,
      reason text not null,
      started_at timestamptz not null,
      finished_at timestamptz,
      workflows_checked integer not null default 0,
      findings integer not null default 0,
      repaired integer not null default 0,
      needs_person integer not null default 0
    )`.execute(db);
  await sql`
    create table reconciliation_finding (
      id bigserial primary key,
      run_id text not null references reconciliation_run (id),
      workflow_id text not null,
      kind text not null,
      subject_type text,
      subject_id text,
      detail jsonb not null,
      repaired boolean not null,
      needs_person boolean not null,
      found_at timestamptz not null,
      unique (run_id, workflow_id, kind, detail)
    )`.execute(db);
  await sql`create index reconciliation_finding_person on reconciliation_finding (needs_person) where needs_person`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop table if exists reconciliation_finding`.execute(db);
  await sql`drop table if exists reconciliation_run`.execute(db);
}
