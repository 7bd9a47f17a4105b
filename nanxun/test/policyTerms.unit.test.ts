/** The Nanxun rules take the edition's terms: amounts, the instalment plan and thresholds of two editions (pure). */
import { mergeParameters, normaliseInstant, type PolicyEdition } from '../../platform/policy/edition';
import { nanxunFirstEdition, nanxunFirstTerms } from '../../test/helpers/policy';
import { NANXUN_PARAMETERS } from '../policy/parameters';
import { nanxunTerms } from '../policy/terms';
import { certificateIneligibility, claimAmounts, shortageIneligibility } from '../rules';

function next(changes: Record<string, unknown>, from: string): PolicyEdition {
  const merged = mergeParameters(NANXUN_PARAMETERS, nanxunFirstEdition.parameters, changes);
  if ('problem' in merged) throw new Error(JSON.stringify(merged.problem));
  return {
    ...nanxunFirstEdition,
    id: `nanxun-talent-${from}`,
    basedOn: nanxunFirstEdition.id,
    effectiveFrom: normaliseInstant(from),
    parameters: merged.parameters,
  };
}

test('the first edition is the text of seed 001: every parameter, with its clause', () => {
  expect(Object.keys(nanxunFirstEdition.parameters).sort()).toEqual(Object.keys(NANXUN_PARAMETERS).sort());
  for (const [name, p] of Object.entries(nanxunFirstEdition.parameters)) {
    expect({ name, kind: p.kind }).toEqual({ name, kind: NANXUN_PARAMETERS[name]!.kind });
    expect(NANXUN_PARAMETERS[name]!.check(p.value)).toBeNull();
  }
  expect(nanxunFirstTerms.bureauReviewWorkingDays).toBe(10);
  expect(nanxunFirstTerms.certificateRewardYuan).toEqual({ junior: 1000, intermediate: 2000, senior: 3000 });
});

test('the rules take the edition: amounts, the instalment plan and the thresholds of two editions', () => {
  const later = nanxunTerms(
    next(
      { 'certificateRewardYuan.intermediate': 2500, shortageInstalmentsYuan: [4000, 3000, 3000], certificateWindowMonths: 12, shortageMinContractYears: 2 },
      '2027-07-01',
    ),
  );
  expect(claimAmounts('certificate', 'intermediate', nanxunFirstTerms)).toEqual({ amountYuan: 2000, instalmentsYuan: [2000] });
  expect(claimAmounts('certificate', 'intermediate', later)).toEqual({ amountYuan: 2500, instalmentsYuan: [2500] });
  expect(claimAmounts('shortage_talent', 'intermediate', nanxunFirstTerms)).toEqual({ amountYuan: 10000, instalmentsYuan: [3000, 3000, 4000] });
  expect(claimAmounts('shortage_talent', 'intermediate', later).instalmentsYuan).toEqual([4000, 3000, 3000]);
  const cert = { issuedOn: '2027-01-05', receivedOn: '2027-01-10', submittedOn: '2027-10-01', employerInDistrict: true, blacklisted: false };
  expect(certificateIneligibility(cert, nanxunFirstTerms)).toEqual(['WINDOW_EXPIRED']); // 6 months
  expect(certificateIneligibility(cert, later)).toEqual([]); // 12 months
  const shortage = {
    level: 'intermediate',
    contractYears: 2,
    socialSecurityMonths: 14,
    employedSince: '2026-01-01',
    submittedOn: '2027-08-01',
    firstIntroductionDeclared: true,
    employerHasEarlierShortageClaim: false,
    employerInDistrict: true,
    blacklisted: false,
  };
  expect(shortageIneligibility(shortage, nanxunFirstTerms)).toEqual(['CONTRACT_TOO_SHORT']);
  expect(shortageIneligibility(shortage, later)).toEqual([]);
});
