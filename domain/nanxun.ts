/**
 * Pure rules of the Nanxun reward claims (seed 001, annex 3 and form 附件2-1).
 * No I/O: used by the API for fast, clear refusals and by workflows (deterministically) in update validators.
 */
import { addMonths } from './workdays';

export const CERTIFICATE_LEVELS = ['junior', 'intermediate', 'senior'] as const;
export type CertificateLevel = (typeof CERTIFICATE_LEVELS)[number];

/** 激励内容第1项: 初级 1000, 中级 2000, 高级 3000 yuan. */
export const CERTIFICATE_REWARD_YUAN: Record<CertificateLevel, number> = {
  junior: 1000,
  intermediate: 2000,
  senior: 3000,
};

export const LEVEL_LABEL_ZH: Record<CertificateLevel, string> = { junior: '初级', intermediate: '中级', senior: '高级' };

/** 证书领取后的6个月内 */
export const CERTIFICATE_WINDOW_MONTHS = 6;
/** 区应急管理局在10个工作日内完成初审 */
export const BUREAU_REVIEW_WORKING_DAYS = 10;
/** a task shows a warning when this many working days are left */
export const WARN_WORKING_DAYS_LEFT = 2;

export const BUREAU_ORG_CODE = 'NX-YJGLJ';

export type ClaimKind = 'certificate' | 'shortage_talent' | 'high_level';
export const APPLICATION_NO_PREFIX: Record<ClaimKind, string> = {
  certificate: 'NX-ZS', // 证书奖励
  shortage_talent: 'NX-JQ', // 紧缺人才
  high_level: 'NX-GC', // 高层次人才
};

export function formatApplicationNo(kind: ClaimKind, year: number, seq: number): string {
  return `${APPLICATION_NO_PREFIX[kind]}-${year}-${String(seq).padStart(6, '0')}`;
}

export function claimWorkflowId(applicationNo: string): string {
  return `nanxun-claim-${applicationNo}`;
}

/** Reasons a certificate claim is not eligible; each is a stable code. */
export function certificateIneligibility(input: {
  receivedOn: string;
  issuedOn: string;
  submittedOn: string;
  employerInDistrict: boolean;
  blacklisted: boolean;
}): string[] {
  const reasons: string[] = [];
  if (!input.employerInDistrict) reasons.push('EMPLOYER_NOT_IN_DISTRICT');
  if (input.blacklisted) reasons.push('BLACKLISTED');
  if (input.receivedOn < input.issuedOn) reasons.push('RECEIVED_BEFORE_ISSUED');
  if (input.receivedOn > input.submittedOn) reasons.push('CERTIFICATE_NOT_YET_RECEIVED');
  // the window ends at the end of the day six calendar months after receipt
  if (addMonths(input.receivedOn, CERTIFICATE_WINDOW_MONTHS) < input.submittedOn) reasons.push('WINDOW_EXPIRED');
  // 2019年起: the programme started in 2019
  if (input.issuedOn < '2019-01-01') reasons.push('CERTIFICATE_BEFORE_2019');
  return reasons;
}

export const UNIT_VERDICTS = ['true', 'not_true', 'no_record'] as const;
export type UnitVerdict = (typeof UNIT_VERDICTS)[number];
export const UNIT_VERDICT_ZH: Record<UnitVerdict, string> = { true: '属实', not_true: '不属实', no_record: '暂无该证书信息' };

export interface DecisionCheck {
  ok: boolean;
  message?: string;
}

/**
 * Kind-specific checks of a clerk's decision on a Nanxun claim task.
 * `claim` carries what the form says, so the check can confirm level and amount.
 */
export function checkClaimDecision(
  kind: string,
  decision: string,
  fields: Record<string, unknown>,
  claim: { level: string; amountYuan: number },
): DecisionCheck {
  const common = ['approve', 'reject', 'request_supplement'];
  if (!common.includes(decision)) return { ok: false, message: `decision must be one of ${common.join(', ')}` };
  const comment = fields.comment;
  if ((decision === 'reject' || decision === 'request_supplement') && (typeof comment !== 'string' || comment.trim() === '')) {
    return { ok: false, message: `a ${decision} needs a comment giving the reason` };
  }
  if (kind === 'unit_verification') {
    if (decision === 'request_supplement') return { ok: true };
    const verdict = fields.verdict ?? (decision === 'approve' ? 'true' : undefined);
    if (!UNIT_VERDICTS.includes(verdict as UnitVerdict)) {
      return { ok: false, message: 'verdict must be "true", "not_true" or "no_record"' };
    }
    if (decision === 'approve' && verdict !== 'true') return { ok: false, message: 'approve needs verdict "true" (属实)' };
    if (decision === 'reject' && verdict === 'true') return { ok: false, message: 'reject needs verdict "not_true" or "no_record"' };
    if (decision === 'approve') {
      const level = fields.confirmedLevel ?? claim.level;
      if (level !== claim.level) {
        return { ok: false, message: `the certificate level claimed is ${claim.level}; if the certificate shows another level, reject with verdict "not_true"` };
      }
    }
    return { ok: true };
  }
  if (kind === 'rereview' && decision === 'approve') {
    const amount = fields.amountYuan ?? claim.amountYuan;
    if (amount !== claim.amountYuan) {
      return { ok: false, message: `the amount for this claim is ${claim.amountYuan} yuan` };
    }
  }
  return { ok: true };
}
