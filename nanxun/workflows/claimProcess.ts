/**
 * What every Nanxun claim workflow shares: its projected status, the review round of one payment
 * (unit verification → 区应急管理局 preliminary review within 10 working days → re-review), the payout within the
 * fund's budget, and the reaction to a clawback. The claim workflows compose these.
 */
import { patched, proxyActivities, proxyLocalActivities, setHandler } from '@temporalio/workflow';
import { DB_ACTIVITY, DB_LOCAL_ACTIVITY } from '../../platform/workflows/activityOptions';
import type { ClaimActivities, ClaimStatusInput } from '../activities/claims';
import type { PayoutActivities } from '../activities/payouts';
import { HumanTasks, onDecisionPath, type StageOutcome } from '../../platform/tasks/humanTask';
import { budgetChangedSignal, clawbackSignal } from '../messages';
import { BUREAU_ORG_CODE, checkClaimDecision } from '../rules';
import type { SubmittedClaim } from '../repositories/claims';
import type { NanxunPolicyActivities } from '../activities/policy';

const claims = proxyActivities<ClaimActivities>(DB_ACTIVITY);
const claimsLocal = proxyLocalActivities<ClaimActivities>(DB_LOCAL_ACTIVITY);
const payouts = proxyActivities<PayoutActivities>(DB_ACTIVITY);
const policyLocal = proxyLocalActivities<NanxunPolicyActivities>(DB_LOCAL_ACTIVITY);
/**
 * The patch under which the bureau review's working days and warning days come from the policy edition in force
 * when the stage opens (an activity reads it); histories recorded before ran with the values of the first edition.
 */
const POLICY_EDITIONS = 'policy-editions';
/** what the bureau review used before policy editions (seed 001 三(一): 10个工作日), kept for those histories only */
const BUREAU_REVIEW_WORKING_DAYS_BEFORE_EDITIONS = 10;
/** the patch under which a decision, the claim's next status and the next task are written in one local activity */
const DECISION_PATH_ONE_WRITE = 'decision-path-one-write';
/**
 * the patch under which the bureau review's terms are read by the local activity that opens it (openStageWithTerms),
 * not by a local activity of their own before it: one local activity between a unit's decision and its answer
 */
const DECISION_PATH_TERMS_IN_OPEN = 'decision-path-terms-in-open';
/** the patch under which a claim refused after an instalment was paid ends `terminated`, not `rejected` */
const TERMINATED_AFTER_PAYMENT = 'terminated-after-payment';

export interface ClaimIdentity {
  claimId: string;
  applicationNo: string;
  applicantIdNumber: string;
  employerOrgCode: string;
  /**
   * The claim as submitted, which the workflow records as its first step (claims submitted before this existed
   * were recorded by the API and carry none): no claim row exists without its workflow, nor a workflow without
   * its row. Whether the step runs is decided by the input alone, so recorded histories replay unchanged.
   */
  submission?: SubmittedClaim;
}

export interface ClaimOutcome {
  /** `terminated`: a later year was refused after earlier instalments were paid (those stay paid) */
  status: 'paid' | 'completed' | 'rejected' | 'clawed_back' | 'terminated';
  paidYuan: number;
  reason: string | null;
}

export interface RoundSpec {
  /** task key prefix: '' for the first payment, 'y2/' for the second year's */
  keyPrefix: string;
  yearNo: number;
  rereviewOrgCode: string;
  level: string;
  amountYuan: number;
  /** later years say so on the claim before their unit verification opens */
  announce: boolean;
  /**
   * project the announcement and open the unit verification in one local activity, in the workflow task that
   * woke the workflow (the yearly release wakes thousands at once); decided behind a patch by the caller
   */
  openLocally?: boolean;
}

export type RoundResult = { approved: true; rereview: StageOutcome } | { approved: false; outcome: ClaimOutcome };

const nowIso = () => new Date(Date.now()).toISOString();

export class ClaimProcess {
  readonly tasks: HumanTasks;
  readonly state = { status: 'unit_verification', stage: 'unit_verification', paidYuan: 0 };
  clawback: { reason: string; by: string } | null = null;
  private budgetChanged = false;
  private readonly subject;

  constructor(readonly id: ClaimIdentity) {
    this.tasks = new HumanTasks(() => ({ status: this.state.status, stage: this.state.stage }));
    this.tasks.describeWith(() => ({ claimId: id.claimId, paidYuan: this.state.paidYuan }));
    this.subject = { type: 'nanxun_claim', id: id.claimId, ref: id.applicationNo, personId: id.applicantIdNumber };
    setHandler(clawbackSignal, (c) => {
      this.clawback ??= c;
      this.tasks.cancelAll(`追回：${c.reason}`);
    });
    setHandler(budgetChangedSignal, () => {
      this.budgetChanged = true;
    });
  }

