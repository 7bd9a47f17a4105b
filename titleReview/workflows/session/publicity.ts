/**
 * The session-wide publicity notices (评前公示 before the meeting, 结果公示 after the ballot): an upheld objection
 * takes that applicant out. Workflow code: keep it deterministic.
 */
import { COMMITTEE_OFFICE_ORG, TITLE_CATEGORY_ZH, TITLE_LEVEL_ZH } from '../../rules';
import { stageTerms, termsOf } from '../stageTerms';
import type { SessionContext } from './context';
import type { App } from './state';
import type { TitleStageTerms } from '../../policyActivities';

/** One applicant's line in a session notice. */
export function publicityEntry(ctx: SessionContext, a: App) {
  return {
    applicationId: a.id,
    applicationNo: a.applicationNo,
    name: a.name,
    employer: a.employerName,
    category: a.category,
    categoryName: TITLE_CATEGORY_ZH[a.category],
    level: ctx.input.level,
    channel: a.channel,
  };
}

/** A session-wide publicity (评前公示 / 结果公示) of `list`; an upheld objection takes that applicant out. */
export function sessionPublicity(
  ctx: SessionContext,
  p: {
    key: string;
    kind: string;
    titleSuffix: string;
    stage: string;
    list: App[];
    out: string;
    closeReason: (comment: string) => string;
  },
) {
  const { input, s, apps, publicity, subject, appSubject, setApp } = ctx;
  const open = (terms: TitleStageTerms | null) => {
    if (terms) s.stageEditions = { ...s.stageEditions, [p.stage]: terms.editionId };
    return publicity.run({
      key: p.key,
      kind: p.kind,
      title: `${input.year}年度浙江省安全工程专业${TITLE_LEVEL_ZH[input.level]}职务任职资格评审${p.titleSuffix}`,
      stage: p.stage,
      subject,
      orgCode: COMMITTEE_OFFICE_ORG,
      workingDays: termsOf(terms).publicityWorkingDays,
      ...(terms ? { policy: terms.basis.publicityWorkingDays } : {}),
      entries: p.list.map((a) => publicityEntry(ctx, a)),
      entrySubjects: new Map(p.list.map((a) => [a.id, appSubject(a)])),
      investigator: { role: 'committee_office', orgCode: COMMITTEE_OFFICE_ORG },
      onUpheld: async (applicationId, o) => {
        const a = applicationId ? apps.get(applicationId) : undefined;
        if (!a || a.out) return;
        a.out = p.out;
        await setApp(a, p.out, p.stage, { close: p.closeReason(o.comment ?? '') });
      },
    });
  };
  // the period: the edition in force when the publicity opens (程序从新), recorded with the stage and the notice;
  // a history from before opens it at once, as it was recorded (the HRSS approval runs alongside)
  const terms = stageTerms(p.stage);
  return terms ? terms.then(open) : open(null);
}

/** 评前公示: the applicants qualified when it starts; an upheld objection disqualifies one. */
export async function preReviewPublicity(ctx: SessionContext): Promise<void> {
  const list = ctx.live();
  await sessionPublicity(ctx, {
    key: 'pre_review_publicity',
    kind: 'pre_review',
    titleSuffix: '评前公示',
    stage: 'pre_review',
    list,
    out: 'disqualified',
    closeReason: (comment) => `评前公示异议成立：${comment}`,
  });
  ctx.s.preReviewDone = true;
}

/** 结果公示: those who passed the ballot; an upheld objection overturns a pass. */
export async function resultsPublicity(ctx: SessionContext, list: App[]): Promise<void> {
  await sessionPublicity(ctx, {
    key: 'results_publicity',
    kind: 'results',
    titleSuffix: '结果公示',
    stage: 'results_publicity',
    list,
    out: 'overturned',
    closeReason: (comment) => `结果公示异议经调查核实成立，撤销评审通过结果：${comment}`,
  });
}
