/**
 * Title applications (zj_application): the application number sequence, the application as submitted (recorded by
 * its workflow's first step) and every later write of its row, which the workflows' activities make through here.
 */
import { nextSequenceValue } from '../../platform/sequenceRepository';
import type { Insertable, Kysely, Transaction } from 'kysely';
import type { Database } from '../../db/schema';
import type { TitleApplicationTable } from '../schema';
import type { TitleLevel } from '../rules';
import { attachMaterials } from '../../platform/materials/repository';

type Db = Kysely<Database> | Transaction<Database>;

/** statuses that end an application; nothing may overwrite a withdrawal */
export const FINAL = ['withdrawn'];

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

/** Records a submitted application (idempotent); DuplicateApplicationError if the person already applied. */
export async function recordSubmittedApplication(db: Kysely<Database>, a: SubmittedApplication): Promise<void> {
  const row: Insertable<TitleApplicationTable> = {
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

/**
 * The workflow's status of the application; a closing status records when and why, a result is kept. A withdrawal is
 * never overwritten: returns whether the row changed.
 */
export async function setApplicationStatus(
  db: Db,
  input: { applicationId: string; status: string; stage: string; at: string; close?: { reason: string | null }; result?: unknown },
): Promise<boolean> {
  const r = await db
    .updateTable('zj_application')
    .set({
      status: input.status,
      stage: input.stage,
      updated_at: input.at,
      ...(input.close ? { closed_at: input.at, close_reason: input.close.reason } : {}),
      ...(input.result ? { result: JSON.stringify(input.result) } : {}),
    })
    .where('id', '=', input.applicationId)
    .where('status', 'not in', FINAL)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}

/** Qualification passed: qualified in its session, or deferred (closed, with the reason) when the session no longer takes it. */
export async function setQualificationOutcome(
  db: Db,
  input: { applicationId: string; status: 'qualified' | 'deferred'; reason: string | null; at: string },
): Promise<void> {
  const inSession = input.status === 'qualified';
  await db
    .updateTable('zj_application')
    .set({
      status: input.status,
      stage: 'qualification_review',
      updated_at: input.at,
      ...(inSession ? {} : { closed_at: input.at, close_reason: input.reason }),
    })
    .where('id', '=', input.applicationId)
    .execute();
}

/** The interview's summary, as the meeting recorded it. */
export async function recordInterview(db: Db, input: { applicationId: string; summary: string; by: string; at: string }): Promise<void> {
  await db
    .updateTable('zj_application')
    .set({ interview: JSON.stringify({ summary: input.summary, recordedBy: input.by, recordedAt: input.at }), updated_at: input.at })
    .where('id', '=', input.applicationId)
    .execute();
}

/** These applications are on the ballot (a withdrawn one stays withdrawn). */
export async function markApplicationsBalloting(db: Db, input: { applicationIds: string[]; at: string }): Promise<void> {
  await db
    .updateTable('zj_application')
    .set({ status: 'balloting', stage: 'meeting', updated_at: input.at })
    .where('id', 'in', input.applicationIds)
    .where('status', 'not in', FINAL)
    .execute();
}

/** The title is granted: the application closes certified (a withdrawn one stays withdrawn). */
export async function markApplicationCertified(db: Db, input: { applicationId: string; at: string }): Promise<void> {
  await db
    .updateTable('zj_application')
    .set({ status: 'certified', stage: 'certificate', updated_at: input.at, closed_at: input.at })
    .where('id', '=', input.applicationId)
    .where('status', 'not in', FINAL)
    .execute();
}

/** 第十七条 misconduct: the application is withdrawn, with the reason. */
export async function withdrawApplicationForMisconduct(db: Db, input: { applicationId: string; reason: string; at: string }): Promise<void> {
  await db
    .updateTable('zj_application')
    .set({ status: 'withdrawn', updated_at: input.at, closed_at: input.at, close_reason: `违纪（第十七条）：${input.reason}` })
    .where('id', '=', input.applicationId)
    .execute();
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
