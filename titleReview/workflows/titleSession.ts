/**
 * The annual review session of one level (seed 004 四(二), 四(三)5–7, 四(四)):
 * accepting applications → the office starts the pre-review publicity (≥ 5 working days, objections investigated
 * by the office) and submits the plan to 省人力社保厅 (hrss_approval), which must approve it at least 10 working
 * days before the meeting (else the meeting date must move) → committee draw (reproducible) → attendance (≥ 17)
 * → interview defence (professor level) → secret ballot (cast straight into Postgres by the API) → the chair or a
 * vice-chair closes it (yes ≥ ⅔ of those attending) → results publicity (≥ 5 working days; an upheld objection
 * overturns a pass) → electronic certificates.
 */
import { ApplicationFailure, proxyActivities, proxyLocalActivities, setHandler } from '@temporalio/workflow';
import { DB_ACTIVITY, DB_LOCAL_ACTIVITY } from '../../platform/workflows/activityOptions';
import type { TitleSubmissionActivities } from '../submissionActivities';
import type { OpenedSession } from '../repository';
import type { ZhejiangActivities, SessionApplication } from '../activities';
import { HumanTasks } from '../../platform/tasks/humanTask';
import { serialisedUpdates } from '../../platform/workflows/serialisedUpdates';
import { Publicity } from '../../platform/publicity/publicity';
import {
  applicationWithdrawnSignal,
  closeBallotUpdate,
  drawCommitteeUpdate,
  moveMeetingUpdate,
  recordAttendanceUpdate,
  recordInterviewUpdate,
  resubmitPlanUpdate,
  startPreReviewUpdate,
  ZjRejection,
  type SessionView,
} from './messages';
import { drawCommittee, type DrawMember } from '../committeeDraw';
import {
  checkTitleDecision,
  COMMITTEE_OFFICE_ORG,
  HRSS_ORG,
  MIN_COMMITTEE,
  PUBLICITY_WORKING_DAYS,
  TITLE_CATEGORY_ZH,
  TITLE_LEVEL_ZH,
  type TallyRow,
  type TitleLevel,
} from '../rules';
import { isValidDate, shanghaiDate, startOfShanghaiDay } from '../../platform/calendar/workdays';

const zj = proxyActivities<ZhejiangActivities>(DB_ACTIVITY);
const submissions = proxyLocalActivities<TitleSubmissionActivities>(DB_LOCAL_ACTIVITY);

export interface TitleSessionInput {
  sessionId: string;
  year: number;
  level: TitleLevel;
  meetingDate: string;
  /** the session as opened, recorded by the workflow's first step (older sessions were recorded by the API) */
  record?: OpenedSession;
}

type Phase = 'accepting' | 'pre_review' | 'ready' | 'meeting' | 'interviews' | 'balloting' | 'results_publicity' | 'completed';

interface App extends SessionApplication {
  out: string | null; // disqualified / withdrawn / failed / overturned
  interviewed: boolean;
  passed: boolean;
}

const nowIso = () => new Date(Date.now()).toISOString();

function fail(type: string, message: string): never {
  throw ApplicationFailure.create({ type, message, nonRetryable: true });
}

