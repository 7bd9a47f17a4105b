/**
 * The random draw of the annual executive committee (年度执行评审委员会, seed 004 三(三)3, 四(二)).
 *
 * Pure and reproducible: the same seed and the same pool snapshot give the same committee, on any machine.
 * Anyone holding the recorded seed and snapshot can re-run `drawCommittee` and compare.
 *
 * Algorithm "zj-draw-v1":
 *  1. subgroups = the categories that have applications (in the fixed order of TITLE_CATEGORIES);
 *     sizes: 3 each, the rest apportioned to the number of applications per category by largest remainder
 *     (ties go to the earlier category);
 *  2. the pool is sorted by expert id; for each subgroup in order, the candidates are the experts of that
 *     specialty not yet drawn and not from the organisation of an applicant of that subgroup (conflict of
 *     interest); they are shuffled (Fisher–Yates) with the PRNG and the first `size` are drawn;
 *  3. the chair and then two vice-chairs are drawn with the same PRNG from the drawn members.
 *  PRNG: sfc32 seeded by xmur3 over the seed string.
 */
import { TITLE_CATEGORIES, type TitleCategory } from './rules';
import type { TitleTerms } from './policy/terms';

/** the sizes a draw checks: the edition's procedural terms in force when the draw stage opened */
export type DrawTerms = Pick<TitleTerms, 'minPoolSize' | 'minCommittee' | 'minSubgroup'>;

export const DRAW_ALGORITHM = 'zj-draw-v1';

export interface PoolExpert {
  id: string;
  specialty: TitleCategory;
  orgName: string;
}

export interface DrawApplicant {
  id: string;
  category: TitleCategory;
  orgName: string;
}

export interface DrawInput {
  seed: string;
  size: number;
  pool: PoolExpert[];
  applicants: DrawApplicant[];
}

export type CommitteeRole = 'chair' | 'vice_chair' | 'member';

export interface DrawMember {
  expertId: string;
  subgroup: TitleCategory;
  role: CommitteeRole;
}

export type DrawResult =
  | { ok: true; algorithm: string; members: DrawMember[]; subgroupSizes: Partial<Record<TitleCategory, number>> }
  | { ok: false; code: 'POOL_TOO_SMALL' | 'NO_APPLICATIONS' | 'COMMITTEE_TOO_SMALL'; message: string };

function xmur3(str: string): () => number {
  let h = 1779033703 ^ str.length;
  for (let i = 0; i < str.length; i++) {
    h = Math.imul(h ^ str.charCodeAt(i), 3432918353);
    h = (h << 13) | (h >>> 19);
  }
  return () => {
    h = Math.imul(h ^ (h >>> 16), 2246822507);
    h = Math.imul(h ^ (h >>> 13), 3266489909);
    return (h ^= h >>> 16) >>> 0;
  };
}

/** A seeded PRNG returning floats in [0, 1). */
export function seededRandom(seed: string): () => number {
  const next = xmur3(seed);
  let a = next(),
    b = next(),
    c = next(),
    d = next();
  return () => {
    a >>>= 0;
    b >>>= 0;
    c >>>= 0;
    d >>>= 0;
    let t = (a + b) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    d = (d + 1) | 0;
    t = (t + d) | 0;
    c = (c + t) | 0;
    return (t >>> 0) / 4294967296;
  };
}

function shuffle<T>(items: T[], rnd: () => number): T[] {
  const a = [...items];
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(rnd() * (i + 1));
    [a[i], a[j]] = [a[j]!, a[i]!];
  }
  return a;
}

/** Subgroup sizes: `minSubgroup` each, the rest in proportion to the applications per category (largest remainder). */
export function subgroupSizes(size: number, counts: Partial<Record<TitleCategory, number>>, minSubgroup: number): Partial<Record<TitleCategory, number>> {
  const cats = TITLE_CATEGORIES.filter((c) => (counts[c] ?? 0) > 0);
  const out: Partial<Record<TitleCategory, number>> = {};
  const rest = size - minSubgroup * cats.length;
  const total = cats.reduce((s, c) => s + counts[c]!, 0);
  let given = 0;
  const rems = cats.map((c, i) => {
    const share = Math.floor((rest * counts[c]!) / total);
    out[c] = minSubgroup + share;
    given += share;
    return { c, i, rem: (rest * counts[c]!) % total };
  });
  rems.sort((x, y) => y.rem - x.rem || x.i - y.i);
  for (let k = 0; k < rest - given; k++) out[rems[k % rems.length]!.c]! += 1;
  return out;
}

const norm = (s: string) => s.trim().replace(/\s+/g, '');

export function drawCommittee(input: DrawInput, terms: DrawTerms): DrawResult {
  if (!Number.isInteger(input.size) || input.size < terms.minCommittee) {
    return { ok: false, code: 'COMMITTEE_TOO_SMALL', message: `the committee needs at least ${terms.minCommittee} members` };
  }
  const pool = [...input.pool].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  if (new Set(pool.map((e) => e.id)).size !== pool.length) throw new RangeError('duplicate expert ids in the pool');
  if (pool.length < terms.minPoolSize) {
    return { ok: false, code: 'POOL_TOO_SMALL', message: `the pool has ${pool.length} eligible experts; at least ${terms.minPoolSize} are required` };
  }
  const counts: Partial<Record<TitleCategory, number>> = {};
  for (const a of input.applicants) counts[a.category] = (counts[a.category] ?? 0) + 1;
  const cats = TITLE_CATEGORIES.filter((c) => (counts[c] ?? 0) > 0);
  if (!cats.length) return { ok: false, code: 'NO_APPLICATIONS', message: 'there are no applications to examine' };
  if (input.size < terms.minSubgroup * cats.length) {
    return { ok: false, code: 'COMMITTEE_TOO_SMALL', message: `${cats.length} subgroups need at least ${terms.minSubgroup * cats.length} members` };
  }
  const sizes = subgroupSizes(input.size, counts, terms.minSubgroup);
  const rnd = seededRandom(`${DRAW_ALGORITHM}|${input.seed}`);
  const taken = new Set<string>();
  const drawn: { expertId: string; subgroup: TitleCategory }[] = [];
  for (const cat of cats) {
    const conflicts = new Set(input.applicants.filter((a) => a.category === cat).map((a) => norm(a.orgName)));
    const candidates = pool.filter((e) => e.specialty === cat && !taken.has(e.id) && !conflicts.has(norm(e.orgName)));
    const need = sizes[cat]!;
    if (candidates.length < need) {
      return {
        ok: false,
        code: 'POOL_TOO_SMALL',
        message: `subgroup ${cat} needs ${need} experts without a conflict of interest; the pool has ${candidates.length}`,
      };
    }
    for (const e of shuffle(candidates, rnd).slice(0, need)) {
      taken.add(e.id);
      drawn.push({ expertId: e.id, subgroup: cat });
    }
  }
  const order = shuffle(
    drawn.map((_, i) => i),
    rnd,
  );
  const roles = new Map<number, CommitteeRole>([[order[0]!, 'chair']]);
  for (const i of order.slice(1, 3)) roles.set(i, 'vice_chair');
  return {
    ok: true,
    algorithm: DRAW_ALGORITHM,
    members: drawn.map((m, i) => ({ ...m, role: roles.get(i) ?? 'member' })),
    subgroupSizes: sizes,
  };
}
