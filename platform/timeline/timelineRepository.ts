/** The one writer of the `timeline` table (append-only: a trigger refuses update/delete). */
import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../../db/schema';
import type { TimelineEntry } from './timeline';

export async function insertTimeline(db: Kysely<Database> | Transaction<Database>, e: TimelineEntry): Promise<void> {
  await db
    .insertInto('timeline')
    .values({
      event_key: e.eventKey,
      subject_type: e.subjectType,
      subject_id: e.subjectId,
      stage: e.stage,
      org_code: e.orgCode,
      actor: e.actor,
      actor_name: e.actorName ?? null,
      event: e.event,
      decision: e.decision ?? null,
      comment: e.comment ?? null,
      data: e.data === undefined ? null : JSON.stringify(e.data),
      at: e.at,
    })
    .onConflict((oc) => oc.column('event_key').doNothing())
    .execute();
}
