/**
 * Notices published without a workflow's publicity window (e.g. a domain's yearly announcement): publishing the same
 * id again replaces the notice and reopens it. A publicity window's notice (./activities.ts) is inserted once
 * (insertNoticeOnce) and closed when its period ends (closeNoticeRow).
 */
import type { Insertable, Kysely, Transaction } from 'kysely';
import type { Database } from '../../db/schema';

export type NoticeRow = Omit<Insertable<Database['notice']>, 'id' | 'closed_at'>;

export async function upsertNotice(db: Kysely<Database> | Transaction<Database>, id: string, notice: NoticeRow): Promise<void> {
  await db
    .insertInto('notice')
    .values({ id, ...notice })
    .onConflict((oc) => oc.column('id').doUpdateSet({ ...notice, closed_at: null }))
    .execute();
}

/** A publicity window's notice: written once, however often its activity runs. */
export async function insertNoticeOnce(db: Kysely<Database> | Transaction<Database>, id: string, notice: NoticeRow): Promise<void> {
  await db
    .insertInto('notice')
    .values({ id, ...notice })
    .onConflict((oc) => oc.column('id').doNothing())
    .execute();
}

/** The period ended: no more objections (a closed notice stays closed). */
export async function closeNoticeRow(db: Kysely<Database> | Transaction<Database>, id: string, at: string): Promise<void> {
  await db.updateTable('notice').set({ closed_at: at }).where('id', '=', id).where('closed_at', 'is', null).execute();
}
