/**
 * The senior-title review rules (titleReview/rules.ts) against seed 004 (三(三), 四) as DOMAIN.md §2 reads them:
 * the two-thirds ballot of those attending, the quorum of 17, pool / committee / subgroup sizes, the 3-year ban,
 * the experts' seniority, the channels, the HRSS lead time and the checks of a decision. Pure (`npm run test:unit`).
 */
import { drawCommittee, type DrawApplicant, type PoolExpert } from '../committeeDraw';
import { activeBan, ballotPassed, banYears, channelAllowed, checkTitleDecision, expertEligibility, latestApprovalDay, TITLE_CATEGORIES, tally } from '../rules';
import { officialCalendar } from '../../platform/calendar/calendarSource';
import { titleTerms } from '../policy/terms';
import type { PolicyEdition } from '../../platform/policy/edition';
import first2019 from '../policy/editions/zhejiang-title-2019-12-04.json';

// the first edition (seed 004), as migration 0067 loads it
const terms = titleTerms(first2019 as unknown as PolicyEdition);
const BAN_YEARS = terms.banYears;
import { workingDaysBetween } from '../../platform/calendar/workdays';

describe('the ballot: 获得出席委员三分之二以上赞成票的方为通过 (四(三)6)', () => {
  test.each([
    // attending, fewest yes-votes that pass (以上 includes the number: yes × 3 ≥ attending × 2)
    [17, 12], // 12/17 = 0.706; 11/17 = 0.647
    [18, 12], // exactly two thirds passes
    [19, 13], // 13/19 = 0.684; 12/19 = 0.632
    [20, 14],
    [21, 14],
    [22, 15],
    [23, 16],
    [24, 16],
    [25, 17],
  ])('%i attending: %i yes-votes pass, one fewer does not', (attending, fewest) => {
    expect(ballotPassed(fewest, attending, terms, terms)).toBe(true);
    expect(ballotPassed(fewest - 1, attending, terms, terms)).toBe(false);
    expect(ballotPassed(attending, attending, terms, terms)).toBe(true);
    expect(ballotPassed(0, attending, terms, terms)).toBe(false);
  });

  test('nobody attending: nobody passes', () => {
    expect(ballotPassed(0, 0, terms, terms)).toBe(false);
  });

  test('abstentions and members who cast no paper count as attending, not as yes', () => {
    const votes = (id: string, yes: number, no: number, abstain: number) => [
      ...Array.from({ length: yes }, () => ({ application_id: id, vote: 'yes' })),
      ...Array.from({ length: no }, () => ({ application_id: id, vote: 'no' })),
      ...Array.from({ length: abstain }, () => ({ application_id: id, vote: 'abstain' })),
    ];
    const rows = tally(
      ['a', 'b', 'c', 'd'],
      [...votes('a', 12, 3, 3), ...votes('b', 11, 0, 7), ...votes('c', 12, 0, 0), ...votes('d', 11, 0, 0)],
      18,
      () => terms,
      terms,
    );
    expect(rows).toEqual([
      { applicationId: 'a', yes: 12, no: 3, abstain: 3, attending: 18, passed: true },
      // 11 of 18: abstaining is not approving
      { applicationId: 'b', yes: 11, no: 0, abstain: 7, attending: 18, passed: false },
      // 12 of 18 attending pass even if only 12 papers were cast for the applicant
      { applicationId: 'c', yes: 12, no: 0, abstain: 0, attending: 18, passed: true },
      // unanimous among the 11 papers cast, but 11 of the 18 attending is less than two thirds
      { applicationId: 'd', yes: 11, no: 0, abstain: 0, attending: 18, passed: false },
    ]);
  });

  test('an applicant with no papers at all does not pass', () => {
    expect(tally(['x'], [], 17, () => terms, terms)).toEqual([{ applicationId: 'x', yes: 0, no: 0, abstain: 0, attending: 17, passed: false }]);
  });

  test('出席会议专家不得少于17人: the quorum is 17', () => {
    expect(terms.minCommittee).toBe(17);
  });

  // Below the quorum the meeting may not vote at all: titleReview/workflows/session/meeting.ts refuses an attendance of
  // 16 (QUORUM_NOT_MET, tested end to end in titleSession.test.ts), and the rule itself counts no ballot of 16.
  test('16 attending is below the quorum: nobody passes, even unanimously', () => {
    expect(ballotPassed(16, 16, terms, terms)).toBe(false);
    expect(ballotPassed(11, 16, terms, terms)).toBe(false);
  });
});

