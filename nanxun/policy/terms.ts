/**
 * An edition's parameters as the Nanxun rules read them (nanxun/rules.ts takes these as an argument: pure).
 * Substantive terms come from the claim's own edition; procedural ones from the edition in force when the stage opens.
 */
import { basisText, parameterValue, type PolicyEdition } from '../../platform/policy/edition';
import type { CertificateLevel } from '../rules';
import type { TitleLevel } from '../../titleReview/rules';

export interface NanxunTerms {
  editionId: string;
  certificateRewardYuan: Record<CertificateLevel, number>;
  certificateIssuedFrom: string;
  certificateWindowMonths: number;
  shortageInstalmentsYuan: number[];
  shortageLevel: string;
  shortageFirstIntroductionOnly: boolean;
  shortageMinContractYears: number;
  shortageMinContributionMonths: number;
  highLevelRewardYuan: Record<TitleLevel, number>;
  highLevelHoldingMonths: number;
  highLevelMinContributionMonths: number;
  bureauReviewWorkingDays: number;
  warnWorkingDaysLeft: number;
}

type Edition = Pick<PolicyEdition, 'id' | 'parameters'>;

export function nanxunTerms(e: Edition): NanxunTerms {
  const v = <T>(name: string) => parameterValue<T>(e, name);
  return {
    editionId: e.id,
    certificateRewardYuan: {
      junior: v('certificateRewardYuan.junior'),
      intermediate: v('certificateRewardYuan.intermediate'),
      senior: v('certificateRewardYuan.senior'),
    },
    certificateIssuedFrom: v('certificateIssuedFrom'),
    certificateWindowMonths: v('certificateWindowMonths'),
    shortageInstalmentsYuan: [...v<number[]>('shortageInstalmentsYuan')],
    shortageLevel: v('shortageLevel'),
    shortageFirstIntroductionOnly: v('shortageFirstIntroductionOnly'),
    shortageMinContractYears: v('shortageMinContractYears'),
    shortageMinContributionMonths: v('shortageMinContributionMonths'),
    highLevelRewardYuan: { senior: v('highLevelRewardYuan.senior'), professor: v('highLevelRewardYuan.professor') },
    highLevelHoldingMonths: v('highLevelHoldingMonths'),
    highLevelMinContributionMonths: v('highLevelMinContributionMonths'),
    bureauReviewWorkingDays: v('bureauReviewWorkingDays'),
    warnWorkingDaysLeft: v('warnWorkingDaysLeft'),
  };
}

/** The parameter a claim's amount comes from. */
export function amountParameter(kind: string, level: string): string {
  if (kind === 'certificate') return `certificateRewardYuan.${level}`;
  if (kind === 'shortage_talent') return 'shortageInstalmentsYuan';
  return `highLevelRewardYuan.${level}`;
}

/** { editionId, title, clause, basis } of one parameter, as claim and task views carry it. */
export function policyBasis(e: Pick<PolicyEdition, 'id' | 'title' | 'effectiveFrom' | 'parameters'>, parameter: string) {
  return { editionId: e.id, title: e.title, parameter, clause: e.parameters[parameter]?.clause ?? '', basis: basisText(e, parameter) };
}
