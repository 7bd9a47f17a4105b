import type { PolicyEditionTable } from '../platform/policy/schema';
import type { ColumnType, Generated, Insertable, Selectable, Updateable } from 'kysely';
import type { TitleReviewTables } from '../titleReview/schema';
import type { AccountTables } from '../platform/auth/schema';
import type { MaterialTables } from '../platform/materials/schema';
import type { RatingTable } from '../platform/ratings/schema';
import type { NotificationTables } from '../platform/notifications/schema';
import type { ReconciliationTables } from '../platform/reconciliation/schema';
import type { PublicityTables } from '../platform/publicity/schema';

/** A timestamptz column: read as Date, written as Date or ISO string. */
type Timestamp = ColumnType<Date, Date | string, Date | string>;
type Json<T> = ColumnType<T, string, string>;

export type OrgType =
  | 'bureau' // 区应急管理局
  | 'regulator' // 行业监管部门
  | 'town' // 镇 / 开发区
  | 'enterprise'
  | 'institution' // 事业单位
  | 'province_office' // 省应急管理厅人事处 (committee office)
  | 'hrss' // 省人力社保厅
  | 'competent_dept' // 主管部门
  | 'lower_committee'; // 下一级评审委员会

export interface OrgTable {
  code: string;
  name: string;
  type: OrgType;
  in_district: boolean;
  town_code: string | null;
  regulator_code: string | null;
  /** who re-reviews certificate claims for this employer: its town/zone or its regulator */
  cert_rereview_org_code: string | null;
  created_at: Generated<Timestamp>;
  /** 统一社会信用代码 (GB 32100-2015), unique; null for seeded bodies without one on file (0015_org_admin) */
  credit_code: string | null;
  address: string | null;
  /** a deactivated employer takes no new claims or applications; open ones finish */
  active: Generated<boolean>;
  updated_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  updated_by: string | null;
}

export interface UserTable {
  id: Generated<number>;
  username: string;
  password_hash: string;
  display_name: string;
  roles: string[];
  org_code: string | null;
  id_number: string | null;
  phone: string | null;
  is_demo: Generated<boolean>;
  created_at: Generated<Timestamp>;
  // accounts (0010, 0013)
  deactivated_at: Timestamp | null;
  must_change_password: Generated<boolean>;
  password_changed_at: Timestamp | null;
  created_by: string | null;
  /** applicant accounts: how far the binding to id_number is established (docs/security.md "Identity binding") */
  identity_status: 'provisional' | 'confirmed' | 'rejected' | null;
}

export interface CalendarYearTable {
  year: number;
  source: string;
  /** increments every time the year is (re)loaded, so a deadline can say which data it used */
  version: number;
  loaded_at: Generated<Timestamp>;
  loaded_by: string | null;
}

export interface CalendarDayTable {
  date: string;
  year: number;
  kind: 'holiday' | 'workday';
  name: string;
}

export interface ClaimTable {
  id: string;
  application_no: string;
  kind: 'certificate' | 'shortage_talent' | 'high_level';
  workflow_id: string;
  applicant_user_id: number | null;
  applicant_name: string;
  applicant_id_number: string;
  applicant_phone: string;
  employer_org_code: string;
  position: string | null;
  employer_nature: string | null;
  level: string;
  amount_yuan: number;
  paid_yuan: Generated<number>;
  status: string;
  stage: string;
  rereview_org_code: string;
  /** the form as submitted: certificate, employment, declaration, address, phones */
  form: Json<Record<string, unknown>>;
  submitted_at: Timestamp;
  updated_at: Timestamp;
  closed_at: Timestamp | null;
  close_reason: string | null;
  /** the policy edition it was submitted under (0066_nanxun_policy_editions); null for claims from before editions */
  policy_edition_id: ColumnType<string | null, string | null | undefined, string | null>;
}

export type TaskState = 'open' | 'paused' | 'done' | 'cancelled';

