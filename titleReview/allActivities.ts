/** Every activity of the title review, bound to one database: the one factory activities/index.ts composes. */
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema';
import { createTitleReviewActivities } from './activities';
import { createTitlePolicyActivities } from './policyActivities';
import { createTitleSubmissionActivities } from './submissionActivities';

export function createAllTitleReviewActivities(db: Kysely<Database>) {
  return { ...createTitleReviewActivities(db), ...createTitleSubmissionActivities(db), ...createTitlePolicyActivities(db) };
}
