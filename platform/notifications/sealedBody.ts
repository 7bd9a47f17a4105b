/**
 * Messages that carry a secret (a one-time password: issue 19, finding 5): the outbox keeps their body only sealed,
 * SM4-CTR + HMAC-SM3 under the current `pii` key, bound to the message's event key and recipient, so a copy of the
 * `notification` table (or of a backup) holds no password. The body is opened only to send the SMS (dispatcher.ts) and
 * to show the message to its recipient (repository.ts); it is erased once the recipient has changed the password.
 */
import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema';
import { keyring, type Keyring } from '../crypto/keys';
import { bodiesNotUnder, resealBody } from './outboxRepository';
import { open, seal } from '../crypto/sm4';

export const SEALED_PLACEHOLDER = '（此消息含一次性密码，仅向本人显示）';
export const ERASED_PLACEHOLDER = '（一次性密码已失效，内容已清除）';

const aad = (eventKey: string, recipientUserId: number) => `notification_body:${eventKey}:${recipientUserId}`;

export function sealBody(body: string, eventKey: string, recipientUserId: number, ring: Keyring = keyring()): { body_sealed: Buffer; body_kek_id: string } {
  const k = ring.current('pii');
  return { body_sealed: seal(k.key, Buffer.from(body, 'utf8'), aad(eventKey, recipientUserId)), body_kek_id: k.id };
}

/** The body to deliver: the sealed one opened when there is one, else the stored text. */
type SealedRow = { body: string; body_sealed: Buffer | null; body_kek_id: string | null; event_key: string; recipient_user_id: number };

/** the notification's columns bodyOf and smsText read (select them with the rest of a query) */
export const SEALED_BODY_COLUMNS = [
  'notification.body',
  'notification.body_sealed',
  'notification.body_kek_id',
  'notification.event_key',
  'notification.recipient_user_id',
] as const;

export function bodyOf(row: SealedRow, ring: Keyring = keyring()): string {
  if (!row.body_sealed || !row.body_kek_id) return row.body;
  return open(ring.get('pii', row.body_kek_id), row.body_sealed, aad(row.event_key, row.recipient_user_id)).toString('utf8');
}

/** Key rotation: the sealed bodies not under the current `pii` key are sealed again under it; answers how many. */
export async function resealBodies(db: Kysely<Database>, ring: Keyring): Promise<number> {
  const current = ring.current('pii').id;
  const rows = await bodiesNotUnder(db, current);
  for (const r of rows) {
    const again = sealBody(bodyOf(r, ring), r.event_key, r.recipient_user_id, ring);
    await resealBody(db, r.id, r.body_kek_id!, again);
  }
  return rows.length;
}

/** The text message a notification becomes (the dispatcher sends it; the development SMS stand-in shows it). */
export function smsText(row: SealedRow & { title: string }, ring: Keyring = keyring()): string {
  return `【浙里审批】${row.title}：${bodyOf(row, ring)}`;
}
