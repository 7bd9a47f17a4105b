import type { Kysely } from 'kysely';
import type { Database } from '../db/schema';
import { createTaskActivities } from './tasks';
import { createClaimActivities } from './claims';

/** Every activity the worker registers, bound to one database. */
export function createActivities(db: Kysely<Database>) {
  return { ...createTaskActivities(db), ...createClaimActivities(db) };
}

export type Activities = ReturnType<typeof createActivities>;
