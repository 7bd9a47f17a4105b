import type { Kysely } from 'kysely';
import type { Database } from '../db/schema';
import { createTaskActivities } from '../platform/tasks/activities';
import { createClaimActivities } from '../nanxun/activities/claims';
import { createPayoutActivities } from '../nanxun/activities/payouts';
import { createInstalmentActivities } from '../nanxun/activities/instalments';
import { createClawbackActivities } from '../nanxun/activities/clawback';
import { createNoticeActivities } from '../platform/publicity/activities';
import { createZhejiangActivities } from '../titleReview/activities';
import { createTitleSubmissionActivities } from '../titleReview/submissionActivities';
import { installDomains } from '../platform/plugins/registry';
import { DOMAINS } from '../domains';

/** Every activity the worker registers, bound to one database; installs the domains the kernel's activities ask. */
export function createActivities(db: Kysely<Database>) {
  installDomains(DOMAINS);
  return {
    ...createTaskActivities(db),
    ...createClaimActivities(db),
    ...createPayoutActivities(db),
    ...createInstalmentActivities(db),
    ...createClawbackActivities(db),
    ...createNoticeActivities(db),
    ...createZhejiangActivities(db),
    ...createTitleSubmissionActivities(db),
  };
}

export type Activities = ReturnType<typeof createActivities>;
