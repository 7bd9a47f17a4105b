/** The kernel's publicity tables: notices (公示) and the objections to them (created by migration 0004, kept). */
import type { ColumnType, Generated, Selectable } from 'kysely';

type Timestamp = ColumnType<Date, Date | string, Date | string>;
type Json<T> = ColumnType<T, string, string>;

export interface NoticeTable {
  id: string;
  kind: string;
  title: string;
  subject_type: string;
  subject_id: string;
  workflow_id: string | null;
  org_code: string | null;
  starts_at: Timestamp;
  ends_at: Timestamp;
  ends_on: string;
  ends_provisional: Generated<boolean>;
  working_days: number;
  entries: Json<unknown[]>;
  closed_at: Timestamp | null;
  /** the 依据 of the period's working days (0070; null before) */
  policy: Json<Record<string, unknown>> | null;
}

export interface ObjectionTable {
  id: string;
  notice_id: string;
  application_id: string | null;
  text: string;
  contact: string | null;
  filed_at: Timestamp;
  status: 'open' | 'upheld' | 'dismissed' | 'cancelled';
  task_id: string | null;
  finding: string | null;
  decided_at: Timestamp | null;
}

export interface PublicityTables {
  notice: NoticeTable;
  objection: ObjectionTable;
}

export type Notice = Selectable<NoticeTable>;
