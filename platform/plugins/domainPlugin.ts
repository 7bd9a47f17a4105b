import type { PolicyDomain } from '../policy/domain';
/**
 * What a domain (a public process: Nanxun claims, the title review, a third one) tells the kernel about itself.
 * The kernel knows no domain: everything it needs of a subject, a report or a table of personal data comes from
 * the plugins the composition roots install (api/app.ts, activities/index.ts, db/connection.ts).
 * docs/CONVENTIONS.md, "Adding a process", lists what a new domain provides.
 */
import type { Router } from 'express';
import type { Kysely, SelectQueryBuilder } from 'kysely';
import type { ZodType } from 'zod';
import type { Database, Task } from '../../db/schema';
import type { Actor } from '../tasks/messages';
import type { RouterDeps } from '../http/deps';
import type { SubjectReconciler } from '../reconciliation/reconciler';
import type { GaugeFamily } from '../metrics/gaugeFamilies';
import type { CsvColumns } from '../reports/csv';
import type { OrgRecord } from '../orgs/orgInput';
import type { Keyring } from '../crypto/keys';

export type Db = Kysely<Database>;

/** The facts every subject (a claim, an application) has, whatever its domain. */
export interface SubjectFacts {
  type: string;
  id: string;
  /** the number the applicant and the clerks use (申请编号) */
  reference: string;
  /** what is applied for, as the inbox and the public progress page show it */
  kind: string;
  /** a title application's level, shown in the inbox (null for other subjects) */
  level: string | null;
  status: string;
  stage: string;
  applicantName: string;
  applicantUserId: number | null;
  applicantIdNumber: string;
  submittedAt: Date;
  closedAt: Date | null;
}

/** One kind of subject a domain's workflows open tasks on (`task.subject_type`). */
export interface SubjectProvider {
  type: string;
  /**
   * The subjects with these ids (missing ids are left out). A subject without an applicant (e.g. a review
   * session) leaves out find, findByReference and idsByApplicantName: its tasks show no applicant.
   */
  find?(db: Db, ids: readonly string[]): Promise<SubjectFacts[]>;
  /** the subject with this reference (申请编号), for the public progress page */
  findByReference?(db: Db, reference: string): Promise<SubjectFacts | undefined>;
  /** ids of the subjects whose applicant's name is LIKE the pattern (a subquery for the inbox search) */
  idsByApplicantName?(db: Db, like: string): SelectQueryBuilder<Database, never, { id: string }>;
  /** what the task page shows of the subject to this viewer (`viewerDecides`: the viewer may decide the task) */
  taskSummary?(db: Db, task: Task, viewer: Actor, viewerDecides: boolean): Promise<Record<string, unknown> | null>;
  /** how many subjects each of these accounts applied for */
  countByApplicants?(db: Db, userIds: readonly number[]): Promise<Map<number, number>>;
  /** the kinds of material a subject of this kind (e.g. a claim's kind) needs, each at least once */
  requiredMaterials?(kind: string): string[];
  /** readers beyond the applicant and the bodies that had a task on it (e.g. the committee's experts) */
  extraReader?(db: Db, viewer: Actor, id: string): Promise<boolean>;
}

/** A report a domain offers at GET /api/v1/reports/<path> (JSON, or CSV with ?format=csv). */
export interface ReportDefinition {
  /** the last segment of /api/v1/reports/<path> */
  path: string;
  summary: string;
  /** the schema of one row, for the OpenAPI document */
  row: ZodType;
  /** the CSV columns: [row field, header label], in order */
  csv: CsvColumns;
  run(db: Db): Promise<Record<string, unknown>[]>;
}

/** A table of a domain that holds personal data, for key rotation and the storage scan (crypto/personalData.ts). */
export interface PersonalDataTable {
  table: string;
  /** columns holding an ID number (blind index in the column, ciphertext in `<column>_enc`) */
  indexed: string[];
  /** columns holding a phone number (ciphertext in the column) */
  encrypted: string[];
  /** rebuilt from other tables (a projection): rotation skips it */
  projection?: boolean;
}

/** An employer moved to another town/zone or regulator (its routing before and after). */
export interface EmployerMove {
  code: string;
  before: OrgRecord;
  after: OrgRecord;
}

/** The routing a process keeps of an organisation beside the kernel's org row (column → value). */
export type OrgRouting = { competent_org_code?: string | null; lower_committee_org_code?: string | null };

/** What an employer's organisational change means for a domain's open cases. */
export interface OrgHooks {
  /** the routing this process keeps of organisations (read with every org detail, written with every upsert) */
  routing?: {
    read(db: Db, codes: readonly string[]): Promise<Map<string, OrgRouting>>;
    write(trx: Db, rows: readonly { code: string; record: OrgRecord }[]): Promise<void>;
  };
  /** employers moved (inside the move's transaction): note it on their open cases; answers how many were noted */
  employerMoved?(trx: Db, moves: readonly EmployerMove[], actor: string, at: Date): Promise<number>;
}

/** What key rotation (platform/crypto/rotation.ts) asks of a domain beyond its personal-data columns. */
export interface KeyRotationHooks {
  /** rebuilds projections of rotated data and re-wraps the domain's own keys; answers how many keys it re-wrapped */
  rotate(db: Kysely<any>, ring: Keyring): Promise<number>;
  /** how many of the domain's own keys are not under the current key versions */
  outdated(db: Kysely<any>, ring: Keyring): Promise<number>;
}

export interface DomainPlugin {
  /** the folder and the name used in logs */
  name: string;
  subjects: readonly SubjectProvider[];
  reports?: readonly ReportDefinition[];
  personalData?: readonly PersonalDataTable[];
  /** the names (中文) of this domain's task kinds, as messages and the console show them */
  taskKinds?: Record<string, string>;
  /** the kinds of publicity notice this domain publishes that differ from the default (which takes objections) */
  noticeKinds?: Record<string, { takesObjections: boolean }>;
  /** extra fields of a decision (POST /tasks/:id/decision) that this domain's tasks take */
  decisionFields?: Record<string, ZodType>;
  /** the domain's one router (mounted once by api/app.ts) */
  routes?(deps: RouterDeps): Router;
  orgs?: OrgHooks;
  /** the domain's part of the reconciliation of the projection with the workflows (platform/reconciliation) */
  reconciler?: SubjectReconciler;
  /** the domain's business metrics on /metrics (platform/metrics/gaugeFamilies.ts) */
  metrics?: readonly GaugeFamily[];
  keyRotation?: KeyRotationHooks;
  /** the domain's policy: its parameters (each with kind and clause) and the dry run of a new edition (platform/policy) */
  policy?: PolicyDomain;
}
