import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../../db/schema';

export interface TimelineEntry {
  /** idempotency key: the same key is written once, however often the activity runs */
  eventKey: string;
  subjectType: string;
  subjectId: string;
  stage: string;
  orgCode: string | null;
  actor: string;
  actorName?: string | null;
  event: string;
  decision?: string | null;
  comment?: string | null;
  data?: unknown;
  at: string;
}

/** How the system itself (a workflow's own step, not a person) is named on the timeline. */
export const SYSTEM_ACTOR = { actor: 'system', actorName: '系统' } as const;

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
