/**
 * The Nanxun claims' part of the reconciliation (platform/reconciliation): each claim row against its workflow.
 * The status follows the workflow. A payout is money that left the fund: one the rows hold and the workflow has not
 * reached is never undone nor paid again (the payout is unique per claim and instalment, and payWithinBudget finds
 * it); it is reported for a person to check. One the workflow made and the rows lost is reported as well.
 */
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema';
import type { Finding, SubjectReconciler, WorkflowUnderCheck } from '../platform/reconciliation/reconciler';
import { repairClaimStatus } from './repositories/claims';

export const CLAIM_WORKFLOW_TYPES = ['certificateClaimWorkflow', 'shortageTalentClaimWorkflow', 'highLevelClaimWorkflow'] as const;

async function reconcileClaim(db: Kysely<Database>, w: WorkflowUnderCheck): Promise<Finding[]> {
  const claim = await db.selectFrom('claim').select(['id', 'status', 'stage', 'closed_at']).where('workflow_id', '=', w.workflowId).executeTakeFirst();
  const subject = { workflowId: w.workflowId, subjectType: 'nanxun_claim' };
  if (!claim) {
    if (w.snapshot.status === 'duplicate') return [];
    return [{ ...subject, kind: 'subject_missing', detail: { workflowStatus: w.snapshot.status }, repaired: false, needsPerson: true }];
  }
  const findings: Finding[] = [];
  const closedInRows = claim.closed_at != null;
  // a clawback is final (the clawback workflow writes it; the claim's workflow may not have taken the signal yet)
  const final = claim.status === 'clawed_back';
  if (!final && (claim.status !== w.snapshot.status || (w.running && closedInRows))) {
    await repairClaimStatus(db, { claimId: claim.id, status: w.snapshot.status, stage: w.snapshot.stage, running: w.running, at: w.at });
    findings.push({
      ...subject,
      subjectId: claim.id,
      kind: 'status_differs',
      detail: { rowStatus: claim.status, workflowStatus: w.snapshot.status, workflowStage: w.snapshot.stage },
      repaired: true,
      needsPerson: false,
    });
  }
  const payouts = await db.selectFrom('payout').select(['instalment_no', 'amount_yuan', 'paid_at']).where('claim_id', '=', claim.id).execute();
  const recordedYuan = payouts.reduce((s, p) => s + p.amount_yuan, 0);
  const workflowYuan = Number(w.snapshot.facts.paidYuan ?? 0);
  if (recordedYuan !== workflowYuan) {
    findings.push({
      ...subject,
      subjectId: claim.id,
      kind: recordedYuan > workflowYuan ? 'payout_ahead_of_workflow' : 'payout_missing_in_rows',
      detail: {
        recordedYuan,
        workflowYuan,
        payouts: payouts.map((p) => ({ instalmentNo: p.instalment_no, amountYuan: p.amount_yuan, paidAt: new Date(p.paid_at).toISOString() })),
        workflowStatus: w.snapshot.status,
      },
      repaired: false,
      needsPerson: true,
    });
  }
  return findings;
}

export const nanxunReconciler: SubjectReconciler = {
  workflowTypes: CLAIM_WORKFLOW_TYPES,
  async unfinishedWorkflowIds(db) {
    const rows = await db.selectFrom('claim').select('workflow_id').where('closed_at', 'is', null).execute();
    return rows.map((r) => r.workflow_id);
  },
  reconcile: reconcileClaim,
};
