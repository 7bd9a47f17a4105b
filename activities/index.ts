import type { Kysely } from 'kysely';
import type { Database } from '../db/schema';
import { createTaskActivities } from './tasks';
import { createClaimActivities } from './claims';
import { createPayoutActivities } from './payouts';
import { createInstalmentActivities } from './instalments';
import { createClawbackActivities } from './clawback';
import { createNoticeActivities } from './notices';
import { createZhejiangActivities } from './zhejiang';

/** Every activity the worker registers, bound to one database. */
export function createActivities(db: Kysely<Database>) {
  return {
    ...createTaskActivities(db),
    ...createClaimActivities(db),
    ...createPayoutActivities(db),
    ...createInstalmentActivities(db),
    ...createClawbackActivities(db),
    ...createNoticeActivities(db),
    ...createZhejiangActivities(db),
  };
}

export type Activities = ReturnType<typeof createActivities>;
