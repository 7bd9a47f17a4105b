/**
 * Publicity notices (公示) and objections: a generic mechanism any workflow uses. A notice runs from the instant
 * it is opened to the end of its N-th working day (platform/calendar/activities.ts computeDeadline); objections filed
 * while it runs become investigation tasks in the publishing workflow.
 */
import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema';
import { computeDeadline } from '../calendar/activities';
import { insertTimeline, SYSTEM_ACTOR } from '../timeline/timeline';
import { storedTaskId } from '../tasks/taskIds';
import { notifyObjectionAnswered, notifyPublicityStarted } from '../notifications/outbox';
import { closeNoticeRow, insertNoticeOnce } from './noticeRepository';
import { setObjectionStatus } from './objectionRepository';

export interface NoticeSpec {
  noticeId: string;
  kind: string;
  title: string;
  subjectType: string;
  subjectId: string;
  workflowId: string;
  orgCode: string | null;
  entries: Record<string, unknown>[];
  workingDays: number;
  /** the policy basis of the working days ({ editionId, title, parameter, clause, basis }), stored with the notice */
  policy?: Record<string, unknown>;
}

export function createNoticeActivities(db: Kysely<Database>) {
  return {
    /** Publishes a notice (or, on retry, finds it); its end is the end of the N-th working day after today. */
    async openNotice(input: {
      notice: NoticeSpec;
      at: string;
      eventKey: string;
      stage: string;
    }): Promise<{ endsAt: string; endsOn: string; provisional: boolean }> {
      const n = input.notice;
      const existing = await db.selectFrom('notice').select(['ends_at', 'ends_on', 'ends_provisional']).where('id', '=', n.noticeId).executeTakeFirst();
      if (existing) return { endsAt: new Date(existing.ends_at).toISOString(), endsOn: existing.ends_on, provisional: existing.ends_provisional };
      const deadline = await computeDeadline(db, new Date(input.at), n.workingDays);
      await db.transaction().execute(async (trx) => {
        await insertNoticeOnce(trx, n.noticeId, {
          kind: n.kind,
          title: n.title,
          subject_type: n.subjectType,
          subject_id: n.subjectId,
          workflow_id: n.workflowId,
          org_code: n.orgCode,
          starts_at: input.at,
          ends_at: deadline.dueAt,
          ends_on: deadline.dueOn,
          ends_provisional: deadline.provisional,
          working_days: n.workingDays,
          entries: JSON.stringify(n.entries),
          policy: n.policy ? JSON.stringify(n.policy) : null,
        });
        await insertTimeline(trx, {
          eventKey: input.eventKey,
          subjectType: n.subjectType,
          subjectId: n.subjectId,
          stage: input.stage,
          orgCode: n.orgCode,
          ...SYSTEM_ACTOR,
          event: 'publicity_opened',
          comment: `${n.title}（公示至 ${deadline.dueOn}）`,
          data: { noticeId: n.noticeId, kind: n.kind, endsOn: deadline.dueOn, provisional: deadline.provisional },
          at: input.at,
        });
        await notifyPublicityStarted(trx, { ...n, endsOn: deadline.dueOn, eventKey: input.eventKey, at: input.at });
      });
      return { endsAt: deadline.dueAt, endsOn: deadline.dueOn, provisional: deadline.provisional };
    },

    /** The period ended: no more objections. */
    async closeNotice(input: { noticeId: string; at: string; eventKey: string; stage: string; upheld: number; dismissed: number }): Promise<void> {
      const n = await db.selectFrom('notice').selectAll().where('id', '=', input.noticeId).executeTakeFirstOrThrow();
      await db.transaction().execute(async (trx) => {
        await closeNoticeRow(trx, input.noticeId, input.at);
        await insertTimeline(trx, {
          eventKey: input.eventKey,
          subjectType: n.subject_type,
          subjectId: n.subject_id,
          stage: input.stage,
          orgCode: n.org_code,
          ...SYSTEM_ACTOR,
          event: 'publicity_closed',
          comment: `${n.title}：公示期满，异议成立 ${input.upheld} 件，不成立 ${input.dismissed} 件`,
          data: { noticeId: n.id, upheld: input.upheld, dismissed: input.dismissed },
          at: input.at,
        });
      });
    },

    /** Links an objection to its investigation task, or records the finding. */
    async setObjectionStatus(input: {
      objectionId: string;
      status: 'open' | 'upheld' | 'dismissed' | 'cancelled';
      taskId?: string;
      finding?: string | null;
      at: string;
    }): Promise<void> {
      await db.transaction().execute(async (trx) => {
        await setObjectionStatus(trx, input.objectionId, { ...input, taskId: input.taskId ? storedTaskId(input.taskId) : undefined });
        if (input.status === 'upheld' || input.status === 'dismissed')
          await notifyObjectionAnswered(trx, { ...input, status: input.status, finding: input.finding ?? null });
      });
    },
  };
}

export type NoticeActivities = ReturnType<typeof createNoticeActivities>;
