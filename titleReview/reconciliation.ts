/**
 * The title review's part of the reconciliation (platform/reconciliation): each application row's status against
 * its workflow (the inbox rows of applications, sessions and misconduct cases are checked by the platform).
 */
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema';
import type { Finding, SubjectReconciler, WorkflowUnderCheck } from '../platform/reconciliation/reconciler';
import { repairApplicationStatus } from './repositories/applications';
import { FINAL } from './repositories/applications';

async function reconcileApplication(db: Kysely<Database>, w: WorkflowUnderCheck): Promise<Finding[]> {
  if (w.workflowType !== 'titleApplicationWorkflow') return [];
  const app = await db.selectFrom('zj_application').select(['id', 'status', 'closed_at']).where('workflow_id', '=', w.workflowId).executeTakeFirst();
  const subject = { workflowId: w.workflowId, subjectType: 'title_application' };
  if (!app) {
    if (w.snapshot.status === 'duplicate') return [];
    return [{ ...subject, kind: 'subject_missing', detail: { workflowStatus: w.snapshot.status }, repaired: false, needsPerson: true }];
  }
  if (FINAL.includes(app.status)) return []; // a withdrawal is never overwritten (as zjSetApplicationStatus)
  if (app.status === w.snapshot.status && !(w.running && app.closed_at != null)) return [];
  await repairApplicationStatus(db, { applicationId: app.id, status: w.snapshot.status, stage: w.snapshot.stage, running: w.running, at: w.at });
  return [
    {
      ...subject,
      subjectId: app.id,
      kind: 'status_differs',
      detail: { rowStatus: app.status, workflowStatus: w.snapshot.status, workflowStage: w.snapshot.stage },
      repaired: true,
      needsPerson: false,
    },
  ];
}

export const titleReviewReconciler: SubjectReconciler = {
  workflowTypes: ['titleApplicationWorkflow', 'titleSessionWorkflow', 'titleMisconductWorkflow'],
  async unfinishedWorkflowIds(db) {
    const rows = await db.selectFrom('zj_application').select('workflow_id').where('closed_at', 'is', null).execute();
    return rows.map((r) => r.workflow_id);
  },
  reconcile: reconcileApplication,
};
