/** The expert pools. */
import { Router } from 'express';
import { z } from 'zod';
import { randomBytes } from 'node:crypto';
import { defineRoute } from '../../platform/http/route';
import { Problem } from '../../platform/http/problem';
import { actorOf } from '../../platform/auth/authenticate';
import type { AppDeps } from '../../platform/http/deps';
import { expertEligibility, type TitleLevel } from '../rules';
import { shanghaiDate } from '../../platform/calendar/workdays';
import { insertExpert } from '../repositories/experts';
import { Level, Category, ExpertBody, ExpertView } from './shared';

export function titleExpertRoutes(deps: AppDeps): Router {
  const router = Router();
  const { db } = deps;

  // ---- expert pools ---------------------------------------------------------------------------------------------
  defineRoute(router, {
    method: 'post',
    path: '/api/v1/zhejiang/experts',
    summary: 'Add an expert to a pool (senior pool: a senior title for 5+ years; professor pool: professor-level for 3+ years)',
    tags: ['zhejiang'],
    access: { roles: ['committee_office'] },
    body: ExpertBody,
    responses: { 201: { description: 'the expert', schema: ExpertView } },
    problems: ['NOT_ELIGIBLE', 'VALIDATION_FAILED'],
    handler: async ({ req, body }) => {
      const actor = actorOf(req);
      const pool: TitleLevel = body.pool ?? (body.title === 'professor' ? 'professor' : 'senior');
      const today = shanghaiDate(new Date());
      const e = expertEligibility(pool, { title: body.title, titleSince: body.titleSince }, today);
      if (!e.eligible) throw new Problem('NOT_ELIGIBLE', `not eligible for the ${pool} pool: ${e.reason}`, { reasons: [e.reason] });
      let userId: number | null = null;
      if (body.username) {
        const u = await db.selectFrom('app_user').select(['id', 'roles']).where('username', '=', body.username).executeTakeFirst();
        if (!u?.roles.includes('expert')) throw new Problem('VALIDATION_FAILED', `no expert account ${body.username}`);
        userId = u.id;
      }
      const id = `EXP-${pool === 'senior' ? 'S' : 'P'}-${randomBytes(4).toString('hex').toUpperCase()}`;
      const added = await insertExpert(db, {
        id,
        pool,
        name: body.name,
        specialty: body.specialty,
        title: body.title,
        title_since: body.titleSince,
        org_name: body.orgName,
        user_id: userId,
        added_by: actor.username,
      });
      if (!added) throw new Problem('VALIDATION_FAILED', 'that account is already linked to an expert');
      return {
        id,
        pool,
        name: body.name,
        specialty: body.specialty,
        title: body.title,
        titleSince: body.titleSince,
        orgName: body.orgName,
        username: body.username ?? null,
        eligible: true,
        ineligibleReason: null,
      };
    },
  });

  defineRoute(router, {
    method: 'get',
    path: '/api/v1/zhejiang/experts',
    summary: 'The expert pools, with whether each expert is eligible today (X-Eligible-Count per pool in the body is not given: count eligible)',
    tags: ['zhejiang'],
    access: { roles: ['committee_office', 'admin', 'auditor'] },
    query: z.object({ pool: Level.optional(), specialty: Category.optional() }),
    responses: { 200: { description: 'experts', schema: z.array(ExpertView) } },
    handler: async ({ query }) => {
      let q = db
        .selectFrom('zj_expert')
        .leftJoin('app_user', 'app_user.id', 'zj_expert.user_id')
        .selectAll('zj_expert')
        .select('app_user.username')
        .where('active', '=', true);
      if (query.pool) q = q.where('pool', '=', query.pool);
      if (query.specialty) q = q.where('specialty', '=', query.specialty);
      const today = shanghaiDate(new Date());
      return (await q.orderBy('zj_expert.id').execute()).map((e) => {
        const el = expertEligibility(e.pool, { title: e.title, titleSince: e.title_since }, today);
        return {
          id: e.id,
          pool: e.pool,
          name: e.name,
          specialty: e.specialty,
          title: e.title,
          titleSince: e.title_since,
          orgName: e.org_name,
          username: e.username ?? null,
          eligible: el.eligible,
          ineligibleReason: el.reason ?? null,
        };
      });
    },
  });

  return router;
}
