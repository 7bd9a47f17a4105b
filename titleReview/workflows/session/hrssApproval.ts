/**
 * 省人力社保厅 approves the session's review plan (hrss_approval), at least 10 working days (the edition's
 * hrssLeadWorkingDays, read when the pre-review started) before the meeting;
 * past that day the meeting date must move. A rejected plan waits to be resubmitted. Runs alongside the
 * pre-review publicity. Workflow code: keep it deterministic.
 */
import type { StageOutcome } from '../../../platform/tasks/humanTask';
import { checkTitleDecision, HRSS_ORG } from '../../rules';
import { shanghaiDate } from '../../../platform/calendar/workdays';
import type { SessionContext } from './context';
import { leadDays } from './state';

export async function hrssApproval(ctx: SessionContext): Promise<void> {
  const { s, tasks, subject, project, waitFor, schedule } = ctx;
  for (let attempt = 1; ; attempt++) {
    const sch = await schedule(s.meetingDate);
    s.latestApprovalOn = sch.latestApprovalOn;
    s.approvalDeadlineAt = sch.approvalDeadlineAt;
    let outcome: StageOutcome | null = null;
    void tasks
      .run({
        key: `hrss_approval/${attempt}`,
        kind: 'hrss_approval',
        role: 'hrss_approver',
        orgCode: HRSS_ORG,
        stage: 'hrss_approval',
        slaWorkingDays: Math.max(0, sch.workingDaysLeft),
        subject,
        allowSupplement: false,
        check: (d, f) => checkTitleDecision('hrss_approval', d, f),
        ...(s.planTerms ? { policy: s.planTerms.basis.hrssLeadWorkingDays } : {}),
      })
      .then((o) => (outcome = o));
    // wait for the decision; past the latest approval day the system says the meeting date must move
    for (;;) {
      if (outcome) break;
      const deadline = Date.parse(s.approvalDeadlineAt!);
      if (Date.now() > deadline) {
        if (s.issue !== 'meeting_date_must_move') {
          s.issue = 'meeting_date_must_move';
          await project(
            'approval_deadline_missed',
            `省人力社保厅未能在评审会议（${s.meetingDate}）前${leadDays(s)}个工作日（${s.latestApprovalOn}）核准，须调整评审会议日期`,
          );
        }
        const moves = s.meetingMoves;
        await waitFor(() => outcome != null || s.meetingMoves !== moves);
      } else {
        const moves = s.meetingMoves;
        await waitFor(() => outcome != null || s.meetingMoves !== moves, deadline - Date.now() + 1);
        if (s.meetingMoves !== moves && s.issue === 'meeting_date_must_move') {
          s.issue = null;
          await project('meeting_date_ok');
        }
      }
    }
    const o = outcome as unknown as StageOutcome;
    if (o.decision === 'cancelled') return;
    if (o.decision === 'reject') {
      s.issue = 'plan_rejected';
      await project('plan_rejected', `省人力社保厅未核准评审工作方案：${o.comment ?? ''}`);
      const n = s.planResubmits;
      await waitFor(() => s.planResubmits !== n);
      s.issue = null;
      await project('plan_resubmitted');
      continue;
    }
    s.approvedOn = shanghaiDate(Date.parse(o.decidedAt));
    while (s.approvedOn > s.latestApprovalOn!) {
      if (s.issue !== 'meeting_date_must_move') {
        s.issue = 'meeting_date_must_move';
        await project('approval_too_late', `核准日期 ${s.approvedOn} 晚于评审会议前${leadDays(s)}个工作日（${s.latestApprovalOn}），须调整评审会议日期`);
      }
      const moves = s.meetingMoves;
      await waitFor(() => s.meetingMoves !== moves);
    }
    s.issue = null;
    await project('plan_approved', `省人力社保厅于 ${s.approvedOn} 核准评审工作方案`);
    tasks.settle(); // the approver's decision reports the state now, not when the publicity ends
    return;
  }
}
