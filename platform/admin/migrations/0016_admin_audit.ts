import { type Kysely, sql } from 'kysely';

/**
 * The administration audit trail: who changed which account or organisation, when, and how. Append-only.
 * (The accounts work creates the same table; `if not exists` lets whichever migration runs first create it.)
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create table if not exists admin_audit (
      id bigserial primary key,
      at timestamptz not null default now(),
      actor_username text not null,
      action text not null,
      target text not null,
      details jsonb
    )`.execute(db);
  await sql`create index if not exists admin_audit_at on admin_audit (at desc)`.execute(db);
  await sql`create index if not exists admin_audit_target on admin_audit (target)`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop table if exists admin_audit`.execute(db);
}
