/**
 * The reconciliation as a workflow of its own (run after every restore and on demand: `npm run reconcile`,
 * POST /api/v1/admin/reconciliations): lists the workflows to check, checks them in batches, records the run.
 */
import { proxyActivities, workflowInfo } from '@temporalio/workflow';
import { RETRY_UNTIL_DONE } from '../workflows/activityOptions';
import type { ReconciliationActivities } from './activities';
import type { RunSummary } from './repository';

const acts = proxyActivities<ReconciliationActivities>({ startToCloseTimeout: '10 minutes', heartbeatTimeout: '1 minute', retry: RETRY_UNTIL_DONE });

const BATCH = 50;

export interface ReconciliationInput {
  reason: string;
}

export const RECONCILIATION_WORKFLOW_PREFIX = 'reconciliation-';

export async function reconciliationWorkflow(input: ReconciliationInput): Promise<RunSummary> {
  const runId = workflowInfo().workflowId;
  const at = () => new Date(Date.now()).toISOString();
  await acts.startReconciliation({ runId, reason: input.reason, at: at() });
  const ids = await acts.listReconciliationTargets();
  for (let i = 0; i < ids.length; i += BATCH) {
    await acts.reconcileWorkflows({ runId, at: at(), workflowIds: ids.slice(i, i + BATCH) });
  }
  return acts.finishReconciliation({ runId, at: at(), workflowsChecked: ids.length });
}
