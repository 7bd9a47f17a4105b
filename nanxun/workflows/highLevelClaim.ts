import { ClaimProcess, type ClaimOutcome } from './claimProcess';
import type { SubmittedClaim } from '../repositories/claims';
import { startOfShanghaiDay } from '../../platform/calendar/workdays';

export interface HighLevelClaimInput {
  claimId: string;
  applicationNo: string;
  applicantIdNumber: string;
  employerOrgCode: string;
  rereviewOrgCode: string;
  level: string;
  amountYuan: number;
  /** the first day the title has been held for a year */
  eligibleOn: string;
  submission?: SubmittedClaim;
}

export async function highLevelClaimWorkflow(input: HighLevelClaimInput): Promise<ClaimOutcome> {
  const p = new ClaimProcess(input);
  const duplicate = await p.recordSubmission();
  if (duplicate) return duplicate;
  const waitMs = startOfShanghaiDay(input.eligibleOn).getTime() - Date.now();
  if (waitMs > 0) {
    await p.setStatus('awaiting_eligibility', 'awaiting_eligibility');
    await p.tasks.waitFor(() => p.clawback != null, waitMs);
    if (p.clawback) return p.endClawedBack();
  }
  const round = await p.reviewRound({
    keyPrefix: '',
    yearNo: 1,
    rereviewOrgCode: input.rereviewOrgCode,
    level: input.level,
    amountYuan: input.amountYuan,
    announce: waitMs > 0,
  });
  if (!round.approved) return round.outcome;
  const paid = await p.pay(1, input.amountYuan, input.rereviewOrgCode, round.rereview.actor?.username ?? null);
  if (paid === 'clawed_back') return p.endClawedBack();
  await p.setStatus('paid', 'payout', { reason: null, event: 'closed_paid' });
  return p.finish({ status: 'paid', paidYuan: p.state.paidYuan, reason: null });
}
