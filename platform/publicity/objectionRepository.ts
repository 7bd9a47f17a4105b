/** Objections to a publicity notice, as filed by the public (their investigation is written by the workflow). */
import type { Kysely, Transaction } from 'kysely';
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

/** The application an open objection is about was withdrawn: the objection is moot (cancelled). */
export async function cancelOpenObjectionsAbout(db: Kysely<Database> | Transaction<Database>, input: { applicationId: string; at: string }): Promise<void> {
  await db
    .updateTable('objection')
    .set({ status: 'cancelled', decided_at: input.at })
    .where('application_id', '=', input.applicationId)
    .where('status', '=', 'open')
    .execute();
}

/** Links an objection to its investigation task, or records the finding. */
export async function setObjectionStatus(
  db: Kysely<Database> | Transaction<Database>,
  id: string,
  s: { status: 'open' | 'upheld' | 'dismissed' | 'cancelled'; taskId?: string; finding?: string | null; at: string },
): Promise<void> {
  await db
    .updateTable('objection')
    .set({
      status: s.status,
      ...(s.taskId ? { task_id: s.taskId } : {}),
      ...(s.status !== 'open' ? { finding: s.finding ?? null, decided_at: s.at } : {}),
    })
    .where('id', '=', id)
    .execute();
}
