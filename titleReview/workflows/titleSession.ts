/**
 * The annual review session of one level (seed 004 四(二), 四(三)5–7, 四(四)):
 * accepting applications → the office starts the pre-review publicity (≥ 5 working days, objections investigated
 * by the office) and submits the plan to 省人力社保厅 (hrss_approval), which must approve it at least 10 working
 * days before the meeting (else the meeting date must move) → committee draw (reproducible) → attendance (≥ 17)
 * → interview defence (professor level) → secret ballot (cast straight into Postgres by the API) → the chair or a
 * vice-chair closes it (yes ≥ ⅔ of those attending) → results publicity (≥ 5 working days; an upheld objection
 * overturns a pass) → electronic certificates.
 */
import { createSessionContext, submissions, zj } from './session/context';
import { setBeforeMeetingHandlers } from './session/beforeMeeting';
import { setMeetingHandlers } from './session/meeting';
import { preReviewPublicity, resultsPublicity } from './session/publicity';
import { hrssApproval } from './session/hrssApproval';
import { nowIso, type TitleSessionInput } from './session/state';
import { stageTerms } from './stageTerms';

export type { TitleSessionInput } from './session/state';

export async function titleSessionWorkflow(input: TitleSessionInput): Promise<{ status: string; certified: string[] }> {
  const ctx = createSessionContext(input);
  const { s, apps, tasks, project, setApp, waitFor } = ctx;

  // ---- before the meeting (session/beforeMeeting.ts) and the meeting (session/meeting.ts) ---------------------
  setBeforeMeetingHandlers(ctx);
  setMeetingHandlers(ctx);

  // ---- the flow -----------------------------------------------------------------------------------------------
  if (input.record) await submissions.zjRecordSession(input.record);
  await waitFor(() => s.phase !== 'accepting');

  await Promise.all([preReviewPublicity(ctx), hrssApproval(ctx)]);
  // the meeting's quorum: the edition in force when the session becomes ready for it (程序从新)
  const meetingTermsRead = stageTerms('meeting'); // null at once in a history from before (no await: its commands keep their order)
  const meetingTerms = meetingTermsRead ? await meetingTermsRead : null;
  if (meetingTerms) {
    s.meetingTerms = meetingTerms;
    s.stageEditions = { ...s.stageEditions, meeting: meetingTerms.editionId };
  }
  s.phase = 'ready';
  await project('ready_for_meeting', `评审会议：${s.meetingDate}`);

  // the meeting runs in the update handlers: attendance, interviews, ballot, close
  await waitFor(() => s.results != null);

  // 公示发文: results publicity of those who passed
  const passed = () => [...apps.values()].filter((a) => a.passed && !a.out);
  if (passed().length) {
    for (const a of passed()) await setApp(a, 'results_publicity', 'results_publicity');
    const list = passed();
    await resultsPublicity(ctx, list);
  }

  // electronic certificates (省人力社保厅、省应急管理厅监制), valid province-wide
  const certified: string[] = [];
  for (const a of passed()) {
    await zj.zjIssueCertificate({ applicationId: a.id, at: nowIso(), eventKey: tasks.eventKey(`${a.id}/certificate`) });
    certified.push(a.id);
  }
  s.phase = 'completed';
  await project('completed', `评审结果联合发文公布，颁发电子证书 ${certified.length} 本`, { certified: certified.length });
  await tasks.finish();
  return { status: 'completed', certified };
}
