/** The message centre's reads and its one write (marking read), always scoped to the recipient. */
import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema';
import { SEALED_BODY_COLUMNS, bodyOf, smsText } from './sealedBody';
import { maskPhone } from './sms';

export interface NotificationView {
  id: string;
  kind: string;
  title: string;
  body: string;
  subject: { type: string; id: string; ref: string | null } | null;
  createdAt: string;
  readAt: string | null;
}

export async function listNotifications(db: Kysely<Database>, userId: number, opts: { unread: boolean; limit: number }): Promise<NotificationView[]> {
  let q = db.selectFrom('notification').selectAll().where('recipient_user_id', '=', userId);
  if (opts.unread) q = q.where('read_at', 'is', null);
  const rows = await q.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(opts.limit).execute();
  return rows.map((r) => ({
    id: r.id,
    kind: r.kind,
    title: r.title,
    body: bodyOf(r),
    subject: r.subject_type && r.subject_id ? { type: r.subject_type, id: r.subject_id, ref: r.subject_ref } : null,
    createdAt: new Date(r.created_at).toISOString(),
    readAt: r.read_at ? new Date(r.read_at).toISOString() : null,
  }));
}

export async function unreadCount(db: Kysely<Database>, userId: number): Promise<number> {
  const r = await db
    .selectFrom('notification')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .where('recipient_user_id', '=', userId)
    .where('read_at', 'is', null)
    .executeTakeFirstOrThrow();
  return Number(r.n);
}

/** Marks the caller's own message read (idempotent); false when it is not theirs or does not exist. */
export async function markRead(db: Kysely<Database>, userId: number, id: string, at: Date): Promise<boolean> {
  if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id)) return false;
  const mine = await db.selectFrom('notification').select(['id', 'read_at']).where('id', '=', id).where('recipient_user_id', '=', userId).executeTakeFirst();
  if (!mine) return false;
  if (!mine.read_at) await db.updateTable('notification').set({ read_at: at }).where('id', '=', id).where('read_at', 'is', null).execute();
  return true;
}

/** What the outbox handed (or will hand) to the SMS gateway for one person, newest first: the SMS stand-in's phone. */
export async function smsFor(db: Kysely<Database>, username: string, limit = 50) {
  const rows = await db
    .selectFrom('notification')
    .innerJoin('app_user', 'app_user.id', 'notification.recipient_user_id')
    .select([
      'notification.id',
      'notification.title',
      ...SEALED_BODY_COLUMNS,
      'notification.sms_state',
      'notification.created_at',
      'notification.sms_sent_at',
      'app_user.phone',
    ])
    .where('app_user.username', '=', username)
    .where('notification.sms_state', '!=', 'none')
    .orderBy('notification.created_at', 'desc')
    .orderBy('notification.id', 'desc')
    .limit(limit)
    .execute();
  return rows.map((r) => ({
    id: r.id,
    to: r.phone ? maskPhone(r.phone) : null,
    text: smsText(r),
    state: r.sms_state as 'pending' | 'sent',
    createdAt: new Date(r.created_at).toISOString(),
    sentAt: r.sms_sent_at ? new Date(r.sms_sent_at).toISOString() : null,
  }));
}
