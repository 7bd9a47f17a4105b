/**
 * Properties of the committee draw for any pool and seed: at least 17, every subgroup at least 3, no conflict of
 * interest, one chair and two vice-chairs, and the same seed and pool always give the same committee.
 */
import fc from 'fast-check';
import { drawCommittee, subgroupSizes, seededRandom, type PoolExpert, type DrawApplicant } from '../committeeDraw';
import { TITLE_CATEGORIES } from '../rules';
import { titleTerms } from '../policy/terms';
import type { PolicyEdition } from '../../platform/policy/edition';
import first2019 from '../policy/editions/zhejiang-title-2019-12-04.json';

// the sizes of the first edition (seed 004)
const terms = titleTerms(first2019 as unknown as PolicyEdition);

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
      const r = drawCommittee({ pool, applicants, seed, size }, terms);
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
      const a = drawCommittee({ pool, applicants, seed, size }, terms);
      const rnd = seededRandom(String(shuffleSeed));
      const reordered = [...pool].sort(() => rnd() - 0.5);
      const b = drawCommittee({ pool: reordered, applicants, seed, size }, terms);
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
  const one = drawCommittee({ pool, applicants, seed: 'seed-1', size: 19 }, terms);
  const two = drawCommittee({ pool, applicants, seed: 'seed-2', size: 19 }, terms);
  expect(one.ok && two.ok).toBe(true);
  if (one.ok && two.ok) expect(one.members).not.toEqual(two.members);
  // 49 experts: refused
  expect(drawCommittee({ pool: pool.slice(0, 49), applicants, seed: 's', size: 17 }, terms)).toMatchObject({ ok: false, code: 'POOL_TOO_SMALL' });
  expect(drawCommittee({ pool, applicants, seed: 's', size: 16 }, terms)).toMatchObject({ ok: false, code: 'COMMITTEE_TOO_SMALL' });
});

test('subgroup sizes follow the applications, at least 3 each, summing to the committee size', () => {
  fc.assert(
    fc.property(fc.integer({ min: 17, max: 40 }), fc.array(fc.integer({ min: 0, max: 30 }), { minLength: 3, maxLength: 3 }), (size, counts) => {
      if (counts.every((c) => c === 0)) return;
      const c = { safety_science: counts[0], technical_service: counts[1], production_management: counts[2] };
      const s = subgroupSizes(size, c, terms.minSubgroup);
      const vals = Object.values(s);
      expect(vals.reduce((x, y) => x + y, 0)).toBe(size);
      for (const v of vals) expect(v).toBeGreaterThanOrEqual(3);
    }),
  );
  expect(subgroupSizes(17, { safety_science: 3, technical_service: 1 }, terms.minSubgroup)).toEqual({ safety_science: 11, technical_service: 6 });
});
