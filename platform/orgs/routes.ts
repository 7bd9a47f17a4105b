/**
 * Administration of organisations (admin): enterprises and institutions of Nanxun and, for the title review,
 * competent departments, lower committees and applicants' units across the province. Thin: each route calls a
 * use case in useCases.ts / importOrgs.ts.
 */
import { Router } from 'express';
import { csvBody } from '../http/csvBody';
import { z } from 'zod';
import { defineRoute } from '../http/route';
import { Problem } from '../http/problem';
import { actorOf, enforce, type Access } from '../auth/authenticate';
import type { AppDeps } from '../http/deps';
import { ADMIN_ORG_TYPES } from './orgInput';
import { createOrg, orgView, updateOrg } from './useCases';
import { importOrgs } from './importOrgs';
import { findOrg, listOrgs } from './repository';

const code = z.string().trim().min(1).max(64);
const optRef = code.nullable().optional();
const OrgFields = {
  name: z.string().trim().min(1).max(100),
  creditCode: z.string().trim().max(64).openapi({ description: '统一社会信用代码, 18 characters, GB 32100-2015 check character' }),
  townCode: optRef.openapi({ description: 'Nanxun employers: the town or zone (code or exact name)' }),
  regulatorCode: optRef.openapi({ description: 'Nanxun employers: the industry regulator (code or exact name)' }),
  certRereviewBy: z
    .enum(['town', 'regulator'])
    .nullable()
    .optional()
    .openapi({ description: 'who re-reviews certificate claims: the town/zone (default) or the regulator' }),
  competentOrgCode: optRef.openapi({ description: 'title review: the competent department (主管部门); Nanxun employers default to 湖州市应急管理局' }),
  lowerCommitteeOrgCode: optRef.openapi({ description: 'title review: the lower-level committee (下一级评审委员会)' }),
  address: z.string().trim().max(200).nullable().optional(),
};
const CreateBody = z.object({ type: z.enum(ADMIN_ORG_TYPES), ...OrgFields, creditCode: OrgFields.creditCode.optional() });
const PatchBody = z
  .object({
    ...OrgFields,
    creditCode: OrgFields.creditCode.optional(),
    name: OrgFields.name.optional(),
    type: z.string().max(40).optional(),
    active: z.boolean().optional(),
  })
  .strict();
const OrgOut = z.object({
  code: z.string(),
  type: z.string(),
  name: z.string(),
  creditCode: z.string().nullable(),
  inDistrict: z.boolean(),
  townCode: z.string().nullable(),
  regulatorCode: z.string().nullable(),
  certRereviewOrgCode: z.string().nullable(),
  certRereviewBy: z.string().nullable(),
  competentOrgCode: z.string().nullable(),
  lowerCommitteeOrgCode: z.string().nullable(),
  address: z.string().nullable(),
  active: z.boolean(),
  createdAt: z.string(),
  updatedAt: z.string().nullable(),
  updatedBy: z.string().nullable(),
});
const bool = (dflt: 'true' | 'false') =>
  z
    .enum(['true', 'false'])
    .default(dflt)
    .transform((v) => v === 'true');

