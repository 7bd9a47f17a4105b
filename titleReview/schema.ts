/** Kysely types of the Zhejiang title-review tables (migration 0004_zhejiang). */
import type { ColumnType, Generated, Selectable } from 'kysely';

type Timestamp = ColumnType<Date, Date | string, Date | string>;
type Json<T> = ColumnType<T, string, string>;

export interface TitleUnitTable {
  org_code: string;
  competent_org_code: string;
  lower_committee_org_code: string;
}

export interface TitleExpertTable {
  id: string;
  pool: 'senior' | 'professor';
  name: string;
  specialty: string;
  title: 'senior' | 'professor';
  title_since: string;
  org_name: string;
  user_id: number | null;
  active: Generated<boolean>;
  added_by: string;
  added_at: Generated<Timestamp>;
}

export interface TitleSessionTable {
  id: string;
  year: number;
  level: 'senior' | 'professor';
  meeting_date: string;
  status: string;
  workflow_id: string;
  plan: Json<Record<string, unknown>> | null;
  ballot_opened_at: Timestamp | null;
  ballot_closed_at: Timestamp | null;
  /** the ballot threshold option (migration 0075): the private key split 2-of-3 among the chair and vice-chairs */
  ballot_threshold: Generated<boolean>;
  attending: number | null;
  results: Json<unknown> | null;
  created_by: string;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface TitleApplicationTable {
  id: string;
  application_no: string;
  session_id: string;
  level: string;
  category: string;
  channel: string;
  workflow_id: string;
  applicant_user_id: number | null;
  applicant_name: string;
  applicant_id_number: string;
  applicant_phone: string;
  employer_org_code: string;
  competent_org_code: string;
  lower_committee_org_code: string | null;
  materials: Json<Record<string, unknown>>;
  commitment_at: Timestamp;
  status: string;
  stage: string;
  interview: Json<Record<string, unknown>> | null;
  result: Json<Record<string, unknown>> | null;
  submitted_at: Timestamp;
  updated_at: Timestamp;
  closed_at: Timestamp | null;
  close_reason: string | null;
}

export interface TitleCommitteeDrawTable {
  session_id: string;
  draw_no: number;
  algorithm: string;
  seed: string;
  size: number;
  pool_snapshot: Json<unknown>;
  applicants_snapshot: Json<unknown>;
  members: Json<unknown>;
  reason: string | null;
  drawn_by: string;
  drawn_at: Timestamp;
  /** the edition whose sizes the draw checked (0071; null: the first edition's, before editions) */
  policy_edition_id: string | null;
}

export interface TitleCommitteeMemberTable {
  session_id: string;
  expert_id: string;
  subgroup: string;
  role: 'chair' | 'vice_chair' | 'member';
  present: boolean | null;
}

export interface BallotVoterTable {
  session_id: string;
  expert_id: string;
  /** SM3 of the token sealed in this voter's paper (migration 0020; null for ballots cast before it) */
  token_hash: Buffer | null;
}

export interface BallotKeyTable {
  session_id: string;
  public_key: Buffer;
  sealed_private_key: Buffer | null;
  kek_id: string | null;
}

/** An open session's SM2 private key, wrapped by a BALLOT_KEYS key; deleted (and the table rewritten) at the close. */
export interface BallotPrivateKeyTable {
  session_id: string;
  sealed: Buffer;
  kek_id: string;
}

/** A threshold session's key share for one holder (migration 0075); every row of the session deleted at the count. */
export interface BallotKeyShareTable {
  session_id: string;
  x: number;
  holder_expert_id: string;
  share_hash: Buffer;
  sealed: Buffer | null;
  kek_id: string | null;
  collected_at: Timestamp | null;
  presented: Buffer | null;
  presented_kek_id: string | null;
  presented_at: Timestamp | null;
}

export interface BallotPaperTable {
  id: string;
  session_id: string;
  sealed: Buffer;
}

export interface BallotVoteTable {
  id: Generated<string>;
  session_id: string;
  application_id: string;
  vote: 'yes' | 'no' | 'abstain';
}

export interface TitleGrantTable {
  id: Generated<string>;
  id_number: string;
  name: string;
  level: 'senior' | 'professor';
  category: string;
  /** a `date` column: read as text YYYY-MM-DD (see db/connection type parser) or Date */
  granted_on: ColumnType<string | Date, string, string>;
  certificate_code: string;
  session_id: string;
  application_id: string;
  revoked_at: Timestamp | null;
  revoked_reason: string | null;
}

export interface TitleBanTable {
  id: Generated<string>;
  id_number: string;
  from_year: number;
  to_year: number;
  reason: string;
  decided_by: string;
  decided_at: Timestamp;
  application_id: string | null;
}

export interface TitleReviewTables {
  zj_unit: TitleUnitTable;
  zj_expert: TitleExpertTable;
  zj_session: TitleSessionTable;
  zj_application: TitleApplicationTable;
  zj_committee_draw: TitleCommitteeDrawTable;
  zj_committee_member: TitleCommitteeMemberTable;
  ballot_voter: BallotVoterTable;
  ballot_vote: BallotVoteTable;
  ballot_key: BallotKeyTable;
  ballot_private_key: BallotPrivateKeyTable;
  ballot_key_share: BallotKeyShareTable;
  ballot_paper: BallotPaperTable;
  title_grant: TitleGrantTable;
  title_ban: TitleBanTable;
}

export type TitleSession = Selectable<TitleSessionTable>;
export type TitleApplication = Selectable<TitleApplicationTable>;
export type TitleExpert = Selectable<TitleExpertTable>;