export interface TaskTable {
  id: string;
  kind: string;
  state: TaskState;
  subject_type: string;
  subject_id: string;
  subject_ref: string;
  workflow_id: string;
  org_code: string;
  /** the role that decides it */
  role: string;
  /** identity of the person the subject is about: their own organisation's clerks never see it */
  subject_person_id: string | null;
  opened_at: Timestamp;
  sla_working_days: number | null;
  due_on: string | null;
  due_at: Timestamp | null;
  warn_at: Timestamp | null;
  due_provisional: Generated<boolean>;
  /** which calendar data the deadline was computed from */
  due_calendar: Json<unknown> | null;
  warned_at: Timestamp | null;
  overdue_at: Timestamp | null;
  paused_at: Timestamp | null;
  decided_at: Timestamp | null;
  decided_by: string | null;
  decision: string | null;
  comment: string | null;
  decision_data: Json<unknown> | null;
  updated_at: Timestamp;
  /** the policy basis of its deadline { editionId, title, parameter, clause, basis } (0065_policy_editions) */
  policy: ColumnType<unknown, string | null | undefined, string | null>;
  /** warning days of its deadline, from the procedural edition (null: the platform default) */
  warn_working_days: ColumnType<number | null, number | null | undefined, number | null>;
}

export interface TimelineTable {
  id: Generated<string>;
  /** idempotency key of the writing activity */
  event_key: string;
  subject_type: string;
  subject_id: string;
  stage: string;
  org_code: string | null;
  actor: string;
  actor_name: string | null;
  event: string;
  decision: string | null;
  comment: string | null;
  data: Json<unknown> | null;
  at: Timestamp;
}

export interface PayoutTable {
  id: Generated<string>;
  claim_id: string;
  instalment_no: number;
  amount_yuan: number;
  fund_org_code: string;
  fund_year: number;
  paid_at: Timestamp;
  approved_by: string | null;
  recovered_at: Timestamp | null;
  recovery_reason: string | null;
}

export type InstalmentStatus = 'pending' | 'scheduled' | 'released' | 'in_review' | 'awaiting_budget' | 'paid' | 'cancelled';

export interface InstalmentTable {
  claim_id: string;
  year_no: number;
  amount_yuan: number;
  status: InstalmentStatus;
  workflow_id: string;
  due_on: string | null;
  released_at: Timestamp | null;
  release_id: string | null;
  paid_at: Timestamp | null;
  cancelled_reason: string | null;
  updated_at: Timestamp;
  /** when the plan's amount was fixed: year 1 approved (0072; null: fixed at submission, before) */
  plan_fixed_at: ColumnType<Date | null, string | null | undefined, string | null>;
  /** the edition whose split fixed it (the claim's own, 实体从旧) */
  plan_edition_id: ColumnType<string | null, string | null | undefined, string | null>;
}

/** The read projection of a claim (0006_claim_view), rebuilt by triggers; nanxun/claimView.ts reads it. */
export interface ClaimViewTable {
  claim_id: string;
  application_no: string;
  applicant_id_number: string;
  applicant_user_id: number | null;
  employer_org_code: string;
  rereview_org_code: string;
  view: ColumnType<unknown, never, never>;
  refreshed_at: ColumnType<Date, never, never>;
  refreshed_xid: ColumnType<string, never, never>;
  refreshed_stmt: ColumnType<Date, never, never>;
}

export interface FundBudgetTable {
  org_code: string;
  year: number;
  budget_yuan: number;
  set_by: string;
  updated_at: Timestamp;
}

export interface BlacklistTable {
  id_number: string;
  reason: string;
  source_claim_id: string | null;
  decided_by: string;
  decided_at: Timestamp;
}

export interface IdempotencyTable {
  user_id: number;
  key: string;
  request_hash: string;
  status_code: number;
  response: Json<unknown>;
  created_at: Generated<Timestamp>;
}

export interface SequenceTable {
  name: string;
  value: number;
}

