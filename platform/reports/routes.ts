/**
 * Reports for the bureau, the committee office and oversight (JSON, or CSV with `?format=csv` for Excel),
 * and the organisation list the console's forms need. Read-only projections of Postgres.
 */
import { Router, type Response } from 'express';
import { z } from 'zod';
import { sql } from 'kysely';
import { defineRoute } from '../http/route';
import { taskView } from '../http/views';
import { orgNames } from '../orgs/orgNames';
import type { AppDeps } from '../http/deps';
import type { Role } from '../auth/authenticate';
import { displayCalendar } from '../calendar/calendarTable';
import { shanghaiDate } from '../calendar/workdays';

const REPORT_ROLES: readonly Role[] = ['bureau_reviewer', 'admin', 'auditor', 'committee_office'];
const Format = z.object({ format: z.enum(['json', 'csv']).default('json') });

/** Open (not closed) claim statuses: their amount is pending. */
const CLOSED_STATUSES = ['paid', 'completed', 'rejected', 'clawed_back'];
/** statuses in which a body has approved the claim's amount (核定): a rejected or still reviewed claim has none */
const APPROVED_STATUSES = ['payout', 'paid', 'awaiting_next_instalment', 'completed', 'clawed_back'];
/** statuses in which the claim is still being reviewed: its money is neither approved nor paid */
const REVIEW_STATUSES = ['unit_verification', 'bureau_review', 'rereview'];
/** the money a claim is about now: the instalment under review or awaiting payment, else what is left unpaid */
const CURRENT_AMOUNT = sql<number>`coalesce((select i.amount_yuan from instalment i where i.claim_id = claim.id and i.status in ('pending', 'released', 'in_review', 'awaiting_budget') order by i.year_no limit 1), claim.amount_yuan - claim.paid_yuan)`;

function csvCell(v: unknown): string {
  const s = v == null ? '' : String(v);
  // neutralise spreadsheet formulas, quote everything
  const safe = /^[=+\-@\t\r]/.test(s) && !/^-?\d+(\.\d+)?$/.test(s) ? `'${s}` : s;
  return `"${safe.replace(/"/g, '""')}"`;
}

/** Sends rows as CSV (UTF-8 with BOM so Excel shows Chinese), the header row from `columns`' labels. */
function sendCsv(res: Response, filename: string, columns: [string, string][], rows: Record<string, unknown>[]): undefined {
  const lines = [columns.map(([, label]) => csvCell(label)).join(',')];
  for (const r of rows) lines.push(columns.map(([key]) => csvCell(r[key])).join(','));
  res.status(200);
  res.setHeader('Content-Type', 'text/csv; charset=utf-8');
  res.setHeader('Content-Disposition', `attachment; filename="${filename}"`);
  res.send(`\uFEFF${lines.join('\r\n')}\r\n`);
  return undefined;
}

