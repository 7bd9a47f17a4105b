/**
 * One run of the session workflow: its state, its applicants, the human tasks and publicity it runs, and the
 * helpers that project the state to Postgres. The handlers (beforeMeeting.ts, meeting.ts) and the steps of the
 * flow (publicity.ts, hrssApproval.ts) share it. Workflow code: keep it deterministic.
 */
import { proxyActivities, proxyLocalActivities } from '@temporalio/workflow';
import { DB_ACTIVITY, DB_LOCAL_ACTIVITY } from '../../../platform/workflows/activityOptions';
import type { TitleSubmissionActivities } from '../../submissionActivities';
import type { TitleReviewActivities } from '../../activities';
import { HumanTasks } from '../../../platform/tasks/humanTask';
import { serialisedUpdates } from '../../../platform/workflows/serialisedUpdates';
import { Publicity } from '../../../platform/publicity/publicity';
import type { SessionView } from '../messages';
import { approvalNotice, initialState, nowIso, type App, type TitleSessionInput } from './state';

export const zj = proxyActivities<TitleReviewActivities>(DB_ACTIVITY);
export const submissions = proxyLocalActivities<TitleSubmissionActivities>(DB_LOCAL_ACTIVITY);

export type SessionContext = ReturnType<typeof createSessionContext>;

export function createSessionContext(input: TitleSessionInput) {
  const s = initialState(input);
  const apps = new Map<string, App>();
  /** the office's, the approver's and the chair's Updates change the session one at a time */
  const setSerialisedHandler = serialisedUpdates();
  const status = () => s.issue ?? s.phase;
  const tasks = new HumanTasks(() => ({ status: status(), stage: s.phase, ...approvalNotice(s) }));
  const publicity = new Publicity(tasks);
  const subject = { type: 'title_session', id: input.sessionId, ref: `ZJ-${input.year}-${input.level}`, personId: null };
  const view = (): SessionView => ({
    status: status(),
    stage: s.phase,
    meetingDate: s.meetingDate,
    latestApprovalOn: s.latestApprovalOn,
    ballotOpen: s.ballotOpen,
    openTaskIds: tasks.state().openTaskIds,
  });
  /** the applicants still in the running */
  const live = () => [...apps.values()].filter((a) => !a.out);
  const appSubject = (a: App) => ({ type: 'title_application', id: a.id, ref: a.applicationNo, personId: a.idNumber });

  async function project(event?: string, comment?: string | null, data?: Record<string, unknown>) {
    await zj.zjSetSessionStatus({
      sessionId: input.sessionId,
      status: status(),
      at: nowIso(),
      event,
      eventKey: event ? tasks.eventKey(event) : undefined,
      comment,
      data,
    });
  }

  async function setApp(a: App, appStatus: string, stage: string, opts: { close?: string | null; event?: string; result?: unknown } = {}) {
    await zj.zjSetApplicationStatus({
      applicationId: a.id,
      status: appStatus,
      stage,
      at: nowIso(),
      close: opts.close !== undefined ? { reason: opts.close } : undefined,
      event: opts.event ?? appStatus,
      eventKey: tasks.eventKey(`${a.id}/${appStatus}`),
      data: opts.result ? { result: opts.result } : undefined,
    });
  }

  const waitFor = (pred: () => boolean, timeoutMs?: number) => tasks.waitFor(pred, timeoutMs);

  async function schedule(meetingDate: string) {
    // the plan's HRSS lead time: the edition read when the pre-review started (程序从新); before, the one in force
    const sch = await zj.zjPlanSchedule({ meetingDate, at: nowIso(), ...(s.planTerms ? { hrssLeadWorkingDays: s.planTerms.terms.hrssLeadWorkingDays } : {}) });
    return sch;
  }

  async function openBallotIfReady() {
    if (s.ballotOpen || s.results) return;
    const items = live();
    if (input.level === 'professor' && items.some((a) => !a.interviewed)) {
      s.phase = 'interviews';
      await project('awaiting_interviews', `待面试答辩：${items.filter((a) => !a.interviewed).length} 人`);
      return;
    }
    await zj.zjOpenBallot({ sessionId: input.sessionId, applicationIds: items.map((a) => a.id), at: nowIso(), eventKey: tasks.eventKey('ballot_open') });
    s.ballotOpen = true;
    s.phase = 'balloting';
  }

  return {
    input,
    s,
    apps,
    setSerialisedHandler,
    tasks,
    publicity,
    subject,
    status,
    view,
    live,
    appSubject,
    project,
    setApp,
    waitFor,
    schedule,
    openBallotIfReady,
  };
}
