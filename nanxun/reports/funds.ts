/** Report: amounts paid, recovered and pending per special fund (the re-reviewing body) and year. */
import { z } from 'zod';
import { sql } from 'kysely';
import { orgNames } from '../../platform/orgs/orgNames';
import type { AppDeps } from '../../platform/http/deps';
import type { CsvColumns } from '../../platform/reports/csv';
import type { ReportDefinition } from '../../platform/plugins/domainPlugin';

/** Open (not closed) claim statuses: their amount is pending. */
const CLOSED_STATUSES = ['paid', 'completed', 'rejected', 'clawed_back'];
/** statuses in which the claim is still being reviewed: its money is neither approved nor paid */
const REVIEW_STATUSES = ['unit_verification', 'bureau_review', 'rereview'];
/** the money a claim is about now: the instalment under review or awaiting payment, else what is left unpaid */
const CURRENT_AMOUNT = sql<number>`coalesce((select i.amount_yuan from instalment i where i.claim_id = claim.id and i.status in ('pending', 'released', 'in_review', 'awaiting_budget') order by i.year_no limit 1), claim.amount_yuan - claim.paid_yuan)`;

export const FundRow = z.object({
  fundOrgCode: z.string(),
  fundOrgName: z.string(),
  year: z.number().int(),
  paidYuan: z.number().int(),
  paidCount: z.number().int(),
  recoveredYuan: z.number().int(),
  pendingYuan: z.number().int().describe("every open claim's unpaid amount (approved or not)"),
  pendingCount: z.number().int(),
  approvedUnpaidYuan: z.number().int().describe('approved by the re-reviewing body, not yet paid (待发放)'),
  approvedUnpaidCount: z.number().int(),
  underReviewYuan: z.number().int().describe('claims still in unit verification, preliminary review or re-review (审核中)'),
  underReviewCount: z.number().int(),
});

export const FUNDS_CSV: CsvColumns = [
  ['year', '年度'],
  ['fundOrgName', '专项经费单位'],
  ['fundOrgCode', '单位代码'],
  ['paidYuan', '已发放(元)'],
  ['paidCount', '发放笔数'],
  ['recoveredYuan', '已追回(元)'],
  ['approvedUnpaidYuan', '已核准待发放(元)'],
  ['approvedUnpaidCount', '待发放件数'],
  ['underReviewYuan', '审核中(元)'],
  ['underReviewCount', '审核中件数'],
  ['pendingYuan', '在办合计(元)'],
  ['pendingCount', '在办件数'],
];

/** Per fund and year, the latest year first. */
export async function fundReport(db: AppDeps['db']): Promise<z.infer<typeof FundRow>[]> {
  const paid = await db
    .selectFrom('payout')
    .select((eb) => [
      'fund_org_code',
      'fund_year',
      eb.fn.count<string>('id').as('n'),
      eb.fn.sum<string>(sql`case when recovered_at is null then amount_yuan else 0 end`).as('paid'),
      eb.fn.sum<string>(sql`case when recovered_at is not null then amount_yuan else 0 end`).as('recovered'),
    ])
    .groupBy(['fund_org_code', 'fund_year'])
    .execute();
  const pending = await db
    .selectFrom('claim')
    .select((eb) => [
      'rereview_org_code',
      sql<number>`extract(year from submitted_at at time zone 'Asia/Shanghai')::int`.as('year'),
      eb.fn.countAll<string>().as('n'),
      eb.fn.sum<string>(sql`amount_yuan - paid_yuan`).as('pending'),
      eb.fn.sum<string>(sql`case when status = 'payout' then ${CURRENT_AMOUNT} else 0 end`).as('approved'),
      eb.fn.count<string>(sql`case when status = 'payout' then 1 end`).as('approvedN'),
      eb.fn.sum<string>(sql`case when status in (${sql.join(REVIEW_STATUSES)}) then ${CURRENT_AMOUNT} else 0 end`).as('review'),
      eb.fn.count<string>(sql`case when status in (${sql.join(REVIEW_STATUSES)}) then 1 end`).as('reviewN'),
    ])
    .where('status', 'not in', CLOSED_STATUSES)
    .groupBy(['rereview_org_code', sql`2`])
    .execute();
  const key = (org: string, year: number) => `${org}|${year}`;
  const rows = new Map<string, z.infer<typeof FundRow>>();
  const row = (org: string, year: number) => {
    const k = key(org, year);
    if (!rows.has(k))
      rows.set(k, {
        fundOrgCode: org,
        fundOrgName: org,
        year,
        paidYuan: 0,
        paidCount: 0,
        recoveredYuan: 0,
        pendingYuan: 0,
        pendingCount: 0,
        approvedUnpaidYuan: 0,
        approvedUnpaidCount: 0,
        underReviewYuan: 0,
        underReviewCount: 0,
      });
    return rows.get(k)!;
  };
  for (const p of paid) {
    const r = row(p.fund_org_code, p.fund_year);
    r.paidYuan += Number(p.paid ?? 0);
    r.recoveredYuan += Number(p.recovered ?? 0);
    r.paidCount += Number(p.n);
  }
  for (const p of pending) {
    const r = row(p.rereview_org_code, Number(p.year));
    r.pendingYuan += Number(p.pending ?? 0);
    r.pendingCount += Number(p.n);
    r.approvedUnpaidYuan += Number(p.approved ?? 0);
    r.approvedUnpaidCount += Number(p.approvedN ?? 0);
    r.underReviewYuan += Number(p.review ?? 0);
    r.underReviewCount += Number(p.reviewN ?? 0);
  }
  const names = await orgNames(
    db,
    [...rows.values()].map((r) => r.fundOrgCode),
  );
  return [...rows.values()]
    .map((r) => ({ ...r, fundOrgName: names.get(r.fundOrgCode) ?? r.fundOrgCode }))
    .sort((a, b) => b.year - a.year || a.fundOrgCode.localeCompare(b.fundOrgCode));
}

export const fundsReport: ReportDefinition = {
  path: 'funds',
  summary: 'Amounts paid, recovered and pending per special fund (re-reviewing body) and year',
  row: FundRow,
  csv: FUNDS_CSV,
  run: (db) => fundReport(db),
};