  async setStatus(
    status: string,
    stage: string,
    close?: { reason: string | null; event: string },
    instalment?: { yearNo: number; status: 'in_review' },
  ): Promise<void> {
    // on a clerk's path (between a decision and the next task): local, like the task writes around it
    await onDecisionPath(claimsLocal, claims).setClaimStatus(this.statusChange(status, stage, close, instalment));
  }

  /** The workflow's status becomes `status`; returns the projection of it for the claim row. */
  private statusChange(
    status: string,
    stage: string,
    close?: { reason: string | null; event: string },
    instalment?: { yearNo: number; status: 'in_review' },
  ): ClaimStatusInput {
    this.state.status = status;
    this.state.stage = stage;
    return {
      claimId: this.id.claimId,
      status,
      stage,
      at: nowIso(),
      closed: close != null,
      closeReason: close?.reason ?? null,
      eventKey: close ? this.tasks.eventKey(close.event) : undefined,
      event: close?.event,
      ...(instalment ? { instalment } : {}),
    };
  }

  /** A later year's instalment comes due on `dueOn`: the yearly release will open it. */
  async scheduleInstalment(yearNo: number, dueOn: string): Promise<void> {
    await claims.scheduleInstalment({ claimId: this.id.claimId, yearNo, dueOn, at: nowIso() });
  }

  /** Records the submission (see ClaimIdentity.submission); a duplicate ends the workflow before anything else. */
  async recordSubmission(): Promise<ClaimOutcome | null> {
    if (!this.id.submission) return null;
    const r = await claimsLocal.recordSubmittedClaim(this.id.submission);
    if ('recorded' in r) return null;
    this.state.status = 'duplicate';
    this.state.stage = 'submitted';
    return this.finish({ status: 'rejected', paidYuan: 0, reason: r.duplicate });
  }

  async finish(outcome: ClaimOutcome): Promise<ClaimOutcome> {
    await this.tasks.finish();
    return outcome;
  }

  /** The claim was found fraudulent: the clawback workflow has recorded the recovery; end here. */
  async endClawedBack(): Promise<ClaimOutcome> {
    this.state.status = 'clawed_back';
    return this.finish({ status: 'clawed_back', paidYuan: this.state.paidYuan, reason: this.clawback?.reason ?? null });
  }

  private async rejected(stage: string, o: StageOutcome): Promise<ClaimOutcome> {
    const reason = o.comment ?? (o.fields.verdict ? `verdict: ${String(o.fields.verdict)}` : 'rejected');
    // a later year refused (the holder left, contributions stopped): what was paid stays paid, the claim ends
    // terminated (已终止) rather than rejected (不予核准), which it never was
    if (this.state.paidYuan > 0 && patched(TERMINATED_AFTER_PAYMENT)) {
      await this.setStatus('terminated', stage, { reason, event: 'terminated' });
      return this.finish({ status: 'terminated', paidYuan: this.state.paidYuan, reason });
    }
    await this.setStatus('rejected', stage, { reason, event: 'rejected' });
    return this.finish({ status: 'rejected', paidYuan: this.state.paidYuan, reason });
  }

