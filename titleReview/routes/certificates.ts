/** Public (no login): verification of an electronic title certificate by its code. */
import { Router } from 'express';
import rateLimit from 'express-rate-limit';
import { z } from 'zod';
import { sql } from 'kysely';
import { defineRoute } from '../../platform/http/route';
import { Problem, sendProblem } from '../../platform/http/problem';
import { iso } from '../../platform/http/views';
import type { AppDeps } from '../../platform/http/deps';
import { maskIdNumber } from '../../platform/identity/idNumber';
import { TITLE_CATEGORY_ZH, TITLE_LEVEL_ZH, type TitleCategory, type TitleLevel } from '../rules';

export function titleCertificateRoutes(deps: AppDeps): Router {
  const router = Router();
  const { db } = deps;
  router.use(
    '/api/v1/public/certificates',
    rateLimit({
      windowMs: 60_000,
      limit: 120,
      standardHeaders: 'draft-8',
      legacyHeaders: false,
      handler: (_q, res) => sendProblem(res, new Problem('RATE_LIMITED')),
    }),
  );

  defineRoute(router, {
    method: 'get',
    path: '/api/v1/public/certificates/:code',
    summary: 'Verify an electronic title certificate (valid, or revoked and why)',
    tags: ['public'],
    access: { public: true },
    params: z.object({ code: z.string().trim().min(4).max(64) }),
    responses: {
      200: {
        description: 'the certificate',
        schema: z.object({
          code: z.string(),
          valid: z.boolean(),
          status: z.enum(['valid', 'revoked']),
          name: z.string(),
          idNumber: z.string().openapi({ description: 'masked' }),
          level: z.string(),
          levelName: z.string(),
          category: z.string(),
          categoryName: z.string(),
          grantedOn: z.string(),
          issuer: z.string(),
          revokedAt: z.string().nullable(),
          revokedReason: z.string().nullable(),
        }),
      },
    },
    problems: ['NOT_FOUND'],
    handler: async ({ params }) => {
      const g = await db
        .selectFrom('title_grant')
        .select(['certificate_code', 'name', 'id_number', 'level', 'category', sql<string>`granted_on::text`.as('granted_on'), 'revoked_at', 'revoked_reason'])
        .where('certificate_code', '=', params.code.toUpperCase())
        .executeTakeFirst();
      if (!g) throw new Problem('NOT_FOUND', 'no certificate has this verification code');
      const valid = g.revoked_at == null;
      return {
        code: g.certificate_code,
        valid,
        status: valid ? ('valid' as const) : ('revoked' as const),
        name: g.name,
        idNumber: maskIdNumber(g.id_number),
        level: g.level,
        levelName: TITLE_LEVEL_ZH[g.level as TitleLevel],
        category: g.category,
        categoryName: TITLE_CATEGORY_ZH[g.category as TitleCategory] ?? g.category,
        grantedOn: g.granted_on,
        issuer: '浙江省人力资源和社会保障厅、浙江省应急管理厅（监制）',
        revokedAt: iso(g.revoked_at),
        revokedReason: g.revoked_reason,
      };
    },
  });

  return router;
}