export interface Database {
  org: OrgTable;
  app_user: UserTable;
  calendar_year: CalendarYearTable;
  calendar_day: CalendarDayTable;
  claim: ClaimTable;
  task: TaskTable;
  timeline: TimelineTable;
  payout: PayoutTable;
  blacklist: BlacklistTable;
  instalment: InstalmentTable;
  claim_view: ClaimViewTable;
  fund_budget: FundBudgetTable;
  idempotency: IdempotencyTable;
  sequence: SequenceTable;
  // Zhejiang title review (0004_zhejiang)
  zj_unit: TitleReviewTables['zj_unit'];
  zj_expert: TitleReviewTables['zj_expert'];
  zj_session: TitleReviewTables['zj_session'];
  zj_application: TitleReviewTables['zj_application'];
  zj_committee_draw: TitleReviewTables['zj_committee_draw'];
  zj_committee_member: TitleReviewTables['zj_committee_member'];
  ballot_voter: TitleReviewTables['ballot_voter'];
  ballot_vote: TitleReviewTables['ballot_vote'];
  ballot_key: TitleReviewTables['ballot_key'];
  ballot_private_key: TitleReviewTables['ballot_private_key'];
  ballot_key_share: TitleReviewTables['ballot_key_share'];
  ballot_paper: TitleReviewTables['ballot_paper'];
  title_grant: TitleReviewTables['title_grant'];
  title_ban: TitleReviewTables['title_ban'];
  // publicity notices and objections (the kernel's; created by 0004)
  notice: PublicityTables['notice'];
  objection: PublicityTables['objection'];
  // accounts, sessions, login protection, audit trail, identity disputes (0010–0013)
  auth_session: AccountTables['auth_session'];
  login_failure: AccountTables['login_failure'];
  login_lockout: AccountTables['login_lockout'];
  login_account_state: AccountTables['login_account_state'];
  audit_log: AccountTables['audit_log'];
  identity_dispute: AccountTables['identity_dispute'];
  federated_identity: AccountTables['federated_identity'];
  auth_flow: AccountTables['auth_flow'];
  auth_exchange_code: AccountTables['auth_exchange_code'];
  auth_link_ticket: AccountTables['auth_link_ticket'];
  auth_link_sms_code: AccountTables['auth_link_sms_code'];
  login_policy: AccountTables['login_policy'];
  // materials (0025_materials)
  material_blob: MaterialTables['material_blob'];
  material: MaterialTables['material'];
  material_content: MaterialTables['material_content'];
  material_access: MaterialTables['material_access'];
  material_request: MaterialTables['material_request'];
  // service ratings (0026_ratings)
  rating: RatingTable;
  // the message centre and its SMS outbox (0030_notifications)
  notification: NotificationTables['notification'];
  // the bureau's yearly certificate application period (0031_application_periods)
  nanxun_application_period: ApplicationPeriodTable;
  nanxun_application_period_version: ApplicationPeriodVersionTable;
  // the reconciliation of the projection with the workflows (0058_reconciliation)
  reconciliation_run: ReconciliationTables['reconciliation_run'];
  reconciliation_finding: ReconciliationTables['reconciliation_finding'];
  // policy editions (0065_policy_editions)
  policy_edition: PolicyEditionTable;
}

export interface ApplicationPeriodTable {
  year: number;
  /** `date` columns: read as text YYYY-MM-DD */
  starts_on: ColumnType<string, string, string>;
  ends_on: ColumnType<string, string, string>;
  notice_id: string;
  published_by: string;
  published_at: Timestamp;
  /** the newest version's number (the row is its projection, migration 0047) */
  version: number;
}

/** Every publication or correction of a year's period (append-only). */
export interface ApplicationPeriodVersionTable {
  year: number;
  version: number;
  starts_on: ColumnType<string, string, string>;
  ends_on: ColumnType<string, string, string>;
  published_by: string;
  published_at: Timestamp;
}

export type Org = Selectable<OrgTable>;
export type User = Selectable<UserTable>;
export type Claim = Selectable<ClaimTable>;
export type NewClaim = Insertable<ClaimTable>;
export type Task = Selectable<TaskTable>;
export type TaskUpdate = Updateable<TaskTable>;
export type TimelineRow = Selectable<TimelineTable>;
export type Payout = Selectable<PayoutTable>;
export type Instalment = Selectable<InstalmentTable>;
