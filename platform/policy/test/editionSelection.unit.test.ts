/**
 * Which edition applies, pure: selection by instant, the end an edition gets from the edition that ends it,
 * publication refusals (retroactive, overlapping), parameter merging and the rules taking two editions.
 */
import { basisText, editionAt, editionStatus, effectiveEnd, mergeParameters, normaliseInstant, publicationRefusal, type PolicyEdition } from '../edition';
import { positiveInt, type ParameterSchema } from '../edition';

/** A policy of this test's own (the kernel knows no domain): an amount and a working-day period. */
const SCHEMA: ParameterSchema = {
  'rewardYuan.intermediate': { kind: 'substantive', clause: '二、激励内容（一）', meaning: '中级奖励', check: positiveInt },
  reviewWorkingDays: { kind: 'procedural', clause: '三、激励兑现（一）', meaning: '初审时限', check: positiveInt },
};
const nanxunFirstEdition: PolicyEdition = {
  id: 'nanxun-talent-2019-01-01',
  policy: 'nanxun-talent',
  title: '南浔区注册安全工程师引育八条激励办法',
  documentNo: '征求意见稿',
  issuer: '湖州市南浔区',
  effectiveFrom: normaliseInstant('2019-01-01'),
  effectiveTo: null,
  basedOn: null,
  parameters: {
    'rewardYuan.intermediate': { value: 2000, kind: 'substantive', clause: '二、激励内容（一）资格证书奖励：获得中级职业资格证书的，给予2000元奖励' },
    reviewWorkingDays: { value: 10, kind: 'procedural', clause: '三、激励兑现（一）：10个工作日内完成初审' },
  },
  publishedBy: 'test',
  publishedAt: normaliseInstant('2019-01-01'),
  reason: 'test',
};
const NANXUN_PARAMETERS = SCHEMA;

const at = (s: string) => new Date(normaliseInstant(s));
const first = nanxunFirstEdition;

function next(changes: Record<string, unknown>, from: string, extra: Partial<PolicyEdition> = {}): PolicyEdition {
  const merged = mergeParameters(NANXUN_PARAMETERS, first.parameters, changes);
  if ('problem' in merged) throw new Error(JSON.stringify(merged.problem));
  return {
    ...first,
    id: `nanxun-talent-${from}`,
    basedOn: first.id,
    effectiveFrom: normaliseInstant(from),
    effectiveTo: null,
    parameters: merged.parameters,
    ...extra,
  };
}

test('a date is 00:00 in Asia/Shanghai; an instant is kept', () => {
  expect(normaliseInstant('2027-07-01')).toBe('2027-06-30T16:00:00.000Z');
  expect(normaliseInstant('2027-07-01T09:30:00+08:00')).toBe('2027-07-01T01:30:00.000Z');
});

test('the edition in force at an instant: the new one from its first moment, the old one until then', () => {
  const e2027 = next({ 'rewardYuan.intermediate': 2500, reviewWorkingDays: 7 }, '2027-07-01');
  const all = [first, e2027];
  expect(editionAt(all, 'nanxun-talent', at('2027-06-30T23:59:59.999+08:00'))?.id).toBe(first.id);
  expect(editionAt(all, 'nanxun-talent', at('2027-07-01'))?.id).toBe(e2027.id);
  expect(editionAt(all, 'nanxun-talent', at('2018-12-31'))).toBeNull(); // before the first edition
  expect(effectiveEnd(first, all)).toBe(e2027.effectiveFrom); // ended by the edition based on it
  expect(editionStatus(first, all, at('2027-08-01'))).toBe('past');
  expect(editionStatus(e2027, all, at('2027-01-01'))).toBe('future');
  expect(editionStatus(e2027, all, at('2027-08-01'))).toBe('in_force');
});

test('an edition with an end: nothing is in force after it (new claims are refused), however the old one ran', () => {
  const limited = next({}, '2027-07-01', { effectiveTo: normaliseInstant('2028-01-01') });
  const all = [first, limited];
  expect(editionAt(all, 'nanxun-talent', at('2027-12-31'))?.id).toBe(limited.id);
  expect(editionAt(all, 'nanxun-talent', at('2028-01-01'))).toBeNull();
  expect(editionAt(all, 'nanxun-talent', at('2027-06-01'))?.id).toBe(first.id);
});

test('publication: retroactive refused, overlaps refused unless the new edition is based on (and ends) the one it overlaps', () => {
  const now = at('2027-03-01');
  expect(publicationRefusal([first], { policy: 'nanxun-talent', effectiveFrom: normaliseInstant('2027-02-28'), basedOn: first.id }, now)?.code).toBe(
    'RETROACTIVE_EDITION',
  );
  expect(publicationRefusal([first], { policy: 'nanxun-talent', effectiveFrom: normaliseInstant('2027-07-01') }, now)?.code).toBe('OVERLAPPING_EDITION');
  expect(publicationRefusal([first], { policy: 'nanxun-talent', effectiveFrom: normaliseInstant('2027-07-01'), basedOn: first.id }, now)).toBeNull();
  // a second edition based on the first, overlapping the one already published from 2027-07-01: refused
  const e2027 = next({}, '2027-07-01');
  expect(publicationRefusal([first, e2027], { policy: 'nanxun-talent', effectiveFrom: normaliseInstant('2027-09-01'), basedOn: first.id }, now)?.code).toBe(
    'OVERLAPPING_EDITION',
  );
  // based on the newest: accepted, and it ends that one
  expect(publicationRefusal([first, e2027], { policy: 'nanxun-talent', effectiveFrom: normaliseInstant('2027-09-01'), basedOn: e2027.id }, now)).toBeNull();
  expect(
    publicationRefusal(
      [first],
      { policy: 'nanxun-talent', effectiveFrom: normaliseInstant('2027-07-01'), effectiveTo: normaliseInstant('2027-06-01'), basedOn: first.id },
      now,
    )?.code,
  ).toBe('VALIDATION_FAILED');
});

test('parameters: unknown names refused, values checked, unchanged ones carried over with their clauses', () => {
  expect(mergeParameters(NANXUN_PARAMETERS, first.parameters, { rewardIntermediate: 2500 })).toEqual({
    problem: { code: 'UNKNOWN_PARAMETER', names: ['rewardIntermediate'] },
  });
  expect(mergeParameters(NANXUN_PARAMETERS, first.parameters, { reviewWorkingDays: 0 })).toMatchObject({ problem: { code: 'VALIDATION_FAILED' } });
  const e = next({ 'rewardYuan.intermediate': 2500 }, '2027-07-01');
  expect(e.parameters['rewardYuan.intermediate']).toMatchObject({ value: 2500, kind: 'substantive' });
  expect(e.parameters.reviewWorkingDays).toEqual(first.parameters.reviewWorkingDays);
  expect(basisText(first, 'rewardYuan.intermediate')).toBe(
    '依据《南浔区注册安全工程师引育八条激励办法》二、激励内容（一）资格证书奖励：获得中级职业资格证书的，给予2000元奖励，2019版',
  );
});
