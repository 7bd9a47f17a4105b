/**
 * Pure rules of the Nanxun reward claims (seed 001, annex 3 and form 附件2-1).
 * No I/O: used by the API for fast, clear refusals and by workflows (deterministically) in update validators.
 */
import type { TitleLevel } from '../titleReview/rules';
import { addMonths } from '../platform/calendar/workdays';

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
  /** the bureau's published concentrated application period for the year of submission (nanxun/applicationPeriods.ts) */
  period?: { startsOn: string; endsOn: string } | null;
}): string[] {
  const reasons: string[] = [];
  if (!input.employerInDistrict) reasons.push('EMPLOYER_NOT_IN_DISTRICT');
  if (input.blacklisted) reasons.push('BLACKLISTED');
  if (input.receivedOn < input.issuedOn) reasons.push('RECEIVED_BEFORE_ISSUED');
  if (input.receivedOn > input.submittedOn) reasons.push('CERTIFICATE_NOT_YET_RECEIVED');
  if (input.period) {
    // 集中申请: within the published period, for certificates received in the 6 months before its last day
    if (input.submittedOn < input.period.startsOn || input.submittedOn > input.period.endsOn) reasons.push('OUTSIDE_APPLICATION_PERIOD');
    if (addMonths(input.receivedOn, CERTIFICATE_WINDOW_MONTHS) < input.period.endsOn) reasons.push('WINDOW_EXPIRED');
  } else if (addMonths(input.receivedOn, CERTIFICATE_WINDOW_MONTHS) < input.submittedOn) {
    // the window ends at the end of the day six calendar months after receipt
    reasons.push('WINDOW_EXPIRED');
  }
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
        return {
          ok: false,
          message: `the certificate level claimed is ${claim.level}; if the certificate shows another level, reject with verdict "not_true"`,
        };
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

/** 紧缺人才奖励 (激励内容第4项): 10,000 yuan over three years. */
export const SHORTAGE_INSTALMENTS_YUAN = [3000, 3000, 4000] as const;
export const SHORTAGE_MIN_CONTRACT_YEARS = 3;
export const SHORTAGE_MIN_CONTRIBUTION_MONTHS = 12;

export function shortageIneligibility(input: {
  level: string;
  contractYears: number;
  socialSecurityMonths: number;
  employedSince: string;
  submittedOn: string;
  firstIntroductionDeclared: boolean;
  employerHasEarlierShortageClaim: boolean;
  employerInDistrict: boolean;
  blacklisted: boolean;
}): string[] {
  const reasons: string[] = [];
  if (!input.employerInDistrict) reasons.push('EMPLOYER_NOT_IN_DISTRICT');
  if (input.blacklisted) reasons.push('BLACKLISTED');
  if (input.level !== 'intermediate') reasons.push('LEVEL_NOT_INTERMEDIATE');
  if (input.contractYears < SHORTAGE_MIN_CONTRACT_YEARS) reasons.push('CONTRACT_TOO_SHORT');
  // 缴纳社保和个税满一年: declared months, and employment long enough to have paid them
  if (input.socialSecurityMonths < SHORTAGE_MIN_CONTRIBUTION_MONTHS || addMonths(input.employedSince, SHORTAGE_MIN_CONTRIBUTION_MONTHS) > input.submittedOn) {
    reasons.push('CONTRIBUTIONS_TOO_SHORT');
  }
  // 企业首次引入: the applicant's word and the data this system holds
  if (!input.firstIntroductionDeclared || input.employerHasEarlierShortageClaim) reasons.push('NOT_FIRST_INTRODUCTION');
  if (input.employedSince > input.submittedOn) reasons.push('NOT_YET_EMPLOYED');
  return reasons;
}

/** 高层次人才奖励 (激励内容第5项): 副高 15,000, 正高 30,000, once the title has been held for a year. */
export const HIGH_LEVEL_REWARD_YUAN: Record<TitleLevel, number> = { senior: 15000, professor: 30000 };
export const HIGH_LEVEL_HOLDING_MONTHS = 12;

export function highLevelIneligibility(input: {
  grantedOn: string;
  submittedOn: string;
  socialSecurityMonths: number;
  employerInDistrict: boolean;
  blacklisted: boolean;
  titleRevoked: boolean;
}): string[] {
  const reasons: string[] = [];
  if (!input.employerInDistrict) reasons.push('EMPLOYER_NOT_IN_DISTRICT');
  if (input.blacklisted) reasons.push('BLACKLISTED');
  if (input.titleRevoked) reasons.push('TITLE_REVOKED');
  if (input.grantedOn > input.submittedOn) reasons.push('TITLE_NOT_YET_GRANTED');
  if (input.socialSecurityMonths < SHORTAGE_MIN_CONTRIBUTION_MONTHS) reasons.push('CONTRIBUTIONS_TOO_SHORT');
  return reasons;
}

/** The day the title has been held for a year: the claim's review opens then (it may be submitted earlier). */
export function highLevelEligibleOn(grantedOn: string): string {
  return addMonths(grantedOn, HIGH_LEVEL_HOLDING_MONTHS);
}

/** Instalment n (2, 3) of a shortage-talent reward comes due on the (n-1)-th anniversary of the first payout. */
export function instalmentDueOn(firstPaidOn: string, yearNo: number): string {
  return addMonths(firstPaidOn, 12 * (yearNo - 1));
}

/**
 * The yearly release held on `onDate` opens every instalment falling due in that calendar year (up to 31 December),
 * not only those due by the release day: the seed pays 10,000 分三年发放 (第一年/第二年/第三年), so a year-2
 * instalment falling due 2027-12-03 (first paid 2026-12-03) is opened by the 2027-12-01 release instead of
 * waiting for 2028 and leaving 2027 without a payment.
 */
export function releaseDueBy(onDate: string): string {
  return `${onDate.slice(0, 4)}-12-31`;
}
