import { type Kysely, sql } from 'kysely';

/** The bureau's yearly concentrated application period for certificate rewards (seed 001: 以区应急管理局每年发布的公告为准). */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create table nanxun_application_period (
      year integer primary key,
      starts_on date not null,
      ends_on date not null,
      notice_id text not null,
      published_by text not null,
      published_at timestamptz not null,
      constraint nanxun_application_period_order check (starts_on <= ends_on)
    )`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop table if exists nanxun_application_period`.execute(db);
}
