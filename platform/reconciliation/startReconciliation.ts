/** Starts a reconciliation run (the admin route and `npm run reconcile` call this); its workflow id is its run id. */
import type { Client } from '@temporalio/client';
import { RECONCILIATION_WORKFLOW_PREFIX, type ReconciliationInput } from './workflow';

export async function startReconciliation(temporal: Client, taskQueue: string, input: ReconciliationInput) {
  const workflowId = `${RECONCILIATION_WORKFLOW_PREFIX}${new Date().toISOString().replace(/[:.]/g, '-')}`;
  return temporal.workflow.start('reconciliationWorkflow', { taskQueue, workflowId, args: [input] });
}
