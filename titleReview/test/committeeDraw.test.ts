/**
 * Properties of the committee draw for any pool and seed: at least 17, every subgroup at least 3, no conflict of
 * interest, one chair and two vice-chairs, and the same seed and pool always give the same committee.
 */
import fc from 'fast-check';
import { drawCommittee, subgroupSizes, seededRandom, type PoolExpert, type DrawApplicant } from '../committeeDraw';
import { TITLE_CATEGORIES, ballotPassed, expertEligibility, banYears, activeBan, latestApprovalDay, channelAllowed } from '../rules';
import { officialCalendar } from '../../platform/calendar/calendarSource';
import { workingDaysBetween } from '../../platform/calendar/workdays';

const ORGS = ['甲公司', '乙公司', '丙公司', '丁研究院', '戊大学', '己集团', '庚设计院'];
const category = fc.constantFrom(...TITLE_CATEGORIES);

const poolArb = fc
  .array(fc.record({ specialty: category, org: fc.constantFrom(...ORGS) }), { minLength: 50, maxLength: 120 })
  .map((rows) => rows.map((r, i): PoolExpert => ({ id: `E${String(i).padStart(4, '0')}`, specialty: r.specialty, orgName: r.org })));
const applicantsArb = fc
  .array(fc.record({ category, org: fc.constantFrom(...ORGS) }), { minLength: 1, maxLength: 40 })
  .map((rows) => rows.map((r, i): DrawApplicant => ({ id: `A${i}`, category: r.category, orgName: r.org })));
const input = fc.record({ pool: poolArb, applicants: applicantsArb, seed: fc.string({ maxLength: 40 }), size: fc.integer({ min: 17, max: 30 }) });

test('any pool and seed: a drawn committee has ≥17 members, subgroups ≥3, no conflicts, one chair, two vice-chairs', () => {
  fc.assert(
    fc.property(input, ({ pool, applicants, seed, size }) => {
      const r = drawCommittee({ pool, applicants, seed, size });
      if (!r.ok) {
        // refusals are explained, never thrown: only a pool that cannot fill a subgroup
        expect(r.code).toBe('POOL_TOO_SMALL');
        return;
      }
      expect(r.members.length).toBe(size);
      expect(r.members.length).toBeGreaterThanOrEqual(17);
      expect(new Set(r.members.map((m) => m.expertId)).size).toBe(size);
      const byId = new Map(pool.map((e) => [e.id, e]));
      const cats = new Set(applicants.map((a) => a.category));
      for (const c of cats) expect(r.members.filter((m) => m.subgroup === c).length).toBeGreaterThanOrEqual(3);
      for (const m of r.members) {
        const e = byId.get(m.expertId)!;
        expect(e.specialty).toBe(m.subgroup);
        // nobody examines an applicant of their own organisation
        expect(applicants.some((a) => a.category === m.subgroup && a.orgName === e.orgName)).toBe(false);
      }
      expect(r.members.filter((m) => m.role === 'chair')).toHaveLength(1);
      expect(r.members.filter((m) => m.role === 'vice_chair')).toHaveLength(2);
    }),
    { numRuns: 300 },
  );
});

test('same seed and pool snapshot → same committee, whatever order the pool is listed in', () => {
  fc.assert(
    fc.property(input, fc.integer(), ({ pool, applicants, seed, size }, shuffleSeed) => {
      const a = drawCommittee({ pool, applicants, seed, size });
      const rnd = seededRandom(String(shuffleSeed));
      const reordered = [...pool].sort(() => rnd() - 0.5);
      const b = drawCommittee({ pool: reordered, applicants, seed, size });
      expect(b).toEqual(a);
    }),
    { numRuns: 200 },
  );
});

