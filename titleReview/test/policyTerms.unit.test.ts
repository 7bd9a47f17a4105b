/** The title review's rules take the edition's terms: substantive and procedural terms of two editions (pure). */
import { mergeParameters, type PolicyEdition } from '../../platform/policy/edition';
import titleFirst from '../policy/editions/zhejiang-title-2019-12-04.json';
import { TITLE_PARAMETERS } from '../policy/parameters';
import { titleTerms } from '../policy/terms';
import { ballotPassed, banYears, latestApprovalDay, TITLE_CATEGORIES } from '../rules';
import { drawCommittee, subgroupSizes, type DrawApplicant, type PoolExpert } from '../committeeDraw';
import { officialCalendar } from '../../platform/calendar/calendarSource';
import { workingDaysBetween } from '../../platform/calendar/workdays';

test('the title review rules take the edition: the pass fraction and the ban of two editions', () => {
  const first = titleFirst as unknown as PolicyEdition;
  const merged = mergeParameters(TITLE_PARAMETERS, first.parameters, { passFraction: '3/4', banYears: 5 });
  if ('problem' in merged) throw new Error(JSON.stringify(merged.problem));
  const [a, b] = [titleTerms(first), titleTerms({ id: 'later', parameters: merged.parameters })];
  expect([ballotPassed(12, 17, a, a), ballotPassed(12, 17, b, a), ballotPassed(13, 17, b, a)]).toEqual([true, false, true]); // 12/17 ≥ 2/3, < 3/4
  expect(banYears(2026, a)).toEqual({ fromYear: 2026, toYear: 2029 });
  expect(banYears(2026, b)).toEqual({ fromYear: 2026, toYear: 2031 });
  expect(mergeParameters(TITLE_PARAMETERS, first.parameters, { passFraction: '4/3' })).toMatchObject({ problem: { code: 'VALIDATION_FAILED' } });
});

test('the procedural rules take the edition: quorum, pool, committee, subgroups and the HRSS lead time of two editions', () => {
  const first = titleFirst as unknown as PolicyEdition;
  const merged = mergeParameters(TITLE_PARAMETERS, first.parameters, { minCommittee: 19, minPoolSize: 60, minSubgroup: 5, hrssLeadWorkingDays: 15 });
  if ('problem' in merged) throw new Error(JSON.stringify(merged.problem));
  const [a, b] = [titleTerms(first), titleTerms({ id: 'later', parameters: merged.parameters })];
  // 17 attending, all for: a quorum under the first edition, not under one that asks for 19
  expect([ballotPassed(17, 17, a, a), ballotPassed(17, 17, a, b), ballotPassed(19, 19, a, b)]).toEqual([true, false, true]);

  const pool = (n: number): PoolExpert[] =>
    Array.from({ length: n }, (_, i) => ({ id: `E${String(i).padStart(3, '0')}`, specialty: TITLE_CATEGORIES[i % 3]!, orgName: `单位${i}` }));
  const applicants: DrawApplicant[] = TITLE_CATEGORIES.map((category, i) => ({ id: `A${i}`, category, orgName: `申报单位${i}` }));
  expect(drawCommittee({ seed: 's', size: 17, pool: pool(55), applicants }, a).ok).toBe(true);
  expect(drawCommittee({ seed: 's', size: 17, pool: pool(55), applicants }, b)).toMatchObject({ ok: false, code: 'COMMITTEE_TOO_SMALL' });
  expect(drawCommittee({ seed: 's', size: 19, pool: pool(55), applicants }, b)).toMatchObject({ ok: false, code: 'POOL_TOO_SMALL' });
  const drawn = drawCommittee({ seed: 's', size: 19, pool: pool(60), applicants }, b);
  expect(drawn.ok && Object.values(drawn.subgroupSizes).every((n) => n! >= 5)).toBe(true);
  expect(subgroupSizes(19, { safety_science: 30, technical_service: 1, production_management: 1 }, a.minSubgroup).technical_service).toBe(3);
  expect(subgroupSizes(19, { safety_science: 30, technical_service: 1, production_management: 1 }, b.minSubgroup).technical_service).toBe(5);

  // meeting Friday 2026-11-20: 10 working days → approval by Sunday 11-08; 15 → by Sunday 11-01
  const cal = officialCalendar();
  expect(latestApprovalDay('2026-11-20', cal, a)).toBe('2026-11-08');
  expect(latestApprovalDay('2026-11-20', cal, b)).toBe('2026-11-01');
  expect(workingDaysBetween('2026-11-01', '2026-11-20', cal).count).toBe(15);
});
