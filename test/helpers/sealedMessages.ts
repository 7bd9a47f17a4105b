/**
 * A secret message (a one-time password, a verification code) as its recipient receives it, read from the
 * notification outbox: the text the phone gets (the sealed body opened) beside what is stored at rest.
 */
import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema';
import { SEALED_BODY_COLUMNS, bodyOf } from '../../platform/notifications/sealedBody';

export async function newestSealedMessage(db: Kysely<Database>, username: string, kind: string) {
  const row = await db
    .selectFrom('notification')
    .innerJoin('app_user', 'app_user.id', 'notification.recipient_user_id')
    .select([...SEALED_BODY_COLUMNS, 'notification.sms_state'])
    .where('app_user.username', '=', username)
    .where('notification.kind', '=', kind)
    .orderBy('notification.created_at', 'desc')
    .orderBy('notification.id', 'desc')
    .executeTakeFirstOrThrow();
  return { received: bodyOf(row), atRest: row.body, sealed: row.body_sealed !== null, smsState: row.sms_state };
}
