import type { ColumnType, Generated } from 'kysely';

type Timestamp = ColumnType<Date, Date | string, Date | string>;

export interface NotificationTable {
  id: Generated<string>;
  /** the event's own unique key (the timeline's event key, or one derived from the event): retries write nothing twice */
  event_key: string;
  recipient_user_id: number;
  kind: string;
  title: string;
  body: string;
  /** a secret's body (a one-time password), sealed under a `pii` key; `body` then holds a placeholder (migration 0076) */
  body_sealed: Buffer | null;
  body_kek_id: string | null;
  subject_type: string | null;
  subject_id: string | null;
  subject_ref: string | null;
  created_at: Timestamp;
  read_at: Timestamp | null;
  sms_state: Generated<'pending' | 'sent' | 'none'>;
  sms_attempts: Generated<number>;
  sms_sent_at: Timestamp | null;
  sms_error: string | null;
}

export interface NotificationTables {
  notification: NotificationTable;
}
