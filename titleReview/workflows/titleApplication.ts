/**
 * One application for the Zhejiang senior / professor-level title (seed 004 四(三)1–5):
 * unit recommendation → unit-internal publicity ≥ 5 working days (objections investigated by the unit) →
 * competent-department review → lower-committee recommendation (senior only) → committee-office qualification
 * review. A qualified application joins its session (titleSessionWorkflow), which takes it to the ballot.
 * A rejection at any step ends it with the reason; misconduct (withdrawn signal) ends it at any step.
 */
import { patched, proxyActivities, proxyLocalActivities, setHandler } from '@temporalio/workflow';
import { DB_ACTIVITY, DB_LOCAL_ACTIVITY } from '../../platform/workflows/activityOptions';
import type { TitleSubmissionActivities } from '../submissionActivities';
import type { SubmittedApplication } from '../repositories/applications';
import type { TitleReviewActivities } from '../activities';
import { HumanTasks, onDecisionPath, type StageOutcome } from '../../platform/tasks/humanTask';
import { Publicity } from '../../platform/publicity/publicity';
import { sessionClosedSignal, withdrawnSignal } from './messages';
import {
  checkTitleDecision,
  TITLE_SUPPLEMENT_KINDS,
  COMMITTEE_OFFICE_ORG,
  TITLE_CATEGORY_ZH,
  TITLE_LEVEL_ZH,
  type TitleCategory,
  type TitleLevel,
} from '../rules';
import { stageTerms, termsOf } from './stageTerms';

const zj = proxyActivities<TitleReviewActivities>(DB_ACTIVITY);
const zjLocal = proxyLocalActivities<TitleReviewActivities>(DB_LOCAL_ACTIVITY);
const submissions = proxyLocalActivities<TitleSubmissionActivities>(DB_LOCAL_ACTIVITY);

export interface TitleApplicationInput {
  applicationId: string;
  applicationNo: string;
  sessionId: string;
  level: TitleLevel;
  category: TitleCategory;
  channel: string;
  applicantIdNumber: string;
  applicantName: string;
  employerOrgCode: string;
  employerName: string;
  competentOrgCode: string;
  lowerCommitteeOrgCode: string | null;
  /**
   * The application as submitted, recorded by the workflow's first step (older applications were recorded by the
   * API and carry none: whether the step runs depends on the input alone, so recorded histories replay unchanged)
   */
  submission?: SubmittedApplication;
}

export interface TitleApplicationOutcome {
  status: 'qualified' | 'deferred' | 'rejected' | 'withdrawn';
  reason: string | null;
}

const nowIso = () => new Date(Date.now()).toISOString();
/** a clerk's decision between two review steps, the application's next status and the next task: one write */
const TITLE_DECISION_PATH_ONE_WRITE = 'title-decision-path-one-write';