test('a large enough pool always yields a committee, and different seeds give different committees', () => {
  const pool: PoolExpert[] = [];
  for (let i = 0; i < 60; i++) pool.push({ id: `X${i}`, specialty: TITLE_CATEGORIES[i % 3]!, orgName: `机构${i}` });
  const applicants: DrawApplicant[] = [
    { id: 'a', category: 'safety_science', orgName: '机构0' },
    { id: 'b', category: 'production_management', orgName: '机构2' },
  ];
  const one = drawCommittee({ pool, applicants, seed: 'seed-1', size: 19 });
  const two = drawCommittee({ pool, applicants, seed: 'seed-2', size: 19 });
  expect(one.ok && two.ok).toBe(true);
  if (one.ok && two.ok) expect(one.members).not.toEqual(two.members);
  // 49 experts: refused
  expect(drawCommittee({ pool: pool.slice(0, 49), applicants, seed: 's', size: 17 })).toMatchObject({ ok: false, code: 'POOL_TOO_SMALL' });
  expect(drawCommittee({ pool, applicants, seed: 's', size: 16 })).toMatchObject({ ok: false, code: 'COMMITTEE_TOO_SMALL' });
});

test('subgroup sizes follow the applications, at least 3 each, summing to the committee size', () => {
  fc.assert(
    fc.property(fc.integer({ min: 17, max: 40 }), fc.array(fc.integer({ min: 0, max: 30 }), { minLength: 3, maxLength: 3 }), (size, counts) => {
      if (counts.every((c) => c === 0)) return;
      const c = { safety_science: counts[0], technical_service: counts[1], production_management: counts[2] };
      const s = subgroupSizes(size, c);
      const vals = Object.values(s);
      expect(vals.reduce((x, y) => x + y, 0)).toBe(size);
      for (const v of vals) expect(v).toBeGreaterThanOrEqual(3);
    }),
  );
  expect(subgroupSizes(17, { safety_science: 3, technical_service: 1 })).toEqual({ safety_science: 11, technical_service: 6 });
});

test('ballot: two thirds of those attending, abstentions are not yes', () => {
  expect(ballotPassed(12, 17)).toBe(true); // 36 ≥ 34
  expect(ballotPassed(11, 17)).toBe(false); // 33 < 34
  expect(ballotPassed(12, 18)).toBe(true);
  expect(ballotPassed(11, 18)).toBe(false);
  expect(ballotPassed(0, 0)).toBe(false);
});

test('pool eligibility, channels, ban years and the HRSS lead time', () => {
  expect(expertEligibility('senior', { title: 'senior', titleSince: '2021-11-23' }, '2026-11-23').eligible).toBe(true);
  expect(expertEligibility('senior', { title: 'senior', titleSince: '2021-11-24' }, '2026-11-23')).toEqual({
    eligible: false,
    reason: 'SENIOR_TITLE_UNDER_5_YEARS',
  });
  expect(expertEligibility('professor', { title: 'senior', titleSince: '2000-01-01' }, '2026-11-23').reason).toBe('TITLE_TOO_LOW');
  expect(expertEligibility('professor', { title: 'professor', titleSince: '2023-11-23' }, '2026-11-23').eligible).toBe(true);
  expect(expertEligibility('professor', { title: 'professor', titleSince: '2024-01-01' }, '2026-11-23').eligible).toBe(false);
  expect(channelAllowed('professor', 'scored')).toBe(false);
  expect(channelAllowed('senior', 'scored')).toBe(true);
  // the record says what is refused: the decision year (当年申报无效) and the three years after it
  expect(banYears(2026)).toEqual({ fromYear: 2026, toYear: 2029 });
  const bans = [{ from_year: 2026, to_year: 2029 }];
  expect(activeBan(bans, 2025)).toBeUndefined();
  expect(activeBan(bans, 2026)).toBeDefined(); // the year's review is cancelled
  expect(activeBan(bans, 2027)).toBeDefined();
  expect(activeBan(bans, 2029)).toBeDefined();
  expect(activeBan(bans, 2030)).toBeUndefined();
  const cal = officialCalendar();
  const last = latestApprovalDay('2026-10-15', cal);
  expect(workingDaysBetween(last, '2026-10-15', cal).count).toBeGreaterThanOrEqual(10);
  // DOMAIN §0: 10 working days from 2026-09-24 end on 2026-10-15; the holidays 09-25…27 add no working day
  expect(last).toBe('2026-09-27');
  expect(workingDaysBetween('2026-09-28', '2026-10-15', cal).count).toBe(9);
});
