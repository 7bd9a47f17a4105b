/** Every activity of the Nanxun claims, bound to one database: the one factory activities/index.ts composes. */
import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema';
import { createClaimActivities } from './claims';
import { createPayoutActivities } from './payouts';
import { createInstalmentActivities } from './instalments';
import { createClawbackActivities } from './clawback';
import { createNanxunPolicyActivities } from './policy';

export function createNanxunActivities(db: Kysely<Database>) {
  return {
    ...createClaimActivities(db),
    ...createPayoutActivities(db),
    ...createInstalmentActivities(db),
    ...createClawbackActivities(db),
    ...createNanxunPolicyActivities(db),
  };
}
