import type { Kysely } from 'kysely';
import type { Database } from '../db/schema';
import { createTaskActivities } from '../platform/tasks/activities';
import { createNanxunActivities } from '../nanxun/activities';
import { createNoticeActivities } from '../platform/publicity/activities';
import { createAllTitleReviewActivities } from '../titleReview/allActivities';
import { installDomains } from '../platform/plugins/registry';
import { DOMAINS } from '../domains';
import { createReconciliationActivities } from '../platform/reconciliation/activities';

/** Every activity the worker registers, bound to one database; installs the domains the kernel's activities ask. */
export function createActivities(db: Kysely<Database>) {
  installDomains(DOMAINS);
  return {
    ...createTaskActivities(db),
    ...createNanxunActivities(db),
    ...createNoticeActivities(db),
    ...createAllTitleReviewActivities(db),
    ...createReconciliationActivities(db),
  };
}

export type Activities = ReturnType<typeof createActivities>;
