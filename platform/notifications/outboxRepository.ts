/** The outbox's writes to the `notification` table: new messages (outbox.ts) and their SMS state (dispatcher.ts). */
import type { Insertable, Kysely, Transaction } from 'kysely';
import type { Database } from '../../db/schema';
import type { NotificationTable } from './schema';

type Db = Kysely<Database> | Transaction<Database>;

/** Writes the messages, once per event key and recipient; answers how many were new. */
export async function insertNotifications(db: Db, rows: Insertable<NotificationTable>[]): Promise<number> {
  const written = await db
    .insertInto('notification')
    .values(rows)
    .onConflict((oc) => oc.constraint('notification_once_per_event').doNothing())
    .returning('id')
    .execute();
  return written.length;
}

/** A pending message whose recipient has no phone: no SMS to send. */
export async function markSmsNone(db: Db, id: string): Promise<void> {
  await db.updateTable('notification').set({ sms_state: 'none' }).where('id', '=', id).where('sms_state', '=', 'pending').execute();
}

export async function markSmsSent(db: Db, id: string, at: Date): Promise<void> {
  await db
    .updateTable('notification')
    .set({ sms_state: 'sent', sms_sent_at: at, sms_error: null })
    .where('id', '=', id)
    .where('sms_state', '=', 'pending')
    .execute();
}

export async function markSmsFailed(db: Db, id: string, error: string): Promise<void> {
  await db
    .updateTable('notification')
    .set((eb) => ({ sms_attempts: eb('sms_attempts', '+', 1), sms_error: error }))
    .where('id', '=', id)
    .execute();
}

/**
 * The recipient has changed the password: the one-time passwords sent to them are erased from their messages (sealed
 * bodies, and clear bodies written before migration 0076).
 */
export async function eraseSecretBodies(db: Db, recipientUserId: number, placeholder: string): Promise<void> {
  await db
    .updateTable('notification')
    .set({ body: placeholder, body_sealed: null, body_kek_id: null })
    .where('recipient_user_id', '=', recipientUserId)
    .where('kind', '=', 'one_time_password')
    .where('body', '<>', placeholder)
    .execute();
}

/** Sealed bodies under another `pii` key than `kekId` (key rotation). */
export function bodiesNotUnder(db: Db, kekId: string) {
  return db
    .selectFrom('notification')
    .select(['id', 'body', 'body_sealed', 'body_kek_id', 'event_key', 'recipient_user_id'])
    .where('body_sealed', 'is not', null)
    .where('body_kek_id', '<>', kekId)
    .execute();
}

export async function resealBody(db: Db, id: string, fromKekId: string, to: { body_sealed: Buffer; body_kek_id: string }): Promise<void> {
  await db.updateTable('notification').set(to).where('id', '=', id).where('body_kek_id', '=', fromKekId).execute();
}