describe('sizes: pool ≥ 50, committee ≥ 17, subgroups ≥ 3 (三(三)2-3, 四(二))', () => {
  test('the numbers of the text, 以上 / 不少于 including the number itself', () => {
    expect({ minPoolSize: terms.minPoolSize, minCommittee: terms.minCommittee, minSubgroup: terms.minSubgroup }).toEqual({
      minPoolSize: 50,
      minCommittee: 17,
      minSubgroup: 3,
    });
  });

  const pool = (n: number): PoolExpert[] =>
    Array.from({ length: n }, (_, i) => ({ id: `E${String(i).padStart(3, '0')}`, specialty: TITLE_CATEGORIES[i % 3]!, orgName: `单位${i}` }));
  const applicants: DrawApplicant[] = TITLE_CATEGORIES.map((category, i) => ({ id: `A${i}`, category, orgName: `申报单位${i}` }));

  test('a pool of exactly 50 experts is enough; 49 is refused', () => {
    expect(drawCommittee({ seed: 's', size: 17, pool: pool(50), applicants }, terms).ok).toBe(true);
    expect(drawCommittee({ seed: 's', size: 17, pool: pool(49), applicants }, terms)).toMatchObject({ ok: false, code: 'POOL_TOO_SMALL' });
  });

  test('a committee of exactly 17 may be drawn; 16 is refused', () => {
    const r = drawCommittee({ seed: 's', size: 17, pool: pool(60), applicants }, terms);
    expect(r.ok && r.members.length).toBe(17);
    expect(drawCommittee({ seed: 's', size: 16, pool: pool(60), applicants }, terms)).toMatchObject({ ok: false, code: 'COMMITTEE_TOO_SMALL' });
  });

  test('every subgroup of a 17-member committee has at least 3, even for a category with one applicant', () => {
    const skewed: DrawApplicant[] = [
      ...Array.from({ length: 30 }, (_, i) => ({ id: `S${i}`, category: 'safety_science' as const, orgName: `申报单位S${i}` })),
      { id: 'T', category: 'technical_service', orgName: '申报单位T' },
      { id: 'P', category: 'production_management', orgName: '申报单位P' },
    ];
    const r = drawCommittee({ seed: 'skew', size: 17, pool: pool(90), applicants: skewed }, terms);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    for (const c of TITLE_CATEGORIES) expect(r.members.filter((m) => m.subgroup === c).length).toBeGreaterThanOrEqual(3);
  });
});

describe('the ban: 取消当年评审资格，并从次年起3年内不得申报 (四(四)2)', () => {
  test('a decision in 2026 bars 2027, 2028 and 2029, and voids 2026: recorded as 2026–2029, the years refused', () => {
    expect(BAN_YEARS).toBe(3);
    expect(banYears(2026, terms)).toEqual({ fromYear: 2026, toYear: 2029 });
  });

  test.each([
    [2025, false],
    [2026, true], // the year of the decision: that year's review is cancelled
    [2027, true],
    [2028, true],
    [2029, true],
    [2030, false],
  ])('session year %i barred: %s', (year, barred) => {
    const ban = { from_year: 2026, to_year: 2029 };
    expect(activeBan([ban], year)).toBe(barred ? ban : undefined);
  });

  test('with two bans, the one covering the year is named', () => {
    const old = { from_year: 2019, to_year: 2022 };
    const recent = { from_year: 2026, to_year: 2029 };
    expect(activeBan([old, recent], 2021)).toBe(old);
    expect(activeBan([old, recent], 2028)).toBe(recent);
    expect(activeBan([old, recent], 2024)).toBeUndefined();
  });
});

describe('experts and channels (二(二), 三(三)2)', () => {
  test('高级工程师专家库: a senior title held 5 years or more', () => {
    expect(expertEligibility('senior', { title: 'senior', titleSince: '2021-11-23' }, '2026-11-23')).toEqual({ eligible: true });
    expect(expertEligibility('senior', { title: 'senior', titleSince: '2021-11-24' }, '2026-11-23')).toEqual({
      eligible: false,
      reason: 'SENIOR_TITLE_UNDER_5_YEARS',
    });
    // a professor-level engineer holds a senior (高级) title too
    expect(expertEligibility('senior', { title: 'professor', titleSince: '2015-01-01' }, '2026-11-23')).toEqual({ eligible: true });
  });

  test('正高级工程师专家库: a professor-level title held 3 years or more; a senior title is not enough', () => {
    expect(expertEligibility('professor', { title: 'professor', titleSince: '2023-11-23' }, '2026-11-23')).toEqual({ eligible: true });
    expect(expertEligibility('professor', { title: 'professor', titleSince: '2023-11-24' }, '2026-11-23')).toEqual({
      eligible: false,
      reason: 'PROFESSOR_TITLE_UNDER_3_YEARS',
    });
    expect(expertEligibility('professor', { title: 'senior', titleSince: '2000-01-01' }, '2026-11-23')).toEqual({ eligible: false, reason: 'TITLE_TOO_LOW' });
  });

  test('标志性业绩 for both levels; 量化赋分达标 for senior engineers only', () => {
    expect(channelAllowed('senior', 'standard')).toBe(true);
    expect(channelAllowed('professor', 'standard')).toBe(true);
    expect(channelAllowed('senior', 'landmark')).toBe(true);
    expect(channelAllowed('professor', 'landmark')).toBe(true);
    expect(channelAllowed('senior', 'scored')).toBe(true);
    expect(channelAllowed('professor', 'scored')).toBe(false);
  });
});

