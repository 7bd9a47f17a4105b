/**
 * Nanxun certificate reward (资格证书奖励, seed 001 annex 3 三(一), form 附件2-1):
 * unit verification → 区应急管理局 preliminary review within 10 working days → re-review by the body
 * responsible for the employer (town/zone or industry regulator) → payout from that body's fund.
 */
import { allHandlersFinished, condition, proxyActivities } from '@temporalio/workflow';
import type { ClaimActivities } from '../activities/claims';
import { HumanTasks, type StageOutcome } from './humanTask';
import { BUREAU_ORG_CODE, BUREAU_REVIEW_WORKING_DAYS, checkClaimDecision } from '../domain/nanxun';

const claims = proxyActivities<ClaimActivities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' },
});

export interface CertificateClaimInput {
  claimId: string;
  applicationNo: string;
  applicantIdNumber: string;
  employerOrgCode: string;
  rereviewOrgCode: string;
  level: string;
  amountYuan: number;
}

export interface ClaimOutcome {
  status: 'paid' | 'rejected';
  paidYuan: number;
  reason: string | null;
}

const nowIso = () => new Date(Date.now()).toISOString();

export async function certificateClaimWorkflow(input: CertificateClaimInput): Promise<ClaimOutcome> {
  const state = { status: 'unit_verification', stage: 'unit_verification', paidYuan: 0 };
  const tasks = new HumanTasks(() => ({ status: state.status, stage: state.stage }));
  const subject = { type: 'nanxun_claim', id: input.claimId, ref: input.applicationNo, personId: input.applicantIdNumber };
  const check = (kind: string) => (decision: string, fields: Record<string, unknown>) =>
    checkClaimDecision(kind, decision, fields, { level: input.level, amountYuan: input.amountYuan });

  async function setStatus(status: string, stage: string, close?: { reason: string | null; event: string }) {
    state.status = status;
    state.stage = stage;
    await claims.setClaimStatus({
      claimId: input.claimId,
      status,
      stage,
      at: nowIso(),
      closed: close != null,
      closeReason: close?.reason ?? null,
      eventKey: close ? tasks.eventKey(close.event) : undefined,
      event: close?.event,
    });
  }

  /** While the applicant supplies materials the claim says so; the stage stays where it was. */
  const pauseHooks = (stage: string) => ({
    onPaused: () => setStatus('supplement_requested', stage),
    onResumed: () => setStatus(stage, stage),
  });

  async function finish(outcome: ClaimOutcome): Promise<ClaimOutcome> {
    tasks.settle();
    await condition(allHandlersFinished);
    return outcome;
  }

  async function rejected(at: string, o: StageOutcome): Promise<ClaimOutcome> {
    const reason = o.comment ?? (o.fields.verdict ? `verdict: ${String(o.fields.verdict)}` : 'rejected');
    await setStatus('rejected', at, { reason, event: 'rejected' });
    return finish({ status: 'rejected', paidYuan: 0, reason });
  }

  // 1. 申请人所在单位审核
  const unit = await tasks.run({
    key: 'unit_verification',
    kind: 'unit_verification',
    role: 'unit_verifier',
    orgCode: input.employerOrgCode,
    stage: 'unit_verification',
    slaWorkingDays: null,
    subject,
    check: check('unit_verification'),
    ...pauseHooks('unit_verification'),
  });
  if (unit.decision !== 'approve') return rejected('unit_verification', unit);

  // 2. 区应急管理局初审 (10个工作日内)
  await setStatus('bureau_review', 'bureau_review');
  const bureau = await tasks.run({
    key: 'bureau_review',
    kind: 'bureau_review',
    role: 'bureau_reviewer',
    orgCode: BUREAU_ORG_CODE,
    stage: 'bureau_review',
    slaWorkingDays: BUREAU_REVIEW_WORKING_DAYS,
    subject,
    check: check('bureau_review'),
    ...pauseHooks('bureau_review'),
  });
  if (bureau.decision !== 'approve') return rejected('bureau_review', bureau);

  // 3. 行业监管部门及各镇（开发区）复审
  await setStatus('rereview', 'rereview');
  const rereview = await tasks.run({
    key: 'rereview',
    kind: 'rereview',
    role: 'rereviewer',
    orgCode: input.rereviewOrgCode,
    stage: 'rereview',
    slaWorkingDays: null,
    subject,
    check: check('rereview'),
    ...pauseHooks('rereview'),
  });
  if (rereview.decision !== 'approve') return rejected('rereview', rereview);

  // 4. 奖励金发放, from the re-reviewing body's special fund
  await setStatus('payout', 'payout');
  await claims.recordPayout({
    claimId: input.claimId,
    instalmentNo: 1,
    amountYuan: input.amountYuan,
    fundOrgCode: input.rereviewOrgCode,
    approvedBy: rereview.actor?.username ?? null,
    at: nowIso(),
    eventKey: tasks.eventKey('payout-1'),
  });
  state.paidYuan = input.amountYuan;
  await setStatus('paid', 'payout', { reason: null, event: 'closed_paid' });
  return finish({ status: 'paid', paidYuan: state.paidYuan, reason: null });
}
