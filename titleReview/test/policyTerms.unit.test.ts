/** The title review's rules take the edition's terms: the pass fraction and the ban of two editions (pure). */
import { mergeParameters, type PolicyEdition } from '../../platform/policy/edition';
import titleFirst from '../policy/editions/zhejiang-title-2019-12-04.json';
import { TITLE_PARAMETERS } from '../policy/parameters';
import { titleTerms } from '../policy/terms';
import { ballotPassed, banYears } from '../rules';

test('the title review rules take the edition: the pass fraction and the ban of two editions', () => {
  const first = titleFirst as unknown as PolicyEdition;
  const merged = mergeParameters(TITLE_PARAMETERS, first.parameters, { passFraction: '3/4', banYears: 5 });
  if ('problem' in merged) throw new Error(JSON.stringify(merged.problem));
  const [a, b] = [titleTerms(first), titleTerms({ id: 'later', parameters: merged.parameters })];
  expect([ballotPassed(12, 17, a), ballotPassed(12, 17, b), ballotPassed(13, 17, b)]).toEqual([true, false, true]); // 12/17 ≥ 2/3, < 3/4
  expect(banYears(2026, a)).toEqual({ fromYear: 2027, toYear: 2029 });
  expect(banYears(2026, b)).toEqual({ fromYear: 2027, toYear: 2031 });
  expect(mergeParameters(TITLE_PARAMETERS, first.parameters, { passFraction: '4/3' })).toMatchObject({ problem: { code: 'VALIDATION_FAILED' } });
});