  /** One payment's three review stages; any rejection (or a clawback) ends the claim. */
  async reviewRound(r: RoundSpec): Promise<RoundResult> {
    const check = (kind: string) => (decision: string, fields: Record<string, unknown>) =>
      checkClaimDecision(kind, decision, fields, { level: r.level, amountYuan: r.amountYuan });
    const pauseHooks = (stage: string) => ({
      onPaused: () => this.setStatus('supplement_requested', stage),
      onResumed: () => this.setStatus(stage, stage),
    });
    const stages = [
      { kind: 'unit_verification', role: 'unit_verifier', orgCode: this.id.employerOrgCode, sla: null },
      { kind: 'bureau_review', role: 'bureau_reviewer', orgCode: BUREAU_ORG_CODE, sla: BUREAU_REVIEW_WORKING_DAYS_BEFORE_EDITIONS },
      { kind: 'rereview', role: 'rereviewer', orgCode: r.rereviewOrgCode, sla: null },
    ] as const;
    // a clerk's decision, the claim's next status and the next task: one write, one local activity
    const oneWrite = patched(DECISION_PATH_ONE_WRITE);
    let last: StageOutcome | null = null;
    for (const [i, s] of stages.entries()) {
      const instalment = r.yearNo > 1 && i === 0 ? { yearNo: r.yearNo, status: 'in_review' as const } : undefined;
      // released rounds write the announcement and the opened task together, in one local activity
      const openWithAnnouncement = i === 0 && r.announce && !!r.openLocally;
      const openWithDecision = i > 0 && oneWrite;
      // the status and the opened task in one local activity (activity names as recorded histories call them)
      const openWith = openWithAnnouncement ? claimsLocal.openReleasedRound : openWithDecision ? claimsLocal.openStage : null;
      // 程序从新: the stage's period is that of the edition in force when it opens (the task records which)
      const editions = s.sla != null && patched(POLICY_EDITIONS);
      // …read by the opening itself where one local activity opens the stage (the placeholder period is replaced)
      const termsInOpen = editions && openWithDecision && patched(DECISION_PATH_TERMS_IN_OPEN);
      const terms = editions && !termsInOpen ? await this.stageTerms() : null;
      if ((i > 0 || r.announce) && !openWith) await this.setStatus(s.kind, s.kind, undefined, instalment);
      last = await this.tasks.run({
        key: `${r.keyPrefix}${s.kind}`,
        kind: s.kind,
        role: s.role,
        orgCode: s.orgCode,
        stage: s.kind,
        slaWorkingDays: terms ? terms.workingDays : s.sla,
        ...(terms ? { warnWorkingDaysLeft: terms.warnWorkingDaysLeft, policy: terms.policy } : {}),
        subject: this.subject,
        check: check(s.kind),
        ...pauseHooks(s.kind),
        ...(termsInOpen
          ? {
              open: (open) =>
                claimsLocal.openStageWithTerms({
                  status: this.statusChange(s.kind, s.kind, undefined, instalment),
                  open,
                  terms: { pinnedEditionId: this.id.submission?.policyEditionId ?? null, at: open.at },
                }),
            }
          : openWith
            ? { open: (open) => openWith({ status: this.statusChange(s.kind, s.kind, undefined, instalment), open }) }
            : {}),
        // the next stage's opening writes an approval; any other way on (a rejection, a clawback) is written at once
        writeDecisionWithNext: oneWrite && i < stages.length - 1 ? (o) => o.decision === 'approve' && !this.clawback : false,
      });
      if (this.clawback) return { approved: false, outcome: await this.endClawedBack() };
      if (last.decision !== 'approve') return { approved: false, outcome: await this.rejected(s.kind, last) };
    }
    return { approved: true, rereview: last! };
  }

  /** The bureau review's terms from the edition in force now, or the claim's own when none is (it finishes). */
  private stageTerms() {
    return policyLocal.bureauReviewTerms({ pinnedEditionId: this.id.submission?.policyEditionId ?? null, at: nowIso() });
  }

  /**
   * Pays the instalment from the re-reviewing body's fund. A payout that would overdraw the fund's budget
   * waits (status payout, instalment awaiting_budget) until the budget changes; it is retried daily as well.
   */
  async pay(yearNo: number, amountYuan: number, fundOrgCode: string, approvedBy: string | null): Promise<{ paidAt: string } | 'clawed_back'> {
    await this.setStatus('payout', 'payout');
    if (!patched('payout-within-budget')) {
      // histories recorded before fund budgets
      const r = await claims.recordPayout({
        claimId: this.id.claimId,
        instalmentNo: yearNo,
        amountYuan,
        fundOrgCode,
        approvedBy,
        at: nowIso(),
        eventKey: this.tasks.eventKey(`payout-${yearNo}`),
      });
      this.state.paidYuan += amountYuan;
      return { paidAt: r.paidAt };
    }
    const waitingKey = this.tasks.eventKey(`payout-${yearNo}-waiting`);
    for (;;) {
      const r = await payouts.payWithinBudget({
        claimId: this.id.claimId,
        instalmentNo: yearNo,
        amountYuan,
        fundOrgCode,
        approvedBy,
        at: nowIso(),
        eventKey: this.tasks.eventKey(`payout-${yearNo}`),
        waitingEventKey: waitingKey,
      });
      if (r.paid) {
        this.state.paidYuan += amountYuan;
        return { paidAt: r.paidAt };
      }
      if (r.reason === 'clawed_back' || this.clawback) return 'clawed_back';
      this.state.status = 'payout';
      this.budgetChanged = false;
      await this.tasks.waitFor(() => this.budgetChanged || this.clawback != null, '1 day');
      if (this.clawback) return 'clawed_back';
    }
  }
}
