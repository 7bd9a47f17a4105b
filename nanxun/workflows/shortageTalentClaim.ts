/**
 * Nanxun shortage-talent reward (紧缺人才奖励, seed 001 annex 3 二(四), 三(3), form 附件2-2): 10,000 yuan paid
 * 3,000 / 3,000 / 4,000 over three years. Each year: unit verification (still under contract, contributions paid)
 * → 区应急管理局 preliminary review within 10 working days → re-review by the industry regulator → payout.
 * Years 2 and 3 wait, durably, for the yearly release (a Temporal Schedule runs it). If the unit does not confirm,
 * that instalment and the later ones are not paid and the claim ends; what was paid stays paid.
 */
import { patched, proxyLocalActivities, setHandler } from '@temporalio/workflow';
import { DB_LOCAL_ACTIVITY } from '../../platform/workflows/activityOptions';
import type { NanxunPolicyActivities } from '../activities/policy';
import { ClaimProcess, type ClaimOutcome } from './claimProcess';
import type { SubmittedClaim } from '../repositories/claims';
import { releaseInstalmentSignal } from '../messages';
import { instalmentDueOn } from '../rules';
import { shanghaiDate } from '../../platform/calendar/workdays';

const policyLocal = proxyLocalActivities<NanxunPolicyActivities>(DB_LOCAL_ACTIVITY);

/**
 * The patch under which the instalment plan is fixed when year 1 is approved (recorded on the instalments, with its
 * edition) and years 2 and 3 are paid as fixed; histories recorded before paid the plan the workflow was started with.
 */
const PLAN_FIXED_AT_YEAR_ONE = 'instalment-plan-fixed-at-year-one';

export interface ShortageTalentClaimInput {
  claimId: string;
  applicationNo: string;
  applicantIdNumber: string;
  employerOrgCode: string;
  /** the industry regulator responsible for the employer */
  rereviewOrgCode: string;
  /** 3000, 3000, 4000 */
  instalmentsYuan: number[];
  /**
   * A claim brought over from the paper records whose first instalment was already paid (on `paidOn`): the
   * workflow starts by waiting for the second year's release.
   */
  importedFirstPayment?: { paidOn: string };
  submission?: SubmittedClaim;
}

export async function shortageTalentClaimWorkflow(input: ShortageTalentClaimInput): Promise<ClaimOutcome> {
  const p = new ClaimProcess(input);
  const duplicate = await p.recordSubmission();
  if (duplicate) return duplicate;
  const released = new Set<number>();
  setHandler(releaseInstalmentSignal, ({ yearNo }) => {
    released.add(yearNo);
  });

  let firstPaidOn: string | null = input.importedFirstPayment?.paidOn ?? null;
  /** the plan: as started until year 1 is approved, then as fixed then */
  let plan = input.instalmentsYuan;
  for (let i = 0; i < plan.length; i++) {
    const yearNo = i + 1;
    const amountYuan = plan[i]!;
    if (yearNo === 1 && input.importedFirstPayment) {
      p.state.paidYuan += amountYuan;
      continue;
    }
    if (yearNo > 1) {
      const dueOn = instalmentDueOn(firstPaidOn!, yearNo);
      await p.scheduleInstalment(yearNo, dueOn);
      await p.setStatus('awaiting_next_instalment', 'awaiting_next_instalment');
      await p.tasks.waitFor(() => released.has(yearNo) || p.clawback != null);
      if (p.clawback) return p.endClawedBack();
    }
    const round = await p.reviewRound({
      keyPrefix: yearNo === 1 ? '' : `y${yearNo}/`,
      yearNo,
      rereviewOrgCode: input.rereviewOrgCode,
      level: 'intermediate',
      amountYuan,
      announce: yearNo > 1,
      // the release wakes every due claim at once: open the year's unit verification without server round trips
      // (docs/performance.md); asked after the wait, so claims already waiting when this shipped get it too
      openLocally: yearNo > 1 && patched('release-opens-locally'),
    });
    if (!round.approved) return round.outcome;
    if (yearNo === 1 && patched(PLAN_FIXED_AT_YEAR_ONE)) {
      // 实体从旧: the plan is fixed now, with the split of the edition the claim was submitted under
      const fixed = await policyLocal.fixShortagePlan({
        claimId: input.claimId,
        instalmentsYuan: input.instalmentsYuan,
        at: new Date(Date.now()).toISOString(),
        eventKey: p.tasks.eventKey('instalment_plan_fixed'),
      });
      plan = fixed.instalmentsYuan;
    }
    const paid = await p.pay(yearNo, amountYuan, input.rereviewOrgCode, round.rereview.actor?.username ?? null);
    if (paid === 'clawed_back') return p.endClawedBack();
    firstPaidOn ??= shanghaiDate(new Date(paid.paidAt));
  }
  await p.setStatus('completed', 'payout', { reason: null, event: 'closed_completed' });
  return p.finish({ status: 'completed', paidYuan: p.state.paidYuan, reason: null });
}
