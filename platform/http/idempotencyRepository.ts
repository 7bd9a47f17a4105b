/**
 * Idempotency-Key records (per user): the first answer to a request with the key, written once there is one
 * (platform/tasks/decideTask.ts; the Temporal Update id derived from the key deduplicates the effect itself).
 * Keys reserved before the answer (status 102) were written by APIs before issue 23; they are honoured and freed
 * when the request was refused (a refusal is final and may be corrected).
 */
import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema';

/** status_code of a reserved key whose request has not answered yet (HTTP 102 Processing) */
export const IN_PROGRESS = 102;

export function idempotencyRepository(db: Kysely<Database>) {
  return {
    find(userId: number, key: string) {
      return db.selectFrom('idempotency').selectAll().where('user_id', '=', userId).where('key', '=', key).executeTakeFirst();
    },
    async reserve(userId: number, key: string, requestHash: string): Promise<void> {
      await db
        .insertInto('idempotency')
        .values({ user_id: userId, key, request_hash: requestHash, status_code: IN_PROGRESS, response: JSON.stringify({ inProgress: true }) })
        .onConflict((oc) => oc.columns(['user_id', 'key']).doNothing())
        .execute();
    },
    /** the first answer, in one statement whether or not the key was reserved before (an older API reserved it) */
    async remember(userId: number, key: string, requestHash: string, response: unknown): Promise<void> {
      await db
        .insertInto('idempotency')
        .values({ user_id: userId, key, request_hash: requestHash, status_code: 200, response: JSON.stringify(response) })
        .onConflict((oc) => oc.columns(['user_id', 'key']).doUpdateSet({ status_code: 200, response: JSON.stringify(response) }))
        .execute();
    },
    async release(userId: number, key: string): Promise<void> {
      await db.deleteFrom('idempotency').where('user_id', '=', userId).where('key', '=', key).where('status_code', '=', IN_PROGRESS).execute();
    },
  };
}
