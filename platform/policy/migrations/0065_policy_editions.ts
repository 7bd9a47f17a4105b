import { type Kysely, sql } from 'kysely';

/**
 * Policy editions (platform/policy): dated, immutable parameter sets of each policy. Editions are never edited in
 * place (a trigger refuses it): a correction is a new edition. Tasks record the basis of their deadline.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create table policy_edition (
      id text primary key,
      policy text not null,
      title text not null,
      document_no text,
      issuer text not null,
      effective_from timestamptz not null,
      effective_to timestamptz,
      based_on text references policy_edition(id),
      parameters jsonb not null,
      published_by text not null,
      published_at timestamptz not null,
      reason text not null,
      constraint policy_edition_order check (effective_to is null or effective_to > effective_from),
      constraint policy_edition_unique_start unique (policy, effective_from)
    )`.execute(db);
  await sql`
    create function policy_edition_immutable() returns trigger language plpgsql as $$
    begin
      raise exception 'policy editions are immutable: publish a new edition instead';
    end $$`.execute(db);
  await sql`
    create trigger policy_edition_no_change before update or delete on policy_edition
    for each row execute function policy_edition_immutable()`.execute(db);
  // the basis of a task's deadline: { editionId, title, clause, basis } and the warning days it used
  await sql`alter table task add column policy jsonb`.execute(db);
  await sql`alter table task add column warn_working_days integer`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`alter table task drop column if exists warn_working_days`.execute(db);
  await sql`alter table task drop column if exists policy`.execute(db);
  await sql`drop table if exists policy_edition`.execute(db);
  await sql`drop function if exists policy_edition_immutable()`.execute(db);
}
