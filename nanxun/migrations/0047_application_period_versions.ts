import { type Kysely, sql } from 'kysely';

/**
 * Application periods versioned like the calendar (issue 19, finding 7): every publication or correction is a new
 * row of `nanxun_application_period_version` (append-only: a trigger refuses UPDATE and DELETE); the row of
 * `nanxun_application_period` is only the projection of a year's latest version, written by a trigger on the
 * version table and refused to anyone else. Each publication is also on the audit trail (application_period.*).
 * The periods published before become version 1.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table nanxun_application_period add column version integer not null default 1`.execute(db);
  await sql`alter table nanxun_application_period alter column version drop default`.execute(db);
  await sql`
    create table nanxun_application_period_version (
      year integer not null,
      version integer not null check (version > 0),
      starts_on date not null,
      ends_on date not null,
      published_by text not null,
      published_at timestamptz not null,
      primary key (year, version),
      check (starts_on <= ends_on)
    )`.execute(db);
  await sql`
    insert into nanxun_application_period_version (year, version, starts_on, ends_on, published_by, published_at)
    select year, 1, starts_on, ends_on, published_by, published_at from nanxun_application_period`.execute(db);
  await sql`
    create function nanxun_application_period_version_append_only() returns trigger language plpgsql as $$
    begin raise exception 'nanxun_application_period_version is append-only'; end $$`.execute(db);
  await sql`
    create trigger nanxun_application_period_version_append_only before update or delete on nanxun_application_period_version
    for each row execute function nanxun_application_period_version_append_only()`.execute(db);
  // the current period of a year is the projection of its newest version, written here only
  await sql`
    create function nanxun_application_period_project() returns trigger language plpgsql as $$
    begin
      insert into nanxun_application_period (year, starts_on, ends_on, notice_id, published_by, published_at, version)
      values (NEW.year, NEW.starts_on, NEW.ends_on, 'nanxun-application-period-' || NEW.year, NEW.published_by, NEW.published_at, NEW.version)
      on conflict (year) do update set starts_on = excluded.starts_on, ends_on = excluded.ends_on, published_by = excluded.published_by,
        published_at = excluded.published_at, version = excluded.version
        where nanxun_application_period.version < excluded.version;
      return NEW;
    end $$`.execute(db);
  await sql`
    create trigger nanxun_application_period_project after insert on nanxun_application_period_version
    for each row execute function nanxun_application_period_project()`.execute(db);
  await sql`
    create function nanxun_application_period_guard() returns trigger language plpgsql as $$
    begin
      if pg_trigger_depth() < 2 then
        raise exception 'nanxun_application_period is written by publishing a new version (nanxun_application_period_version) only';
      end if;
      return coalesce(NEW, OLD);
    end $$`.execute(db);
  await sql`
    create trigger nanxun_application_period_guard before insert or update or delete on nanxun_application_period
    for each row execute function nanxun_application_period_guard()`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop trigger nanxun_application_period_guard on nanxun_application_period`.execute(db);
  await sql`drop function nanxun_application_period_guard()`.execute(db);
  await sql`drop table nanxun_application_period_version`.execute(db);
  await sql`drop function nanxun_application_period_project()`.execute(db);
  await sql`drop function nanxun_application_period_version_append_only()`.execute(db);
  await sql`alter table nanxun_application_period drop column version`.execute(db);
}
