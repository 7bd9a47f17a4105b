/**
 * Reports for the bureau, the committee office and oversight (JSON, or CSV with `?format=csv` for Excel),
 * and the organisation list the console's forms need. Read-only projections of Postgres: each report's query
 * and CSV columns are in its own module (overdueTasks.ts here; each domain's in its reports/ folder, installed through
 * platform/plugins).
 */
import { Router } from 'express';
import { z } from 'zod';
import { defineRoute } from '../http/route';
import type { AppDeps } from '../http/deps';
import { REPORT_ROLES } from '../auth/roles';
import { sendCsv } from './csv';
import { OVERDUE_TASKS_CSV, OverdueRow, overdueTasks } from './overdueTasks';
import { reportDefinitions } from '../plugins/registry';

const Format = z.object({ format: z.enum(['json', 'csv']).default('json') });

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

  defineRoute(router, {
    method: 'get',
    path: '/api/v1/reports/overdue-tasks',
    summary: 'Open tasks that are overdue (逾期) or near their deadline (预警), every organisation',
    tags: ['reports'],
    access: { roles: REPORT_ROLES },
    query: Format.extend({ includeWarning: z.enum(['true', 'false']).default('true') }),
    responses: { 200: { description: 'tasks, most overdue first (CSV with format=csv)', schema: z.array(OverdueRow) } },
    handler: async ({ res, query }) => {
      const out = await overdueTasks(db, query.includeWarning === 'true');
      return query.format === 'csv' ? sendCsv(res, 'overdue-tasks.csv', OVERDUE_TASKS_CSV, out) : out;
    },
  });

  // each installed domain's reports (platform/plugins), at /api/v1/reports/<path>
  for (const r of reportDefinitions()) {
    defineRoute(router, {
      method: 'get',
      path: `/api/v1/reports/${r.path}`,
      summary: r.summary,
      tags: ['reports'],
      access: { roles: REPORT_ROLES },
      query: Format,
      responses: { 200: { description: 'rows (CSV with format=csv)', schema: z.array(r.row) } },
      handler: async ({ res, query }) => {
        const out = await r.run(db);
        return query.format === 'csv' ? sendCsv(res, `${r.path}.csv`, r.csv, out) : out;
      },
    });
  }

  return router;
}
