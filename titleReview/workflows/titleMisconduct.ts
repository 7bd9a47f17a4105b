/**
 * 第十七条 misconduct (seed 004 四(四)2): the application is withdrawn, the year's review cancelled, the person barred
 * for 3 years from the next year, a granted title revoked, and the decision publicised. The application's and the
 * session's workflows are told, so nothing further happens to it.
 */
import { getExternalWorkflowHandle, proxyActivities, workflowInfo } from '@temporalio/workflow';
import { DB_ACTIVITY } from '../../platform/workflows/activityOptions';
import type { TitleReviewActivities } from '../activities';
import type { NoticeActivities } from '../../platform/publicity/activities';
import { applicationWithdrawnSignal, withdrawnSignal } from './messages';
import { COMMITTEE_OFFICE_ORG, TITLE_LEVEL_ZH, type TitleLevel } from '../rules';
import { stageTerms, termsOf } from './stageTerms';

const acts = proxyActivities<TitleReviewActivities & NoticeActivities>(DB_ACTIVITY);

export interface TitleMisconductInput {
  applicationId: string;
  reason: string;
  decidedBy: string;
  applicationWorkflowId: string;
  sessionWorkflowId: string;
}

export async function titleMisconductWorkflow(input: TitleMisconductInput) {
  const { workflowId } = workflowInfo();
  const at = new Date(Date.now()).toISOString();
  const r = await acts.zjRecordMisconduct({
    applicationId: input.applicationId,
    reason: input.reason,
    decidedBy: input.decidedBy,
    at,
    eventKey: `${workflowId}/misconduct`,
  });
  // the notice's period: the edition in force when it opens (程序从新)
  const publicityTermsRead = stageTerms('misconduct_publicity'); // null at once in a history from before (no await: its commands keep their order)
  const publicityTerms = publicityTermsRead ? await publicityTermsRead : null;
  await acts.openNotice({
    notice: {
      noticeId: `${workflowId}--notice`,
      kind: 'misconduct',
      title: `职称评审违纪处理结果公示：${r.name}`,
      subjectType: 'title_application',
      subjectId: input.applicationId,
      workflowId,
      orgCode: COMMITTEE_OFFICE_ORG,
      entries: [
        {
          applicationNo: r.applicationNo,
          name: r.name,
          employer: r.employerName,
          level: r.level,
          levelName: TITLE_LEVEL_ZH[r.level as TitleLevel],
          decision: `申报材料退回，取消当年评审资格${r.revokedCertificate ? '，撤销已取得的任职资格' : ''}`,
          banFromYear: r.fromYear,
          banToYear: r.toYear,
          revokedCertificate: r.revokedCertificate,
        },
      ],
      workingDays: termsOf(publicityTerms).publicityWorkingDays,
      ...(publicityTerms ? { policy: publicityTerms.basis.publicityWorkingDays } : {}),
    },
    at,
    eventKey: `${workflowId}/notice`,
    stage: 'misconduct',
  });
  for (const [wf, send] of [
    [input.applicationWorkflowId, () => getExternalWorkflowHandle(input.applicationWorkflowId).signal(withdrawnSignal, { reason: input.reason })],
    [
      input.sessionWorkflowId,
      () => getExternalWorkflowHandle(input.sessionWorkflowId).signal(applicationWithdrawnSignal, { applicationId: input.applicationId, reason: input.reason }),
    ],
  ] as const) {
    try {
      await send();
    } catch {
      // that workflow has already ended: nothing left to stop there
      void wf;
    }
  }
  return { banFromYear: r.fromYear, banToYear: r.toYear, revokedCertificate: r.revokedCertificate };
}
