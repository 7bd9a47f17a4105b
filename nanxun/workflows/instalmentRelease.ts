/**
 * The yearly release of shortage-talent instalments (started by the Temporal Schedule, or by an admin):
 * opens every instalment falling due in `onDate`'s year (rules.ts releaseDueBy: the release of year Y opens year Y's
 * instalments, so none waits a whole extra year), in batches, and reports how many it opened.
 */
import { patched, proxyActivities, workflowInfo } from '@temporalio/workflow';
import { RETRY_UNTIL_DONE } from '../../platform/workflows/activityOptions';
import type { InstalmentActivities } from '../activities/instalments';
import { shanghaiDate } from '../../platform/calendar/workdays';
import { releaseDueBy } from '../rules';

const { releaseDueInstalments } = proxyActivities<InstalmentActivities>({
  startToCloseTimeout: '10 minutes',
  heartbeatTimeout: '1 minute',
  retry: RETRY_UNTIL_DONE,
});

export const RELEASE_BATCH_SIZE = 1000;

export async function instalmentReleaseWorkflow(input: { onDate?: string } = {}): Promise<{ onDate: string; opened: number; ended: number; failed: number }> {
  const onDate = input.onDate ?? shanghaiDate(Date.now());
  const releaseId = workflowInfo().workflowId;
  let opened = 0;
  let ended = 0;
  let failed = 0;
  // releases recorded before this rule opened only what was due by the release day
  const dueBy = patched('release-opens-whole-year') ? releaseDueBy(onDate) : onDate;
  for (;;) {
    const r = await releaseDueInstalments({ onDate, dueBy, releaseId, batchSize: RELEASE_BATCH_SIZE, at: new Date(Date.now()).toISOString() });
    opened += r.released;
    ended += r.ended;
    failed += r.failed;
    if (r.attempted < RELEASE_BATCH_SIZE) break;
  }
  return { onDate, opened, ended, failed };
}
