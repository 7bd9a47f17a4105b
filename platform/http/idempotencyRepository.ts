/**
 * Idempotency-Key records (per user): a key is reserved before a request's effect is sent, holds the first answer
 * once there is one, and is freed when the request was refused (a refusal is final and may be corrected).
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
    async remember(userId: number, key: string, response: unknown): Promise<void> {
      await db
        .updateTable('idempotency')
        .set({ status_code: 200, response: JSON.stringify(response) })
        .where('user_id', '=', userId)
        .where('key', '=', key)
        .execute();
    },
    async release(userId: number, key: string): Promise<void> {
      await db.deleteFrom('idempotency').where('user_id', '=', userId).where('key', '=', key).where('status_code', '=', IN_PROGRESS).execute();
    },
  };
}
