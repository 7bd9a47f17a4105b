/** The timeline's entries (append-only); its one writer is timelineRepository.ts. */
export { insertTimeline } from './timelineRepository';

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
