import { type Kysely, sql } from 'kysely';

/**
 * The message centre (消息) and its SMS outbox in one table: a row is written in the same transaction as the change
 * it reports, once per event and recipient (unique event_key + recipient), and the dispatcher sends its SMS later
 * (sms_state pending → sent; at least once, the row marked once).
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create table notification (
      id uuid primary key default gen_random_uuid(),
      event_key text not null,
      recipient_user_id integer not null references app_user(id) on delete cascade,
      kind text not null,
      title text not null,
      body text not null,
      subject_type text,
      subject_id text,
      subject_ref text,
      created_at timestamptz not null,
      read_at timestamptz,
      sms_state text not null default 'pending' check (sms_state in ('pending', 'sent', 'none')),
      sms_attempts integer not null default 0,
      sms_sent_at timestamptz,
      sms_error text,
      constraint notification_once_per_event unique (event_key, recipient_user_id)
    )`.execute(db);
  await sql`create index notification_by_recipient on notification (recipient_user_id, created_at desc, id)`.execute(db);
  await sql`create index notification_unread on notification (recipient_user_id) where read_at is null`.execute(db);
  await sql`create index notification_sms_pending on notification (created_at, id) where sms_state = 'pending'`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop table if exists notification`.execute(db);
}
