/**
 * The claim's own rows: the application number sequence, the claim as submitted (with its instalment plan,
 * nanxun/repositories/instalments.ts), its status and its derived totals. Every write of the claim row goes through
 * here (the claim workflow's first activity records the submission; the API never writes it).
 */
import { nextSequenceValue } from '../../platform/sequenceRepository';
import { sql, type Insertable, type Kysely, type Transaction } from 'kysely';
import type { ClaimTable, Database } from '../../db/schema';
import { DUPLICATE_CONSTRAINTS } from '../claimPlans';
import { attachMaterials } from '../../platform/materials/repository';
import type { ClaimKind } from '../rules';
import { insertInstalmentPlan } from './instalments';

type Db = Kysely<Database> | Transaction<Database>;

/** A claim as the applicant submitted it, carried in the workflow's input until the workflow records it. */
export interface SubmittedClaim {
  id: string;
  applicationNo: string;
  kind: ClaimKind;
  workflowId: string;
  applicantUserId: number;
  applicantName: string;
  applicantIdNumber: string;
  applicantPhone: string;
  employerOrgCode: string;
  position: string | null;
  employerNature: string | null;
  level: string;
  amountYuan: number;
  rereviewOrgCode: string;
  form: Record<string, unknown>;
  instalmentsYuan: number[];
  /** the policy edition in force when it was submitted: its substantive terms (amounts, plan) apply (实体从旧) */
  policyEditionId?: string;
  submittedAt: string;
  /** uploaded materials (申请材料) the submission attaches, checked by the API before the workflow started */
  materialIds?: string[];
}

/** The person already holds what this claim asks for (a unique rule of DUPLICATE_CONSTRAINTS). */
export class DuplicateClaimError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DuplicateClaimError';
  }
}

/** The next application number's sequence value for `kind` in `year` (its own short transaction; gaps are possible). */
export async function nextClaimSequence(db: Kysely<Database>, kind: ClaimKind, year: number): Promise<number> {
  return nextSequenceValue(db, `claim-${kind}-${year}`);
}

/**
 * Records a submitted claim and its instalment plan in one transaction. Run again (an activity retried after a
 * crash), it finds the claim already there and changes nothing. Throws DuplicateClaimError when the person
 * already holds a claim that excludes this one (the check the API made before, repeated by the database).
 */
export async function recordSubmittedClaim(db: Kysely<Database>, c: SubmittedClaim): Promise<void> {
  try {
    await db.transaction().execute(async (trx) => {
      const row: Insertable<ClaimTable> = {
        id: c.id,
        application_no: c.applicationNo,
        kind: c.kind,
        workflow_id: c.workflowId,
        applicant_user_id: c.applicantUserId,
        applicant_name: c.applicantName,
        applicant_id_number: c.applicantIdNumber,
        applicant_phone: c.applicantPhone,
        employer_org_code: c.employerOrgCode,
        position: c.position,
        employer_nature: c.employerNature,
        level: c.level,
        amount_yuan: c.amountYuan,
        status: 'unit_verification',
        stage: 'unit_verification',
        rereview_org_code: c.rereviewOrgCode,
        form: JSON.stringify(c.form),
        submitted_at: c.submittedAt,
        updated_at: c.submittedAt,
        policy_edition_id: c.policyEditionId ?? null,
      };
      const inserted = await trx
        .insertInto('claim')
        .values(row)
        .onConflict((oc) => oc.column('id').doNothing())
        .returning('id')
        .executeTakeFirst();
      if (!inserted) return; // recorded by an earlier attempt
      // a material attached elsewhere meanwhile stays where it is: the unit can ask for it again
      await attachMaterials(trx, c.applicantUserId, c.materialIds ?? [], 'nanxun_claim', c.id, new Date(c.submittedAt));
      await insertInstalmentPlan(trx, { claimId: c.id, workflowId: c.workflowId, instalmentsYuan: c.instalmentsYuan, submittedAt: c.submittedAt });
    });
  } catch (err) {
    const e = err as { code?: string; constraint?: string };
    if (e.code === '23505' && e.constraint && DUPLICATE_CONSTRAINTS[e.constraint]) throw new DuplicateClaimError(DUPLICATE_CONSTRAINTS[e.constraint]!);
    throw err;
  }
}

/**
 * The workflow's status of the claim; a closing status records when and why. A clawback is final: a workflow still
 * finishing a step cannot overwrite it.
 */
export async function setClaimStatus(
  db: Db,
  input: { claimId: string; status: string; stage: string; at: string; closed?: boolean; closeReason?: string | null },
): Promise<void> {
  await db
    .updateTable('claim')
    .set({
      status: input.status,
      stage: input.stage,
      updated_at: input.at,
      ...(input.closed ? { closed_at: input.at, close_reason: input.closeReason ?? null } : {}),
    })
    .where('id', '=', input.claimId)
    // a clawback is final: a workflow still finishing a step cannot overwrite it
    .where((eb) => (input.status === 'clawed_back' ? eb.lit(true) : eb('status', '<>', 'clawed_back')))
    .execute();
}

/** 弄虚作假: the claim is clawed back (closed, with the reason). */
export async function markClaimClawedBack(db: Db, input: { claimId: string; reason: string; at: string }): Promise<void> {
  await db
    .updateTable('claim')
    .set({ status: 'clawed_back', closed_at: input.at, close_reason: input.reason, updated_at: input.at })
    .where('id', '=', input.claimId)
    .execute();
}

/** paid_yuan is derived from the payouts, so recomputing it is idempotent. */
export async function recomputePaidYuan(db: Db, input: { claimId: string; at: string }): Promise<void> {
  await db
    .updateTable('claim')
    .set({
      paid_yuan: sql<number>`(select coalesce(sum(amount_yuan), 0)::int from payout where claim_id = ${input.claimId})`,
      updated_at: input.at,
    })
    .where('id', '=', input.claimId)
    .execute();
}

export function findClaimByWorkflowId(db: Kysely<Database>, workflowId: string) {
  return db.selectFrom('claim').select(['id', 'status', 'stage']).where('workflow_id', '=', workflowId).executeTakeFirst();
}

/** claims still under way (their re-review body is fixed; an employer's move puts a note on them) */
export const OPEN_CLAIM_STATUSES = ['unit_verification', 'bureau_review', 'rereview', 'payout', 'awaiting_next_instalment'] as const;

/** open claims of these employers, with the body each was routed to */
export async function openClaimsOf(db: Kysely<Database>, employerCodes: string[]) {
  if (!employerCodes.length) return [];
  return db
    .selectFrom('claim')
    .select(['id', 'application_no', 'kind', 'stage', 'status', 'employer_org_code', 'rereview_org_code'])
    .where('employer_org_code', 'in', employerCodes)
    .where('status', 'in', [...OPEN_CLAIM_STATUSES])
    .orderBy('submitted_at')
    .execute();
}

/**
 * The reconciliation (nanxun/reconciliation.ts) sets the claim's status to the one its workflow holds: still running,
 * the claim is open again; ended, it is closed. Payouts are never touched here.
 */
export async function repairClaimStatus(
  db: Kysely<Database>,
  r: { claimId: string; status: string; stage: string; running: boolean; at: string },
): Promise<void> {
  await db
    .updateTable('claim')
    .set({
      status: r.status,
      stage: r.stage,
      updated_at: r.at,
      ...(r.running ? { closed_at: null, close_reason: null } : {}),
    })
    .where('id', '=', r.claimId)
    .where('status', '<>', 'clawed_back')
    .execute();
}
