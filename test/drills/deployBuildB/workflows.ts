/**
 * Build B of the deploy drill (test/drills/deploy.test.ts): today's workflows with one change to the certificate
 * claim, made the way every change to workflow code is made here (docs/operations.md, "Deploy: new code"): behind
 * `patched()`. A claim that reaches the changed spot for the first time on B takes the new path and records the
 * patch marker; a claim whose history already passed it (started on build A) replays the old path. The change:
 * the claim says in its memo which build started it.
 */
import { patched, upsertMemo } from '@temporalio/workflow';
import { certificateClaimWorkflow as certificateClaimWorkflowA } from '../../../nanxun/workflows/certificateClaim';

export * from '../../../workflows';

export const BUILD_B_PATCH = 'drill-deploy-build-b-memo';

export async function certificateClaimWorkflow(...args: Parameters<typeof certificateClaimWorkflowA>): ReturnType<typeof certificateClaimWorkflowA> {
  if (patched(BUILD_B_PATCH)) upsertMemo({ startedOnBuild: 'B' });
  return certificateClaimWorkflowA(...args);
}
