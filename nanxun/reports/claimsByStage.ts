/** Report: Nanxun claims by kind, status and re-reviewing organisation (the fund that pays). */
import { z } from 'zod';
import { sql } from 'kysely';
import { orgNames } from '../../platform/orgs/orgNames';
import type { AppDeps } from '../../platform/http/deps';
import type { CsvColumns } from '../../platform/reports/csv';
import type { ReportDefinition } from '../../platform/plugins/domainPlugin';

/** statuses in which a body has approved the claim's amount (核定): a rejected or still reviewed claim has none */
const APPROVED_STATUSES = ['payout', 'paid', 'awaiting_next_instalment', 'completed', 'clawed_back'];

export const ClaimsByStage = z.object({
  kind: z.string(),
  status: z.string(),
  orgCode: z.string(),
  orgName: z.string(),
  count: z.number().int(),
  amountYuan: z.number().int().describe('the amount applied for'),
  approvedYuan: z.number().int().describe('the amount a body approved (核定): 0 for claims rejected or still under review'),
  paidYuan: z.number().int(),
});

export const CLAIMS_BY_STAGE_CSV: CsvColumns = [
  ['kind', '类别'],
  ['status', '状态'],
  ['orgName', '复审单位'],
  ['orgCode', '单位代码'],
  ['count', '件数'],
  ['amountYuan', '申请金额(元)'],
  ['approvedYuan', '核定金额(元)'],
  ['paidYuan', '已发放(元)'],
];

export async function claimsByStage(db: AppDeps['db']): Promise<z.infer<typeof ClaimsByStage>[]> {
  const rows = await db
    .selectFrom('claim')
    .select((eb) => [
      'kind',
      'status',
      'rereview_org_code',
      eb.fn.countAll<string>().as('n'),
      eb.fn.sum<string>('amount_yuan').as('amount'),
      eb.fn.sum<string>(sql`case when status in (${sql.join(APPROVED_STATUSES)}) then amount_yuan else 0 end`).as('approved'),
      eb.fn.sum<string>('paid_yuan').as('paid'),
    ])
    .groupBy(['kind', 'status', 'rereview_org_code'])
    .orderBy('kind')
    .orderBy('status')
    .orderBy('rereview_org_code')
    .execute();
  const names = await orgNames(
    db,
    rows.map((r) => r.rereview_org_code),
  );
  return rows.map((r) => ({
    kind: r.kind,
    status: r.status,
    orgCode: r.rereview_org_code,
    orgName: names.get(r.rereview_org_code) ?? r.rereview_org_code,
    count: Number(r.n),
    amountYuan: Number(r.amount ?? 0),
    approvedYuan: Number(r.approved ?? 0),
    paidYuan: Number(r.paid ?? 0),
  }));
}

export const claimsByStageReport: ReportDefinition = {
  path: 'claims-by-stage',
  summary: 'Nanxun claims by kind, status and re-reviewing organisation (the fund that pays)',
  row: ClaimsByStage,
  csv: CLAIMS_BY_STAGE_CSV,
  run: (db) => claimsByStage(db),
};
