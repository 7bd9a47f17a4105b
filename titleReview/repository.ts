/**
 * The title review's own rows written on behalf of people (sessions, applications, the expert pool, the ballot box is
 * titleReview/ballotBox.ts). The workflows' projections of their state are in titleReview/activities.ts; nothing else writes these.
 */
import { nextSequenceValue } from '../platform/sequences';
import type { Insertable, Kysely } from 'kysely';
import type { Database } from '../db/schema';
import type { ZjApplicationTable, ZjExpertTable, ZjSessionTable } from './schema';
import type { TitleLevel } from './rules';
import { attachMaterials } from '../platform/materials/repository';

/** A session as the office opened it, carried in the session workflow's input until the workflow records it. */
export interface OpenedSession {
  id: string;
  year: number;
  level: TitleLevel;
  meetingDate: string;
  workflowId: string;
  createdBy: string;
  createdAt: string;
}

/** An application as the applicant submitted it, recorded by its workflow's first step. */
export interface SubmittedApplication {
  id: string;
  applicationNo: string;
  sessionId: string;
  level: TitleLevel;
  category: string;
  channel: string;
  workflowId: string;
  applicantUserId: number;
  applicantName: string;
  applicantIdNumber: string;
  applicantPhone: string;
  employerOrgCode: string;
  competentOrgCode: string;
  lowerCommitteeOrgCode: string | null;
  materials: Record<string, unknown>;
  submittedAt: string;
  /** uploaded materials (申请材料) the application attaches, checked by the API before the workflow started */
  materialIds?: string[];
}

export class DuplicateApplicationError extends Error {}

export async function nextTitleSequence(db: Kysely<Database>, level: TitleLevel, year: number): Promise<number> {
  return nextSequenceValue(db, `zj-${level}-${year}`);
}

/** Records an opened session (idempotent: a retried step finds it there). */
export async function recordOpenedSession(db: Kysely<Database>, s: OpenedSession): Promise<void> {
  const row: Insertable<ZjSessionTable> = {
    id: s.id,
    year: s.year,
    level: s.level,
    meeting_date: s.meetingDate,
    status: 'accepting',
    workflow_id: s.workflowId,
    created_by: s.createdBy,
    created_at: s.createdAt,
    updated_at: s.createdAt,
  };
  await db
    .insertInto('zj_session')
    .values(row)
    .onConflict((oc) => oc.column('id').doNothing())
    .execute();
}

/** Records a submitted application (idempotent); DuplicateApplicationError if the person already applied. */
export async function recordSubmittedApplication(db: Kysely<Database>, a: SubmittedApplication): Promise<void> {
  const row: Insertable<ZjApplicationTable> = {
    id: a.id,
    application_no: a.applicationNo,
    session_id: a.sessionId,
    level: a.level,
    category: a.category,
    channel: a.channel,
    workflow_id: a.workflowId,
    applicant_user_id: a.applicantUserId,
    applicant_name: a.applicantName,
    applicant_id_number: a.applicantIdNumber,
    applicant_phone: a.applicantPhone,
    employer_org_code: a.employerOrgCode,
    competent_org_code: a.competentOrgCode,
    lower_committee_org_code: a.lowerCommitteeOrgCode,
    materials: JSON.stringify(a.materials),
    commitment_at: a.submittedAt,
    status: 'unit_recommendation',
    stage: 'unit_recommendation',
    submitted_at: a.submittedAt,
    updated_at: a.submittedAt,
  };
  try {
    await db.transaction().execute(async (trx) => {
      const inserted = await trx
        .insertInto('zj_application')
        .values(row)
        .onConflict((oc) => oc.column('id').doNothing())
        .returning('id')
        .executeTakeFirst();
      if (inserted) await attachMaterials(trx, a.applicantUserId, a.materialIds ?? [], 'title_application', a.id, new Date(a.submittedAt));
    });
  } catch (err) {
    const e = err as { code?: string; constraint?: string };
    if (e.code === '23505' && e.constraint === 'zj_application_one_per_session')
      throw new DuplicateApplicationError('the person already has an application in this session');
    throw err;
  }
}

/** Adds an expert to a pool; false if the account is already linked to another expert. */
export async function insertExpert(db: Kysely<Database>, e: Insertable<ZjExpertTable>): Promise<boolean> {
  try {
    await db.insertInto('zj_expert').values(e).execute();
    return true;
  } catch (err) {
    if ((err as { code?: string }).code === '23505') return false;
    throw err;
  }
}

/** The reconciliation (titleReview/reconciliation.ts) sets an application's status to the one its workflow holds. */
export async function repairApplicationStatus(
  db: Kysely<Database>,
  r: { applicationId: string; status: string; stage: string; running: boolean; at: string },
): Promise<void> {
  await db
    .updateTable('zj_application')
    .set({ status: r.status, stage: r.stage, updated_at: r.at, ...(r.running ? { closed_at: null, close_reason: null } : {}) })
    .where('id', '=', r.applicationId)
    .where('status', '<>', 'withdrawn')
    .execute();
}
