/**
 * Nanxun certificate reward (资格证书奖励, seed 001 annex 3 三(一), form 附件2-1):
 * unit verification → 区应急管理局 preliminary review within 10 working days → re-review by the body
 * responsible for the employer (town/zone or industry regulator) → payout from that body's fund.
 */
import { ClaimProcess, type ClaimOutcome } from './claimProcess';
import type { SubmittedClaim } from '../repositories/claims';

export type { ClaimOutcome } from './claimProcess';

export interface CertificateClaimInput {
  claimId: string;
  applicationNo: string;
  applicantIdNumber: string;
  employerOrgCode: string;
  rereviewOrgCode: string;
  level: string;
  amountYuan: number;
  submission?: SubmittedClaim;
}

export async function certificateClaimWorkflow(input: CertificateClaimInput): Promise<ClaimOutcome> {
  const p = new ClaimProcess(input);
  const duplicate = await p.recordSubmission();
  if (duplicate) return duplicate;
  const round = await p.reviewRound({
    keyPrefix: '',
    yearNo: 1,
    rereviewOrgCode: input.rereviewOrgCode,
    level: input.level,
    amountYuan: input.amountYuan,
    announce: false,
  });
  if (!round.approved) return round.outcome;
  const paid = await p.pay(1, input.amountYuan, input.rereviewOrgCode, round.rereview.actor?.username ?? null);
  if (paid === 'clawed_back') return p.endClawedBack();
  await p.setStatus('paid', 'payout', { reason: null, event: 'closed_paid' });
  return p.finish({ status: 'paid', paidYuan: p.state.paidYuan, reason: null });
}