export async function titleApplicationWorkflow(input: TitleApplicationInput): Promise<TitleApplicationOutcome> {
  const state = { status: 'unit_recommendation', stage: 'unit_recommendation' };
  const tasks = new HumanTasks(() => ({ status: state.status, stage: state.stage }));
  const publicity = new Publicity(tasks);
  const subject = { type: 'title_application', id: input.applicationId, ref: input.applicationNo, personId: input.applicantIdNumber };
  let withdrawn: string | null = null;
  setHandler(withdrawnSignal, ({ reason }) => {
    if (withdrawn) return;
    withdrawn = reason;
    state.status = 'withdrawn';
    tasks.cancelAll(`申请已撤销：${reason}`);
  });
  // refused because the session's pre-review publicity started first (titleReview/lateApplications.ts)
  let late: string | null = null;
  setHandler(sessionClosedSignal, ({ reason }) => {
    if (withdrawn || late) return;
    late = reason;
    tasks.cancelAll(reason);
  });

  async function setStatus(status: string, stage: string, close?: { reason: string | null; event: string }) {
    state.status = status;
    state.stage = stage;
    // on a clerk's path (between a decision and the next task): local, like the task writes around it
    await onDecisionPath(zjLocal, zj).zjSetApplicationStatus({
      applicationId: input.applicationId,
      status,
      stage,
      at: nowIso(),
      close: close ? { reason: close.reason } : undefined,
      event: close?.event,
      eventKey: close ? tasks.eventKey(close.event) : undefined,
    });
  }

  async function finish(outcome: TitleApplicationOutcome): Promise<TitleApplicationOutcome> {
    await tasks.finish();
    return outcome;
  }

  const ended = () => finish({ status: 'withdrawn', reason: withdrawn });

  async function rejected(stage: string, reason: string): Promise<TitleApplicationOutcome> {
    await setStatus('rejected', stage, { reason, event: 'rejected' });
    return finish({ status: 'rejected', reason });
  }

  const reasonOf = (o: StageOutcome) => o.comment ?? 'rejected';

  /**
   * One review step. Since the title-decision-path-one-write patch, the step's opening writes the application's
   * status and its task in one local activity (zjOpenStep), together with the previous step's approval when a step
   * follows it (`nextIsStep`): a clerk's decision between two steps is one write, as on a Nanxun claim. Any other
   * way on (a rejection, a withdrawal, the publicity or the qualification that follow) writes the decision at once.
   */
  async function step(kind: string, role: string, orgCode: string, nextIsStep = false): Promise<StageOutcome> {
    if (late) return { decision: 'cancelled', comment: late, fields: {}, actor: null, decidedAt: nowIso() };
    const oneWrite = patched(TITLE_DECISION_PATH_ONE_WRITE);
    if (oneWrite) {
      state.status = kind;
      state.stage = kind;
    } else await setStatus(kind, kind);
    // 补正 on the competent department's and the office's reviews (running applications: from their next such task)
    const supplement = TITLE_SUPPLEMENT_KINDS.includes(kind) && patched('title-supplement');
    return tasks.run({
      key: kind,
      kind,
      role,
      orgCode,
      stage: kind,
      slaWorkingDays: null,
      subject,
      allowSupplement: supplement,
      ...(supplement ? { onPaused: () => setStatus('supplement_requested', kind), onResumed: () => setStatus(kind, kind) } : {}),
      check: (d, f) => checkTitleDecision(kind, d, f),
      ...(oneWrite
        ? {
            open: (open) => zjLocal.zjOpenStep({ status: { applicationId: input.applicationId, status: kind, stage: kind, at: open.at }, open }),
            writeDecisionWithNext: nextIsStep ? (o) => o.decision === 'approve' && withdrawn == null && late == null : false,
          }
        : {}),
    });
  }

  if (input.submission) {
    const recorded = await submissions.zjRecordApplication(input.submission);
    if ('duplicate' in recorded) {
      state.status = 'duplicate';
      state.stage = 'submitted';
      return finish({ status: 'rejected', reason: recorded.duplicate });
    }
  }

  // 2. 单位考核推荐 (the unit's clerk: truthfulness, political record, integrity, conduct)
  const unit = await step('unit_recommendation', 'unit_verifier', input.employerOrgCode);
  if (withdrawn) return ended();
  if (unit.decision !== 'approve') return rejected('unit_recommendation', reasonOf(unit));

  // 单位内部公示不少于5个工作日 (the edition in force when it opens, 程序从新); an objection is investigated by the unit
  await setStatus('unit_publicity', 'unit_publicity');
  const publicityTermsRead = stageTerms('unit_publicity'); // null at once in a history from before (no await: its commands keep their order)
  const publicityTerms = publicityTermsRead ? await publicityTermsRead : null;
  let upheldReason: string | null = null;
  await publicity.run({
    key: 'unit_publicity',
    kind: 'unit_publicity',
    title: `${input.employerName}职称申报材料单位内部公示：${input.applicantName}（${TITLE_LEVEL_ZH[input.level]}·${TITLE_CATEGORY_ZH[input.category]}）`,
    stage: 'unit_publicity',
    subject,
    orgCode: input.employerOrgCode,
    workingDays: termsOf(publicityTerms).publicityWorkingDays,
    ...(publicityTerms ? { policy: publicityTerms.basis.publicityWorkingDays } : {}),
    entries: [
      {
        applicationId: input.applicationId,
        applicationNo: input.applicationNo,
        name: input.applicantName,
        employer: input.employerName,
        level: input.level,
        category: input.category,
        channel: input.channel,
      },
    ],
    entrySubjects: new Map([[input.applicationId, subject]]),
    investigator: { role: 'unit_verifier', orgCode: input.employerOrgCode },
    onUpheld: async (_id, o) => {
      upheldReason = `单位内部公示异议成立：${o.comment ?? ''}`;
    },
    // an upheld objection ends the application; the notice closes then
    stop: () => withdrawn != null || upheldReason != null || late != null,
  });
  if (withdrawn) return ended();
  if (late) return rejected('unit_publicity', late);
  if (upheldReason) return rejected('unit_publicity', upheldReason);

  // 3. 主管部门审核
  // a step follows unless a senior application has no lower-level committee (it is rejected instead)
  const dept = await step('competent_dept_review', 'competent_dept', input.competentOrgCode, input.level !== 'senior' || !!input.lowerCommitteeOrgCode);
  if (withdrawn) return ended();
  if (dept.decision !== 'approve') return rejected('competent_dept_review', reasonOf(dept));

  // 4. 下一级评审委员会推荐 — senior only; professor-level goes straight to the committee office
  if (input.level === 'senior') {
    if (!input.lowerCommitteeOrgCode) return rejected('lower_committee_recommendation', 'no lower-level committee for this unit');
    const lower = await step('lower_committee_recommendation', 'lower_committee', input.lowerCommitteeOrgCode, true);
    if (withdrawn) return ended();
    if (lower.decision !== 'approve') return rejected('lower_committee_recommendation', reasonOf(lower));
  }

  // 5. 评审委员会办公室资格审查
  const qual = await step('qualification_review', 'committee_office', COMMITTEE_OFFICE_ORG);
  if (withdrawn) return ended();
  if (qual.decision !== 'approve') return rejected('qualification_review', reasonOf(qual));

  const { inSession } = await zj.zjMarkQualified({ applicationId: input.applicationId, at: nowIso(), eventKey: tasks.eventKey('qualified') });
  if (withdrawn) return ended();
  state.status = inSession ? 'qualified' : 'deferred';
  state.stage = 'qualification_review';
  return finish({ status: inSession ? 'qualified' : 'deferred', reason: null });
}
