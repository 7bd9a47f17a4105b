/** The executive committee: the random draw and its reproducible record. */
import { Router } from 'express';
import { z } from 'zod';
import { randomBytes } from 'node:crypto';
import { defineRoute } from '../../platform/http/route';
import { Problem } from '../../platform/http/problem';
import { actorOf } from '../../platform/auth/authenticate';
import { iso } from '../../platform/http/views';
import type { AppDeps } from '../../platform/http/deps';
import { drawCommitteeUpdate } from '../workflows/messages';
import { expertEligibility } from '../rules';
import { firstTitleEdition, titleStageEdition, titleTerms } from '../policy/terms';
import { findEdition } from '../../platform/policy/repository';
import { drawCommittee, DRAW_ALGORITHM, type DrawApplicant, type DrawMember, type PoolExpert } from '../committeeDraw';
import { titleContext, Id } from './shared';
import { workflowActor } from '../../platform/identity/personRef';

export function titleCommitteeRoutes(deps: AppDeps): Router {
  const router = Router();
  const { db } = deps;
  const { loadSession, sessionCall } = titleContext(deps);

  // ---- committee ------------------------------------------------------------------------------------------------
  const MemberView = z.object({ expertId: z.string(), name: z.string().optional(), subgroup: z.string(), role: z.enum(['chair', 'vice_chair', 'member']) });

  defineRoute(router, {
    method: 'post',
    path: '/api/v1/zhejiang/sessions/:id/committee',
    summary: 'Draw the executive committee at random from the eligible pool (seed and pool snapshot are recorded)',
    tags: ['zhejiang'],
    access: { roles: ['committee_office'] },
    params: Id,
    body: z
      .object({
        seed: z.string().trim().min(8).max(128).optional().openapi({ description: 'default: 128 random bits' }),
        size: z
          .number()
          .int()
          .min(17)
          .max(60)
          .default(19)
          .openapi({ description: 'members to draw (≥ 17; draw a few more than 17 so an absence still leaves a quorum)' }),
        reason: z.string().trim().max(500).optional().openapi({ description: 'required for a new draw when a committee exists' }),
      })
      .strict(),
    responses: {
      201: {
        description: 'the committee',
        schema: z.object({ drawNo: z.number().int(), algorithm: z.string(), seed: z.string(), poolSize: z.number().int(), members: z.array(MemberView) }),
      },
    },
    problems: ['POOL_TOO_SMALL', 'SESSION_STATE'],
    handler: async ({ req, params, body }) => {
      const s = await loadSession(params.id);
      const pool = await db.selectFrom('zj_expert').select(['title', 'title_since']).where('pool', '=', s.level).where('active', '=', true).execute();
      const eligible = pool.filter((e) => expertEligibility(s.level, { title: e.title, titleSince: e.title_since }, s.meeting_date).eligible).length;
      // a first answer with the edition in force now; the session's workflow checks the draw under its plan's edition
      const { minPoolSize } = titleTerms(await titleStageEdition(db, new Date()));
      if (eligible < minPoolSize)
        throw new Problem('POOL_TOO_SMALL', `the ${s.level} pool has ${eligible} eligible experts; at least ${minPoolSize} are required`, { eligible });
      const seed = body.seed ?? randomBytes(16).toString('hex');
      const r = await sessionCall(s, (h) =>
        h.executeUpdate(drawCommitteeUpdate, { args: [{ actor: workflowActor(actorOf(req)), seed, size: body.size, reason: body.reason ?? null }] }),
      );
      const names = new Map(
        (
          await db
            .selectFrom('zj_expert')
            .select(['id', 'name'])
            .where(
              'id',
              'in',
              r.members.map((m) => m.expertId),
            )
            .execute()
        ).map((e) => [e.id, e.name]),
      );
      return { ...r, members: r.members.map((m) => ({ ...m, name: names.get(m.expertId) })) };
    },
  });

  defineRoute(router, {
    method: 'get',
    path: '/api/v1/zhejiang/sessions/:id/committee',
    summary: 'The committee with the seed and pool snapshot of its draw, re-run here to show it reproduces',
    tags: ['zhejiang'],
    access: { roles: ['committee_office', 'admin', 'auditor'] },
    params: Id,
    responses: {
      200: {
        description: 'the latest draw',
        schema: z.object({
          drawNo: z.number().int(),
          draws: z.number().int(),
          algorithm: z.string(),
          seed: z.string(),
          size: z.number().int(),
          drawnAt: z.string(),
          drawnBy: z.string(),
          reason: z.string().nullable(),
          members: z.array(MemberView.extend({ present: z.boolean().nullable() })),
          poolSnapshot: z.array(z.unknown()),
          applicantsSnapshot: z.array(z.unknown()),
          reproduced: z.boolean(),
        }),
      },
    },
    problems: ['NOT_FOUND'],
    handler: async ({ params }) => {
      const s = await loadSession(params.id);
      const draws = await db.selectFrom('zj_committee_draw').selectAll().where('session_id', '=', s.id).orderBy('draw_no', 'desc').execute();
      const d = draws[0];
      if (!d) throw new Problem('NOT_FOUND', 'no committee has been drawn');
      const members = await db
        .selectFrom('zj_committee_member')
        .innerJoin('zj_expert', 'zj_expert.id', 'zj_committee_member.expert_id')
        .select(['zj_committee_member.expert_id', 'zj_committee_member.subgroup', 'zj_committee_member.role', 'zj_committee_member.present', 'zj_expert.name'])
        .where('session_id', '=', s.id)
        .execute();
      const pool = d.pool_snapshot as PoolExpert[];
      const applicants = d.applicants_snapshot as DrawApplicant[];
      // the sizes the draw checked: its edition's (draws from before editions: the first edition's)
      const edition = d.policy_edition_id ? await findEdition(db, d.policy_edition_id) : null;
      const rerun = drawCommittee({ seed: d.seed, size: d.size, pool, applicants }, titleTerms(edition ?? (await firstTitleEdition(db))));
      const recorded = d.members as DrawMember[];
      // jsonb does not keep key order: compare member by member
      const key = (ms: DrawMember[]) => ms.map((m) => `${m.expertId}|${m.subgroup}|${m.role}`).join(',');
      return {
        drawNo: d.draw_no,
        draws: draws.length,
        algorithm: d.algorithm,
        seed: d.seed,
        size: d.size,
        drawnAt: iso(d.drawn_at)!,
        drawnBy: d.drawn_by,
        reason: d.reason,
        members: members.map((m) => ({ expertId: m.expert_id, name: m.name, subgroup: m.subgroup, role: m.role, present: m.present })),
        poolSnapshot: pool,
        applicantsSnapshot: applicants,
        reproduced: d.algorithm === DRAW_ALGORITHM && rerun.ok && key(rerun.members) === key(recorded),
      };
    },
  });

  return router;
}
