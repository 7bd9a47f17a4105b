/**
 * The session's handlers before the meeting: an application withdrawn, the office starting the pre-review
 * publicity, a rejected plan resubmitted, the meeting date moved, the committee drawn (seed 004 四(三)5–7).
 * Workflow code: keep it deterministic.
 */
import { setHandler } from '@temporalio/workflow';
import { applicationWithdrawnSignal, drawCommitteeUpdate, moveMeetingUpdate, resubmitPlanUpdate, startPreReviewUpdate, TitleRejection } from '../messages';
import { drawCommittee } from '../../committeeDraw';
import { stageTerms, termsOf } from '../stageTerms';
import { isValidDate, shanghaiDate } from '../../../platform/calendar/workdays';
import { zj, type SessionContext } from './context';
import { fail, leadDays, nowIso } from './state';

export function setBeforeMeetingHandlers(ctx: SessionContext): void {
  const { input, s, apps, setSerialisedHandler, tasks, status, view, live, project, waitFor, schedule } = ctx;

  setHandler(applicationWithdrawnSignal, ({ applicationId }) => {
    const a = apps.get(applicationId);
    if (a && !a.out) a.out = 'withdrawn';
  });

  setSerialisedHandler(
    startPreReviewUpdate,
    async (_req) => {
      // the plan (HRSS lead time) and the committee draw open now: the edition in force now (程序从新)
      const termsRead = stageTerms('hrss_approval'); // null at once in a history from before (no await: its commands keep their order)
      const terms = termsRead ? await termsRead : null;
      if (terms) {
        s.planTerms = terms;
        s.stageEditions = { ...s.stageEditions, hrss_approval: terms.editionId, committee_draw: terms.editionId };
      }
      const sch = await schedule(s.meetingDate);
      if (sch.workingDaysLeft < 0) {
        fail(
          TitleRejection.MEETING_TOO_SOON,
          `the plan must be approved by ${sch.latestApprovalOn} (${leadDays(s)} working days before the meeting on ${s.meetingDate}); move the meeting date`,
        );
      }
      const qualified = await zj.zjListQualified({ sessionId: input.sessionId });
      if (!qualified.length) fail(TitleRejection.SESSION_STATE, 'no application has passed the qualification review yet');
      for (const q of qualified) apps.set(q.id, { ...q, out: null, interviewed: false, passed: false });
      s.latestApprovalOn = sch.latestApprovalOn;
      s.approvalDeadlineAt = sch.approvalDeadlineAt;
      s.phase = 'pre_review';
      await project('pre_review_started', `评前公示及评审工作方案报省人力社保厅（须于 ${sch.latestApprovalOn} 前核准）`, { applications: qualified.length });
      return view();
    },
    (_req) => {
      if (s.phase !== 'accepting') fail(TitleRejection.SESSION_STATE, `the session is ${status()}; the pre-review publicity has already started`);
    },
  );

  setHandler(
    resubmitPlanUpdate,
    async (_req) => {
      s.planResubmits++;
      await waitFor(() => s.issue !== 'plan_rejected');
      return view();
    },
    { validator: (_req) => (s.issue !== 'plan_rejected' ? fail(TitleRejection.SESSION_STATE, 'the plan is not waiting to be resubmitted') : undefined) },
  );

  setSerialisedHandler(
    moveMeetingUpdate,
    async ({ meetingDate, reason }) => {
      const sch = await schedule(meetingDate);
      const mustBeBy = s.approvedOn ?? shanghaiDate(Date.now());
      if (sch.latestApprovalOn < mustBeBy) {
        fail(
          TitleRejection.MEETING_TOO_SOON,
          `a meeting on ${meetingDate} needs the approval by ${sch.latestApprovalOn}; ${s.approvedOn ? `it was given on ${s.approvedOn}` : 'that day has passed'}`,
        );
      }
      const from = s.meetingDate;
      s.meetingDate = meetingDate;
      s.latestApprovalOn = sch.latestApprovalOn;
      s.approvalDeadlineAt = sch.approvalDeadlineAt;
      s.meetingMoves++;
      await zj.zjSetSessionStatus({
        sessionId: input.sessionId,
        status: status(),
        at: nowIso(),
        meetingDate,
        event: 'meeting_moved',
        eventKey: tasks.eventKey('meeting_moved'),
        comment: `评审会议由 ${from} 改至 ${meetingDate}：${reason}`,
        data: { from, to: meetingDate, latestApprovalOn: sch.latestApprovalOn },
      });
      await waitFor(() => s.issue !== 'meeting_date_must_move' || s.approvedOn == null);
      return view();
    },
    ({ meetingDate }) => {
      if (!['accepting', 'pre_review', 'ready'].includes(s.phase))
        fail(TitleRejection.SESSION_STATE, `the meeting date cannot move once the meeting has started (${status()})`);
      if (!isValidDate(meetingDate) || meetingDate <= shanghaiDate(Date.now()))
        fail(TitleRejection.VALIDATION_FAILED, 'meetingDate must be a date after today');
    },
  );

  setSerialisedHandler(
    drawCommitteeUpdate,
    async ({ actor, seed, size, reason }) => {
      const pool = await zj.zjPoolSnapshot({ level: input.level, onDate: s.meetingDate });
      const applicants = live().map((a) => ({ id: a.id, category: a.category, orgName: a.employerName }));
      const r = drawCommittee(
        { seed, size, pool: pool.map((e) => ({ id: e.id, specialty: e.specialty, orgName: e.orgName })), applicants },
        termsOf(s.planTerms),
      );
      if (!r.ok) fail(r.code === 'POOL_TOO_SMALL' ? TitleRejection.POOL_TOO_SMALL : TitleRejection.VALIDATION_FAILED, r.message);
      const drawNo = s.drawNo + 1;
      await zj.zjSaveCommittee({
        sessionId: input.sessionId,
        drawNo,
        algorithm: r.algorithm,
        seed,
        size,
        pool,
        applicants,
        members: r.members,
        reason,
        drawnBy: actor.username,
        ...(s.planTerms ? { policyEditionId: s.planTerms.editionId } : {}),
        at: nowIso(),
        eventKey: tasks.eventKey(`draw-${drawNo}`),
      });
      s.drawNo = drawNo;
      s.committee = r.members;
      return { drawNo, algorithm: r.algorithm, seed, poolSize: pool.length, members: r.members };
    },
    ({ size, reason }) => {
      if (!['pre_review', 'ready'].includes(s.phase))
        fail(TitleRejection.SESSION_STATE, `the committee is drawn after the pre-review publicity starts and before the meeting (${status()})`);
      if (s.committee && !reason?.trim())
        fail(TitleRejection.VALIDATION_FAILED, 'a committee was already drawn: a new draw needs a reason (every draw is kept)');
      const min = termsOf(s.planTerms).minCommittee;
      if (!Number.isInteger(size) || size < min) fail(TitleRejection.VALIDATION_FAILED, `the committee needs at least ${min} members`);
    },
  );
}