export function orgAdminRoutes(deps: AppDeps): Router {
  const router = Router();
  const { db } = deps;
  const admin: Access = { roles: ['admin'] };

  defineRoute(router, {
    method: 'post',
    path: '/api/v1/admin/orgs',
    summary: 'Register an enterprise, institution, competent department or lower committee',
    tags: ['admin'],
    access: admin,
    body: CreateBody,
    responses: { 201: { description: 'the organisation', schema: OrgOut } },
    problems: ['VALIDATION_FAILED', 'INVALID_CREDIT_CODE', 'DUPLICATE_CREDIT_CODE', 'UNKNOWN_ORG'],
    handler: async ({ req, body }) => createOrg(db, actorOf(req).username, body),
  });

  defineRoute(router, {
    method: 'get',
    path: '/api/v1/admin/orgs',
    summary: 'Organisations, paged; search by name, code or credit code',
    tags: ['admin'],
    access: { roles: ['admin', 'auditor'] },
    query: z.object({
      type: z.string().max(200).optional().openapi({ description: 'one type or several, comma-separated' }),
      q: z.string().trim().max(100).optional(),
      active: z.enum(['true', 'false']).optional(),
      page: z.coerce.number().int().min(1).max(100_000).default(1),
      pageSize: z.coerce.number().int().min(1).max(200).default(20),
    }),
    responses: {
      200: {
        description: 'one page',
        schema: z.object({ items: z.array(OrgOut), total: z.number().int(), page: z.number().int(), pageSize: z.number().int() }),
      },
    },
    handler: async ({ query }) => {
      const types = query.type
        ?.split(',')
        .map((t) => t.trim())
        .filter(Boolean);
      const { total, rows } = await listOrgs(db, {
        types,
        q: query.q || undefined,
        active: query.active === undefined ? undefined : query.active === 'true',
        page: query.page,
        pageSize: query.pageSize,
      });
      return { items: rows.map(orgView), total, page: query.page, pageSize: query.pageSize };
    },
  });

  defineRoute(router, {
    method: 'get',
    path: '/api/v1/admin/orgs/:code',
    summary: 'One organisation with its routing',
    tags: ['admin'],
    access: { roles: ['admin', 'auditor'] },
    params: z.object({ code }),
    responses: { 200: { description: 'the organisation', schema: OrgOut } },
    problems: ['NOT_FOUND'],
    handler: async ({ params }) => {
      const o = await findOrg(db, params.code);
      if (!o) throw new Problem('NOT_FOUND', `no organisation ${params.code}`);
      return orgView(o);
    },
  });

  defineRoute(router, {
    method: 'patch',
    path: '/api/v1/admin/orgs/:code',
    summary: 'Rename, move to another town/regulator (open claims keep their re-review body), re-route the title review, deactivate',
    tags: ['admin'],
    access: admin,
    params: z.object({ code }),
    body: PatchBody,
    responses: {
      200: {
        description: 'the organisation; openClaimsNoted = open claims that got a timeline note about a move',
        schema: OrgOut.extend({ openClaimsNoted: z.number().int() }),
      },
    },
    problems: ['NOT_FOUND', 'VALIDATION_FAILED', 'INVALID_CREDIT_CODE', 'DUPLICATE_CREDIT_CODE', 'UNKNOWN_ORG'],
    handler: async ({ req, params, body }) => updateOrg(db, actorOf(req).username, params.code, body),
  });

  const importPath = '/api/v1/admin/orgs/import';
  router.post(importPath, enforce(admin), csvBody, (_req, _res, next) => next());
  defineRoute(router, {
    method: 'post',
    path: importPath,
    summary: 'Import organisations from a CSV body (UTF-8 with or without BOM, or GBK): a report per row; all rows or none',
    tags: ['admin'],
    access: admin,
    query: z.object({ dryRun: bool('true'), skipInvalid: bool('false') }),
    responses: {
      200: {
        description: 'the per-row report (dryRun: what would happen)',
        schema: z.object({
          dryRun: z.boolean(),
          imported: z.boolean(),
          encoding: z.enum(['utf-8', 'gbk']),
          ignoredColumns: z.array(z.string()),
          total: z.number().int(),
          counts: z.object({ created: z.number().int(), updated: z.number().int(), unchanged: z.number().int(), refused: z.number().int() }),
          openClaimsNoted: z.number().int(),
          rows: z.array(
            z.object({
              row: z.number().int(),
              action: z.enum(['created', 'updated', 'unchanged', 'refused']),
              code: z.string().nullable(),
              name: z.string().nullable(),
              creditCode: z.string().nullable(),
              reasons: z.array(z.object({ code: z.string(), field: z.string(), value: z.string().optional(), message: z.string() })),
            }),
          ),
        }),
      },
    },
    problems: ['UNSUPPORTED_MEDIA_TYPE', 'INVALID_CSV', 'IMPORT_HAS_INVALID_ROWS (the report is in `report`)', 'PAYLOAD_TOO_LARGE'],
    handler: async ({ req, query }) => {
      if (!Buffer.isBuffer(req.body)) throw new Problem('INVALID_CSV', 'send the CSV file as the body');
      return importOrgs(db, actorOf(req).username, req.body, query);
    },
  });
  return router;
}
