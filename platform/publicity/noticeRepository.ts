/**
 * Notices published without a workflow's publicity window (e.g. a domain's yearly announcement): publishing the same
 * id again replaces the notice and reopens it. The publicity windows' notices are written by ./activities.ts.
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
