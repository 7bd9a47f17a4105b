/**
 * A clawback (弄虚作假, seed 001 annex 3 四(三)): recover everything paid on the person's claims, cancel what is
 * pending, blacklist the person, and stop their running claim workflows.
 */
import { proxyActivities, workflowInfo } from '@temporalio/workflow';
import { RETRY_UNTIL_DONE } from '../../platform/workflows/activityOptions';
import type { ClawbackActivities, ClawbackSummary } from '../activities/clawback';

const acts = proxyActivities<ClawbackActivities>({
  startToCloseTimeout: '1 minute',
  retry: RETRY_UNTIL_DONE,
});

export async function clawbackWorkflow(input: {
  claimId: string;
  reason: string;
  by: string;
  byName: string;
  byOrg: string | null;
}): Promise<ClawbackSummary & { at: string }> {
  const at = new Date(Date.now()).toISOString();
  const summary = await acts.clawbackPerson({ ...input, at, eventKeyPrefix: workflowInfo().workflowId });
  await acts.signalClawback({ workflowIds: summary.personClaims.map((c) => c.workflowId), reason: input.reason, by: input.by });
  return { ...summary, at };
}
