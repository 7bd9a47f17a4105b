/**
 * Applications still in progress when their session's pre-review publicity (评前公示) starts cannot join that session:
 * the publicity lists the qualified applicants, and nobody is added after it. Rather than carrying them through every
 * remaining step and deferring them silently at the end, each is refused at once with a reason the applicant sees
 * (its open task is cancelled, the application closes `rejected` with that reason on its record and timeline).
 * Called when the session projects `pre_review_started`; signalling again (an activity retry) changes nothing.
 */
import { Context } from '@temporalio/activity';
import { WorkflowNotFoundError } from '@temporalio/client';
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema';
import { sessionClosedSignal } from './workflows/messages';
import { shanghaiDate } from '../platform/calendar/workdays';
import { notify } from '../platform/notifications/outbox';

/** the statuses of an application that has not yet passed the qualification review */
export const IN_PROGRESS_STATUSES = [
  'unit_recommendation',
  'unit_publicity',
  'competent_dept_review',
  'lower_committee_recommendation',
  'qualification_review',
  'supplement_requested',
];

export function lateApplicationReason(year: number, startedOn: string): string {
  return `${year}年度评审的评前公示已于 ${startedOn} 开始，本申请未能在此之前通过资格审查，不能参加本年度评审，请参加下一年度评审`;
}

export async function refuseLateApplications(db: Kysely<Database>, input: { sessionId: string; at: string }): Promise<number> {
  const session = await db.selectFrom('zj_session').select(['year']).where('id', '=', input.sessionId).executeTakeFirst();
  if (!session) return 0;
  const apps = await db
    .selectFrom('zj_application')
    .select(['id', 'workflow_id', 'application_no', 'applicant_user_id', 'applicant_id_number'])
    .where('session_id', '=', input.sessionId)
    .where('status', 'in', IN_PROGRESS_STATUSES)
    .where('closed_at', 'is', null)
    .execute();
  const reason = lateApplicationReason(session.year, shanghaiDate(new Date(input.at)));
  // the applicants hear of it (once per session and application, however often this runs)
  await db.transaction().execute(async (trx) => {
    for (const a of apps) {
      await notify(trx, a.applicant_user_id ? { userIds: [a.applicant_user_id] } : { personIds: [a.applicant_id_number] }, {
        eventKey: `late/${input.sessionId}/${a.id}`,
        kind: 'task_decided',
        title: '职称申报未能参加本年度评审',
        body: `您的申报 ${a.application_no}：${reason}。`,
        subject: { type: 'title_application', id: a.id, ref: a.application_no },
        at: input.at,
      });
    }
  });
  const client = Context.current().client;
  let signalled = 0;
  for (const a of apps) {
    try {
      await client.workflow.getHandle(a.workflow_id).signal(sessionClosedSignal, { reason });
      signalled++;
    } catch (err) {
      if (!(err instanceof WorkflowNotFoundError)) throw err; // retried by the activity
    }
  }
  return signalled;
}
