/** The one writer of the `auth_session` table (sessions.ts keeps the per-process cache around it). */
import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema';

type Db = Kysely<Database>;

export async function insertSession(
  db: Db,
  s: { id: string; userId: number; expiresAt: Date; clientIp: string | null; provider?: string | null },
): Promise<void> {
  await db
    .insertInto('auth_session')
    .values({ id: s.id, user_id: s.userId, expires_at: s.expiresAt, client_ip: s.clientIp, provider: s.provider ?? null })
    .execute();
}

/** Revokes one live session; answers its user, or undefined when it was unknown or already revoked. */
export async function revokeSession(db: Db, sessionId: string, reason: string): Promise<{ user_id: number } | undefined> {
  return db
    .updateTable('auth_session')
    .set({ revoked_at: new Date(), revoked_reason: reason })
    .where('id', '=', sessionId)
    .where('revoked_at', 'is', null)
    .returning('user_id')
    .executeTakeFirst();
}

/** Revokes every live session of the user (optionally all but one); answers the revoked ids. */
export async function revokeUserSessions(db: Db, userId: number, reason: string, exceptSessionId?: string): Promise<{ id: string }[]> {
  let q = db.updateTable('auth_session').set({ revoked_at: new Date(), revoked_reason: reason }).where('user_id', '=', userId).where('revoked_at', 'is', null);
  if (exceptSessionId) q = q.where('id', '<>', exceptSessionId);
  return q.returning('id').execute();
}