export function reportRoutes(deps: AppDeps): Router {
  const router = Router();
  const { db } = deps;

  defineRoute(router, {
    method: 'get',
    path: '/api/v1/orgs',
    summary: 'Organisations (employers, towns, regulators, bureaus), for forms and filters',
    tags: ['reference'],
    access: { public: true },
    query: z.object({
      type: z.string().max(200).optional().openapi({ description: 'one type or several, comma-separated' }),
      includeInactive: z.enum(['true', 'false']).optional().openapi({ description: 'also deactivated organisations (they take no new claims)' }),
    }),
    responses: {
      200: {
        description: 'organisations',
        schema: z.array(
          z.object({
            code: z.string(),
            name: z.string(),
            type: z.string(),
            inDistrict: z.boolean(),
            townCode: z.string().nullable(),
            regulatorCode: z.string().nullable(),
            certRereviewOrgCode: z.string().nullable(),
            active: z.boolean(),
          }),
        ),
      },
    },
    handler: async ({ query }) => {
      let q = db.selectFrom('org').selectAll();
      if (query.type) q = q.where('type', 'in', query.type.split(',').map((t) => t.trim()) as never[]);
      if (query.includeInactive !== 'true') q = q.where('active', '=', true);
      const rows = await q.orderBy('type').orderBy('code').execute();
      return rows.map((o) => ({
        code: o.code,
        name: o.name,
        type: o.type,
        inDistrict: o.in_district,
        townCode: o.town_code,
        regulatorCode: o.regulator_code,
        certRereviewOrgCode: o.cert_rereview_org_code,
        active: o.active,
      }));
    },
  });

  const ClaimsByStage = z.object({
    kind: z.string(),
    status: z.string(),
    orgCode: z.string(),
    orgName: z.string(),
    count: z.number().int(),
    amountYuan: z.number().int().describe('the amount applied for'),
    approvedYuan: z.number().int().describe('the amount a body approved (核定): 0 for claims rejected or still under review'),
    paidYuan: z.number().int(),
  });
  defineRoute(router, {
    method: 'get',
    path: '/api/v1/reports/claims-by-stage',
    summary: 'Nanxun claims by kind, status and re-reviewing organisation (the fund that pays)',
    tags: ['reports'],
    access: { roles: REPORT_ROLES },
    query: Format,
    responses: { 200: { description: 'counts and amounts (CSV with format=csv)', schema: z.array(ClaimsByStage) } },
    handler: async ({ res, query }) => {
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
      const out = rows.map((r) => ({
        kind: r.kind,
        status: r.status,
        orgCode: r.rereview_org_code,
        orgName: names.get(r.rereview_org_code) ?? r.rereview_org_code,
        count: Number(r.n),
        amountYuan: Number(r.amount ?? 0),
        approvedYuan: Number(r.approved ?? 0),
        paidYuan: Number(r.paid ?? 0),
      }));
      if (query.format === 'csv') {
        return sendCsv(
          res,
          'claims-by-stage.csv',
          [
            ['kind', '类别'],
            ['status', '状态'],
            ['orgName', '复审单位'],
            ['orgCode', '单位代码'],
            ['count', '件数'],
            ['amountYuan', '申请金额(元)'],
            ['approvedYuan', '核定金额(元)'],
            ['paidYuan', '已发放(元)'],
          ],
          out,
        );
      }
      return out;
    },
  });

  const OverdueRow = z.object({
    id: z.string(),
    kind: z.string(),
    orgCode: z.string(),
    orgName: z.string(),
    subjectRef: z.string(),
    createdAt: z.string(),
    dueAt: z.string().nullable(),
    dueOn: z.string().nullable(),
    workingDaysLeft: z.number().int().nullable(),
    warning: z.boolean(),
    overdue: z.boolean(),
  });
  defineRoute(router, {
    method: 'get',
    path: '/api/v1/reports/overdue-tasks',
    summary: 'Open tasks that are overdue (逾期) or near their deadline (预警), every organisation',
    tags: ['reports'],
    access: { roles: REPORT_ROLES },
    query: Format.extend({ includeWarning: z.enum(['true', 'false']).default('true') }),
    responses: { 200: { description: 'tasks, most overdue first (CSV with format=csv)', schema: z.array(OverdueRow) } },
    handler: async ({ res, query }) => {
      const year = Number(shanghaiDate(new Date()).slice(0, 4));
      const [cal, tasks] = await Promise.all([
        displayCalendar(db, year - 1, year + 1),
        db.selectFrom('task').selectAll().where('state', '=', 'open').where('due_at', 'is not', null).orderBy('due_at').limit(5000).execute(),
      ]);
      const names = await orgNames(
        db,
        tasks.map((t) => t.org_code),
      );
      const out = tasks
        .map((t) => ({ t, v: taskView(t, cal) }))
        .filter(({ v }) => v.overdue || (query.includeWarning === 'true' && v.warning))
        .map(({ t, v }) => ({
          id: v.id,
          kind: v.kind,
          orgCode: v.orgCode,
          orgName: names.get(t.org_code) ?? t.org_code,
          subjectRef: t.subject_ref,
          createdAt: v.createdAt,
          dueAt: v.dueAt,
          dueOn: v.dueOn,
          workingDaysLeft: v.workingDaysLeft,
          warning: v.warning,
          overdue: v.overdue,
        }));
      if (query.format === 'csv') {
        return sendCsv(
          res,
          'overdue-tasks.csv',
          [
            ['subjectRef', '申请编号'],
            ['kind', '环节'],
            ['orgName', '承办单位'],
            ['createdAt', '收件时间'],
            ['dueOn', '办结期限'],
            ['workingDaysLeft', '剩余工作日'],
            ['overdue', '已逾期'],
            ['warning', '预警'],
          ],
          out,
        );
      }
      return out;
    },
  });

  const FundRow = z.object({
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
  defineRoute(router, {
    method: 'get',
    path: '/api/v1/reports/funds',
    summary: 'Amounts paid, recovered and pending per special fund (re-reviewing body) and year',
    tags: ['reports'],
    access: { roles: REPORT_ROLES },
    query: Format,
    responses: { 200: { description: 'per fund and year (CSV with format=csv)', schema: z.array(FundRow) } },
    handler: async ({ res, query }) => {
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
      const out = [...rows.values()]
        .map((r) => ({ ...r, fundOrgName: names.get(r.fundOrgCode) ?? r.fundOrgCode }))
        .sort((a, b) => b.year - a.year || a.fundOrgCode.localeCompare(b.fundOrgCode));
      if (query.format === 'csv') {
        return sendCsv(
          res,
          'funds.csv',
          [
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
          ],
          out,
        );
      }
      return out;
    },
  });

  const SessionRow = z.object({
    sessionId: z.string(),
    year: z.number().int().nullable(),
    level: z.string().nullable(),
    status: z.string().nullable(),
    applications: z.number().int(),
    passed: z.number().int(),
    failed: z.number().int(),
  });
  defineRoute(router, {
    method: 'get',
    path: '/api/v1/reports/sessions',
    summary: 'Zhejiang title-review sessions and their outcomes (empty until the title review is installed)',
    tags: ['reports'],
    access: { roles: REPORT_ROLES },
    query: Format,
    responses: { 200: { description: 'per session (CSV with format=csv)', schema: z.array(SessionRow) } },
    handler: async ({ res, query }) => {
      const out = await sessionOutcomes(db);
      if (query.format === 'csv') {
        return sendCsv(
          res,
          'sessions.csv',
          [
            ['year', '年度'],
            ['level', '级别'],
            ['status', '状态'],
            ['applications', '申报人数'],
            ['passed', '通过'],
            ['failed', '未通过'],
            ['sessionId', '评审会编号'],
          ],
          out,
        );
      }
      return out;
    },
  });

  return router;
}

/**
 * Session outcomes from the title-review tables, if they exist: the title review is built separately, so this
 * reads whatever is there and answers [] when its tables are not (yet) migrated.
 */
async function sessionOutcomes(
  db: AppDeps['db'],
): Promise<{ sessionId: string; year: number | null; level: string | null; status: string | null; applications: number; passed: number; failed: number }[]> {
  const tables = await sql<{
    table_name: string;
  }>`select table_name from information_schema.tables where table_schema = current_schema() and table_name in ('review_session', 'zj_session', 'title_session', 'zj_application', 'title_application', 'review_application')`.execute(
    db,
  );
  const names = new Set(tables.rows.map((r) => r.table_name));
  const sessionTable = ['review_session', 'zj_session', 'title_session'].find((t) => names.has(t));
  const appTable = ['zj_application', 'title_application', 'review_application'].find((t) => names.has(t));
  if (!sessionTable) return [];
  try {
    const sessions = await sql<Record<string, unknown>>`select * from ${sql.table(sessionTable)}`.execute(db);
    const apps = appTable ? (await sql<Record<string, unknown>>`select * from ${sql.table(appTable)}`.execute(db)).rows : [];
    return sessions.rows.map((s) => {
      const mine = apps.filter((a) => String(a.session_id ?? '') === String(s.id));
      // the ballot's tallies (results: [{ applicationId, passed }]) when closed, else each application's own outcome
      const tallies = Array.isArray(s.results) ? (s.results as { passed?: unknown }[]) : null;
      const result = (a: Record<string, unknown>) => {
        const r = a.result as Record<string, unknown> | string | null | undefined;
        if (r && typeof r === 'object') return r.passed === true ? 'passed' : r.passed === false ? 'failed' : String(r.outcome ?? r.status ?? '');
        return String(r ?? a.status ?? '');
      };
      if (tallies) {
        return {
          sessionId: String(s.id),
          year: s.year == null ? null : Number(s.year),
          level: s.level == null ? null : String(s.level),
          status: s.status == null ? null : String(s.status),
          applications: Math.max(mine.length, tallies.length),
          passed: tallies.filter((t) => t.passed === true).length,
          failed: tallies.filter((t) => t.passed === false).length,
        };
      }
      return {
        sessionId: String(s.id),
        year: s.year == null ? null : Number(s.year),
        level: s.level == null ? null : String(s.level),
        status: s.status == null ? null : String(s.status),
        applications: mine.length,
        passed: mine.filter((a) => ['passed', 'granted', 'certified', 'approved'].includes(result(a)) || a.passed === true).length,
        failed: mine.filter((a) => ['failed', 'not_passed', 'rejected', 'disqualified', 'revoked'].includes(result(a)) || a.passed === false).length,
      };
    });
  } catch {
    return [];
  }
}
