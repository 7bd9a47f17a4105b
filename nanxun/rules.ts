/**
 * Pure rules of the Nanxun reward claims (seed 001, annex 3 and form 附件2-1).
 * No I/O: used by the API for fast, clear refusals and by workflows (deterministically) in update validators.
 * Every amount, period and threshold is a parameter of a policy edition (nanxun/policy/): the rules take the
 * edition's terms as an argument.
 */
import type { TitleLevel } from '../titleReview/rules';
import { addMonths } from '../platform/calendar/workdays';
import type { NanxunTerms } from './policy/terms';

export const CERTIFICATE_LEVELS = ['junior', 'intermediate', 'senior'] as const;
export type CertificateLevel = (typeof CERTIFICATE_LEVELS)[number];

export const LEVEL_LABEL_ZH: Record<CertificateLevel, string> = { junior: '初级', intermediate: '中级', senior: '高级' };

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
export function certificateIneligibility(
  input: {
    receivedOn: string;
    issuedOn: string;
    submittedOn: string;
    employerInDistrict: boolean;
    blacklisted: boolean;
    /** the bureau's published concentrated application period for the year of submission (nanxun/applicationPeriods.ts) */
    period?: { startsOn: string; endsOn: string } | null;
  },
  terms: Pick<NanxunTerms, 'certificateWindowMonths' | 'certificateIssuedFrom'>,
): string[] {
  const reasons: string[] = [];
  if (!input.employerInDistrict) reasons.push('EMPLOYER_NOT_IN_DISTRICT');
  if (input.blacklisted) reasons.push('BLACKLISTED');
  if (input.receivedOn < input.issuedOn) reasons.push('RECEIVED_BEFORE_ISSUED');
  if (input.receivedOn > input.submittedOn) reasons.push('CERTIFICATE_NOT_YET_RECEIVED');
  if (input.period) {
    // 集中申请: within the published period, for certificates received in the 6 months before its last day
    if (input.submittedOn < input.period.startsOn || input.submittedOn > input.period.endsOn) reasons.push('OUTSIDE_APPLICATION_PERIOD');
    if (addMonths(input.receivedOn, terms.certificateWindowMonths) < input.period.endsOn) reasons.push('WINDOW_EXPIRED');
  } else if (addMonths(input.receivedOn, terms.certificateWindowMonths) < input.submittedOn) {
    // the window ends at the end of the day six calendar months after receipt
    reasons.push('WINDOW_EXPIRED');
  }
  // 2019年起: the programme started in 2019 (the edition's first issue date)
  if (input.issuedOn < terms.certificateIssuedFrom) reasons.push('CERTIFICATE_BEFORE_2019');
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

/** 紧缺人才奖励 (激励内容第4项): the level, contract, contributions and first-introduction thresholds of the edition. */
export function shortageIneligibility(
  input: {
    level: string;
    contractYears: number;
    socialSecurityMonths: number;
    employedSince: string;
    submittedOn: string;
    firstIntroductionDeclared: boolean;
    employerHasEarlierShortageClaim: boolean;
    employerInDistrict: boolean;
    blacklisted: boolean;
  },
  terms: Pick<NanxunTerms, 'shortageLevel' | 'shortageMinContractYears' | 'shortageMinContributionMonths' | 'shortageFirstIntroductionOnly'>,
): string[] {
  const reasons: string[] = [];
  if (!input.employerInDistrict) reasons.push('EMPLOYER_NOT_IN_DISTRICT');
  if (input.blacklisted) reasons.push('BLACKLISTED');
  if (input.level !== terms.shortageLevel) reasons.push('LEVEL_NOT_INTERMEDIATE');
  if (input.contractYears < terms.shortageMinContractYears) reasons.push('CONTRACT_TOO_SHORT');
  // 缴纳社保和个税满一年: declared months, and employment long enough to have paid them
  const months = terms.shortageMinContributionMonths;
  if (input.socialSecurityMonths < months || addMonths(input.employedSince, months) > input.submittedOn) {
    reasons.push('CONTRIBUTIONS_TOO_SHORT');
  }
  // 企业首次引入: the applicant's word and the data this system holds
  if (terms.shortageFirstIntroductionOnly && (!input.firstIntroductionDeclared || input.employerHasEarlierShortageClaim))
    reasons.push('NOT_FIRST_INTRODUCTION');
  if (input.employedSince > input.submittedOn) reasons.push('NOT_YET_EMPLOYED');
  return reasons;
}

/** 高层次人才奖励 (激励内容第5项): the amounts per title level and the holding period are the edition's. */
export function highLevelIneligibility(
  input: {
    grantedOn: string;
    submittedOn: string;
    socialSecurityMonths: number;
    employerInDistrict: boolean;
    blacklisted: boolean;
    titleRevoked: boolean;
  },
  terms: Pick<NanxunTerms, 'highLevelMinContributionMonths'>,
): string[] {
  const reasons: string[] = [];
  if (!input.employerInDistrict) reasons.push('EMPLOYER_NOT_IN_DISTRICT');
  if (input.blacklisted) reasons.push('BLACKLISTED');
  if (input.titleRevoked) reasons.push('TITLE_REVOKED');
  if (input.grantedOn > input.submittedOn) reasons.push('TITLE_NOT_YET_GRANTED');
  if (input.socialSecurityMonths < terms.highLevelMinContributionMonths) reasons.push('CONTRIBUTIONS_TOO_SHORT');
  return reasons;
}

/** The day the title has been held for a year: the claim's review opens then (it may be submitted earlier). */
export function highLevelEligibleOn(grantedOn: string, terms: Pick<NanxunTerms, 'highLevelHoldingMonths'>): string {
  return addMonths(grantedOn, terms.highLevelHoldingMonths);
}

/** The amount (and instalment plan) a claim of `kind` at `level` gets under the edition's terms. */
export function claimAmounts(
  kind: ClaimKind,
  level: string,
  terms: Pick<NanxunTerms, 'certificateRewardYuan' | 'shortageInstalmentsYuan' | 'highLevelRewardYuan'>,
): { amountYuan: number; instalmentsYuan: number[] } {
  const one = (n: number) => ({ amountYuan: n, instalmentsYuan: [n] });
  if (kind === 'certificate') return one(terms.certificateRewardYuan[level as CertificateLevel]);
  if (kind === 'high_level') return one(terms.highLevelRewardYuan[level as TitleLevel]);
  const plan = [...terms.shortageInstalmentsYuan];
  return { amountYuan: plan.reduce((a, b) => a + b, 0), instalmentsYuan: plan };
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
