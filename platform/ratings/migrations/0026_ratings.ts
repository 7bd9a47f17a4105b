import { type Kysely, sql } from 'kysely';

/** Service ratings (好差评, 国办发〔2019〕51号): one per ended claim or title application, by its applicant. */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create table rating (
      id uuid primary key,
      subject_type text not null check (subject_type in ('nanxun_claim','title_application')),
      subject_id text not null,
      user_id integer not null references app_user (id),
      score smallint not null check (score between 1 and 5),
      comment text,
      -- the organisations that handled the subject (those with tasks on it), fixed when it is rated
      org_codes text[] not null,
      created_at timestamptz not null default now(),
      unique (subject_type, subject_id)
    )`.execute(db);
  await sql`create index rating_created on rating (created_at)`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop table if exists rating`.execute(db);
}