export async function titleSessionWorkflow(input: TitleSessionInput): Promise<{ status: string; certified: string[] }> {
  const s = {
    phase: 'accepting' as Phase,
    issue: null as null | 'plan_rejected' | 'meeting_date_must_move',
    meetingDate: input.meetingDate,
    latestApprovalOn: null as string | null,
    approvalDeadlineAt: null as string | null,
    approvedOn: null as string | null,
    planResubmits: 0,
    meetingMoves: 0,
    preReviewDone: false,
    drawNo: 0,
    committee: null as DrawMember[] | null,
    present: null as string[] | null,
    ballotOpen: false,
    results: null as TallyRow[] | null,
  };
  const apps = new Map<string, App>();
  /** the office's, the approver's and the chair's Updates change the session one at a time */
  const setSerialisedHandler = serialisedUpdates();
  const status = () => s.issue ?? s.phase;
  const tasks = new HumanTasks(() => ({ status: status(), stage: s.phase }));
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
    const sch = await zj.zjPlanSchedule({ meetingDate, at: nowIso() });
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

  setHandler(applicationWithdrawnSignal, ({ applicationId }) => {
    const a = apps.get(applicationId);
    if (a && !a.out) a.out = 'withdrawn';
  });

  // ---- before the meeting -------------------------------------------------------------------------------------
  setSerialisedHandler(
    startPreReviewUpdate,
    async (_req) => {
      const sch = await schedule(s.meetingDate);
      if (sch.workingDaysLeft < 0) {
        fail(
          ZjRejection.MEETING_TOO_SOON,
          `the plan must be approved by ${sch.latestApprovalOn} (10 working days before the meeting on ${s.meetingDate}); move the meeting date`,
        );
      }
      const qualified = await zj.zjListQualified({ sessionId: input.sessionId });
      if (!qualified.length) fail(ZjRejection.SESSION_STATE, 'no application has passed the qualification review yet');
      for (const q of qualified) apps.set(q.id, { ...q, out: null, interviewed: false, passed: false });
      s.latestApprovalOn = sch.latestApprovalOn;
      s.approvalDeadlineAt = sch.approvalDeadlineAt;
      s.phase = 'pre_review';
      await project('pre_review_started', `评前公示及评审工作方案报省人力社保厅（须于 ${sch.latestApprovalOn} 前核准）`, { applications: qualified.length });
      return view();
    },
    (_req) => {
      if (s.phase !== 'accepting') fail(ZjRejection.SESSION_STATE, `the session is ${status()}; the pre-review publicity has already started`);
    },
  );

  setHandler(
    resubmitPlanUpdate,
    async (_req) => {
      s.planResubmits++;
      await waitFor(() => s.issue !== 'plan_rejected');
      return view();
    },
    { validator: (_req) => (s.issue !== 'plan_rejected' ? fail(ZjRejection.SESSION_STATE, 'the plan is not waiting to be resubmitted') : undefined) },
  );

  setSerialisedHandler(
    moveMeetingUpdate,
    async ({ meetingDate, reason }) => {
      const sch = await schedule(meetingDate);
      const mustBeBy = s.approvedOn ?? shanghaiDate(Date.now());
      if (sch.latestApprovalOn < mustBeBy) {
        fail(
          ZjRejection.MEETING_TOO_SOON,
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
        fail(ZjRejection.SESSION_STATE, `the meeting date cannot move once the meeting has started (${status()})`);
      if (!isValidDate(meetingDate) || meetingDate <= shanghaiDate(Date.now())) fail(ZjRejection.VALIDATION_FAILED, 'meetingDate must be a date after today');
    },
  );

  setSerialisedHandler(
    drawCommitteeUpdate,
    async ({ actor, seed, size, reason }) => {
      const pool = await zj.zjPoolSnapshot({ level: input.level, onDate: s.meetingDate });
      const applicants = live().map((a) => ({ id: a.id, category: a.category, orgName: a.employerName }));
      const r = drawCommittee({ seed, size, pool: pool.map((e) => ({ id: e.id, specialty: e.specialty, orgName: e.orgName })), applicants });
      if (!r.ok) fail(r.code === 'POOL_TOO_SMALL' ? ZjRejection.POOL_TOO_SMALL : ZjRejection.VALIDATION_FAILED, r.message);
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
        at: nowIso(),
        eventKey: tasks.eventKey(`draw-${drawNo}`),
      });
      s.drawNo = drawNo;
      s.committee = r.members;
      return { drawNo, algorithm: r.algorithm, seed, poolSize: pool.length, members: r.members };
    },
    ({ size, reason }) => {
      if (!['pre_review', 'ready'].includes(s.phase))
        fail(ZjRejection.SESSION_STATE, `the committee is drawn after the pre-review publicity starts and before the meeting (${status()})`);
      if (s.committee && !reason?.trim()) fail(ZjRejection.VALIDATION_FAILED, 'a committee was already drawn: a new draw needs a reason (every draw is kept)');
      if (!Number.isInteger(size) || size < MIN_COMMITTEE) fail(ZjRejection.VALIDATION_FAILED, `the committee needs at least ${MIN_COMMITTEE} members`);
    },
  );

  // ---- the meeting --------------------------------------------------------------------------------------------
  setSerialisedHandler(
    recordAttendanceUpdate,
    async ({ actor, present }) => {
      const ids = [...new Set(present)];
      await zj.zjRecordAttendance({ sessionId: input.sessionId, present: ids, by: actor.username, at: nowIso(), eventKey: tasks.eventKey('attendance') });
      s.present = ids;
      s.phase = 'meeting';
      await openBallotIfReady();
      await project();
      return view();
    },
    ({ present }) => {
      if (s.phase !== 'ready' || s.issue) {
        fail(
          ZjRejection.SESSION_STATE,
          s.phase === 'pre_review' || s.issue
            ? `no meeting without the approved plan and the end of the pre-review publicity (${status()})`
            : `attendance is recorded once, at the meeting (${status()})`,
        );
      }
      if (!s.committee) fail(ZjRejection.SESSION_STATE, 'the committee has not been drawn');
      if (Date.now() < startOfShanghaiDay(s.meetingDate).getTime()) fail(ZjRejection.SESSION_STATE, `the meeting is on ${s.meetingDate}`);
      const members = new Set<string>(s.committee.map((m) => m.expertId));
      const ids = [...new Set<string>(present)];
      const strangers = ids.filter((id) => !members.has(id));
      if (strangers.length) fail(ZjRejection.VALIDATION_FAILED, `not members of this committee: ${strangers.join(', ')}`);
      if (ids.length < MIN_COMMITTEE) fail(ZjRejection.QUORUM_NOT_MET, `${ids.length} members present; at least ${MIN_COMMITTEE} are required`);
    },
  );

  setSerialisedHandler(
    recordInterviewUpdate,
    async ({ actor, applicationId, summary }) => {
      const a = apps.get(applicationId)!;
      await zj.zjRecordInterview({ applicationId, summary, by: actor.username, at: nowIso(), eventKey: tasks.eventKey(`${applicationId}/interview`) });
      a.interviewed = true;
      if (s.phase === 'interviews') await openBallotIfReady();
      await project(s.ballotOpen ? 'ballot_opened' : undefined);
      return view();
    },
    ({ applicationId, summary }) => {
      if (input.level !== 'professor') fail(ZjRejection.SESSION_STATE, 'interview defences are part of the professor-level review only');
      if (!['ready', 'meeting', 'interviews'].includes(s.phase))
        fail(ZjRejection.SESSION_STATE, `interviews are recorded at the meeting, before the ballot (${status()})`);
      const a = apps.get(applicationId);
      if (!a || a.out) fail(ZjRejection.VALIDATION_FAILED, 'no such applicant in this session');
      if (!summary?.trim()) fail(ZjRejection.VALIDATION_FAILED, 'the interview record needs a summary');
    },
  );

  setSerialisedHandler(
    closeBallotUpdate,
    async ({ actor }) => {
      const items = [...apps.values()].filter((a) => a.out !== 'disqualified');
      const attending = s.present!.length;
      const counted = await zj.zjCloseBallot({
        sessionId: input.sessionId,
        applicationIds: items.map((a) => a.id),
        attending,
        closedBy: actor.username,
        at: nowIso(),
        eventKey: tasks.eventKey('ballot_close'),
      });
      s.ballotOpen = false;
      const results = counted.filter((r) => !apps.get(r.applicationId)!.out);
      for (const r of results) {
        const a = apps.get(r.applicationId)!;
        a.passed = r.passed;
        if (!r.passed) a.out = 'failed';
        await setApp(a, r.passed ? 'passed' : 'failed', 'meeting', {
          close: r.passed ? undefined : `未获得出席委员三分之二以上赞成票（赞成 ${r.yes}/出席 ${r.attending}）`,
          result: r,
        });
      }
      s.results = results;
      s.phase = 'results_publicity';
      await project('results_announced', `${actor.displayName} 宣布投票结果`, { passed: results.filter((r) => r.passed).length });
      return { results };
    },
    ({ expertId }) => {
      if (!s.ballotOpen || s.results) fail(ZjRejection.BALLOT_CLOSED, s.results ? 'the ballot is already closed' : 'the ballot is not open');
      const m = s.committee!.find((x) => x.expertId === expertId);
      if (!m || (m.role !== 'chair' && m.role !== 'vice_chair') || !s.present!.includes(expertId)) {
        fail(ZjRejection.NOT_PRESIDING, 'only the chair or a vice-chair attending the meeting closes the ballot');
      }
    },
  );

  // ---- the flow -----------------------------------------------------------------------------------------------
  if (input.record) await submissions.zjRecordSession(input.record);
  await waitFor(() => s.phase !== 'accepting');

  const entry = (a: App) => ({
    applicationId: a.id,
    applicationNo: a.applicationNo,
    name: a.name,
    employer: a.employerName,
    category: a.category,
    categoryName: TITLE_CATEGORY_ZH[a.category],
    level: input.level,
    channel: a.channel,
  });

  /** A session-wide publicity (评前公示 / 结果公示) of `list`; an upheld objection takes that applicant out. */
  function sessionPublicity(p: {
    key: string;
    kind: string;
    titleSuffix: string;
    stage: string;
    list: App[];
    out: string;
    closeReason: (comment: string) => string;
  }) {
    return publicity.run({
      key: p.key,
      kind: p.kind,
      title: `${input.year}年度浙江省安全工程专业${TITLE_LEVEL_ZH[input.level]}职务任职资格评审${p.titleSuffix}`,
      stage: p.stage,
      subject,
      orgCode: COMMITTEE_OFFICE_ORG,
      workingDays: PUBLICITY_WORKING_DAYS,
      entries: p.list.map(entry),
      entrySubjects: new Map(p.list.map((a) => [a.id, appSubject(a)])),
      investigator: { role: 'committee_office', orgCode: COMMITTEE_OFFICE_ORG },
      onUpheld: async (applicationId, o) => {
        const a = applicationId ? apps.get(applicationId) : undefined;
        if (!a || a.out) return;
        a.out = p.out;
        await setApp(a, p.out, p.stage, { close: p.closeReason(o.comment ?? '') });
      },
    });
  }

  async function preReviewPublicity() {
    const list = live();
    await sessionPublicity({
      key: 'pre_review_publicity',
      kind: 'pre_review',
      titleSuffix: '评前公示',
      stage: 'pre_review',
      list,
      out: 'disqualified',
      closeReason: (comment) => `评前公示异议成立：${comment}`,
    });
    s.preReviewDone = true;
  }

  async function hrssApproval() {
    for (let attempt = 1; ; attempt++) {
      const sch = await schedule(s.meetingDate);
      s.latestApprovalOn = sch.latestApprovalOn;
      s.approvalDeadlineAt = sch.approvalDeadlineAt;
      let outcome: Awaited<ReturnType<typeof tasks.run>> | null = null;
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
              `省人力社保厅未能在评审会议（${s.meetingDate}）前10个工作日（${s.latestApprovalOn}）核准，须调整评审会议日期`,
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
      const o = outcome as unknown as Awaited<ReturnType<typeof tasks.run>>;
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
          await project('approval_too_late', `核准日期 ${s.approvedOn} 晚于评审会议前10个工作日（${s.latestApprovalOn}），须调整评审会议日期`);
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

  await Promise.all([preReviewPublicity(), hrssApproval()]);
  s.phase = 'ready';
  await project('ready_for_meeting', `评审会议：${s.meetingDate}`);

  // the meeting runs in the update handlers: attendance, interviews, ballot, close
  await waitFor(() => s.results != null);

  // 公示发文: results publicity of those who passed
  const passed = () => [...apps.values()].filter((a) => a.passed && !a.out);
  if (passed().length) {
    for (const a of passed()) await setApp(a, 'results_publicity', 'results_publicity');
    const list = passed();
    await sessionPublicity({
      key: 'results_publicity',
      kind: 'results',
      titleSuffix: '结果公示',
      stage: 'results_publicity',
      list,
      out: 'overturned',
      closeReason: (comment) => `结果公示异议经调查核实成立，撤销评审通过结果：${comment}`,
    });
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