describe('periods: publicity ≥ 5 working days, the plan to 省人力社保厅 10 working days before the meeting (四(三)2, 5, 7)', () => {
  const cal = officialCalendar();

  test('the numbers of the text', () => {
    expect(terms.publicityWorkingDays).toBe(5);
    expect(terms.hrssLeadWorkingDays).toBe(10);
  });

  test('meeting Thursday 2026-10-15: approval by 2026-09-27 at the latest (holidays add no working day, DOMAIN §0)', () => {
    const last = latestApprovalDay('2026-10-15', cal, terms);
    expect(last).toBe('2026-09-27');
    expect(workingDaysBetween(last, '2026-10-15', cal).count).toBe(10);
    expect(workingDaysBetween('2026-09-28', '2026-10-15', cal).count).toBe(9);
  });

  test('meeting Friday 2026-11-20: 10 working days are 11-09 … 11-20, so approval by Sunday 11-08', () => {
    expect(latestApprovalDay('2026-11-20', cal, terms)).toBe('2026-11-08');
  });
});

describe('a decision on a title-review task', () => {
  test('approve needs nothing more; reject gives its reason', () => {
    for (const kind of ['unit_recommendation', 'competent_dept_review', 'lower_committee_recommendation', 'qualification_review', 'hrss_approval']) {
      expect(checkTitleDecision(kind, 'approve', {})).toEqual({ ok: true });
      expect(checkTitleDecision(kind, 'reject', {}).ok).toBe(false);
      expect(checkTitleDecision(kind, 'reject', { comment: '  ' }).ok).toBe(false);
      expect(checkTitleDecision(kind, 'reject', { comment: '业绩不符合评价条件' })).toEqual({ ok: true });
      expect(checkTitleDecision(kind, 'defer', { comment: '下次再议' }).ok).toBe(false);
    }
  });

  test('补正: only the competent department and the qualification review ask for supplements, saying which', () => {
    for (const kind of ['competent_dept_review', 'qualification_review']) {
      expect(checkTitleDecision(kind, 'request_supplement', { comment: '请补充业绩证明' })).toEqual({ ok: true });
      expect(checkTitleDecision(kind, 'request_supplement', {}).ok).toBe(false);
    }
    for (const kind of ['unit_recommendation', 'lower_committee_recommendation', 'hrss_approval', 'objection_investigation']) {
      expect(checkTitleDecision(kind, 'request_supplement', { comment: '请补充' }).ok).toBe(false);
    }
  });

  test('对公示中反映的问题…调查核实: an objection investigation records its finding, upheld or dismissed', () => {
    expect(checkTitleDecision('objection_investigation', 'approve', {}).ok).toBe(false);
    expect(checkTitleDecision('objection_investigation', 'reject', {}).ok).toBe(false);
    expect(checkTitleDecision('objection_investigation', 'approve', { comment: '反映属实' })).toEqual({ ok: true });
    expect(checkTitleDecision('objection_investigation', 'reject', { comment: '反映不实' })).toEqual({ ok: true });
  });

  test('an upheld objection to a notice of several applicants names the applicant it concerns', () => {
    const ctx = { entryIds: ['a1', 'a2'], objectionEntryId: null };
    expect(checkTitleDecision('objection_investigation', 'approve', { comment: '属实' }, ctx).ok).toBe(false);
    expect(checkTitleDecision('objection_investigation', 'approve', { comment: '属实', applicationId: 'a9' }, ctx).ok).toBe(false);
    expect(checkTitleDecision('objection_investigation', 'approve', { comment: '属实', applicationId: 'a2' }, ctx)).toEqual({ ok: true });
    // dismissed: nobody to name; filed against one entry: already named
    expect(checkTitleDecision('objection_investigation', 'reject', { comment: '不实' }, ctx)).toEqual({ ok: true });
    expect(checkTitleDecision('objection_investigation', 'approve', { comment: '属实' }, { entryIds: ['a1', 'a2'], objectionEntryId: 'a1' })).toEqual({
      ok: true,
    });
  });
});
