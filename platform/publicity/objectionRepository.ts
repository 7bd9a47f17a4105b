/** Objections to a publicity notice, as filed by the public (their investigation is written by the workflow). */
import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema';

export async function insertObjection(
  db: Kysely<Database>,
  o: { id: string; noticeId: string; applicationId: string | null; text: string; contact: string | null; filedAt: Date },
): Promise<void> {
  await db
    .insertInto('objection')
    .values({ id: o.id, notice_id: o.noticeId, application_id: o.applicationId, text: o.text, contact: o.contact, filed_at: o.filedAt, status: 'open' })
    .execute();
}

/** Removes an objection the notice's workflow did not take (never one linked to an investigation). */
export async function withdrawUntakenObjection(db: Kysely<Database>, id: string): Promise<void> {
  await db.deleteFrom('objection').where('id', '=', id).where('task_id', 'is', null).execute();
}
