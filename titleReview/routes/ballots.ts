/** The secret ballot: the ballot paper, casting a ballot, closing the ballot. */
import { Router } from 'express';
import { z } from 'zod';
import { defineRoute } from '../../platform/http/route';
import { Problem } from '../../platform/http/problem';
import { actorOf, hasRole } from '../../platform/auth/authenticate';
import type { AppDeps } from '../../platform/http/deps';
import { closeBallotUpdate } from '../workflows/messages';
import { castBallot } from '../ballotBox';
import { titleContext, Id, BallotBody, ResultRow } from './shared';
import { workflowActor } from '../../platform/identity/personRef';

export function titleBallotRoutes(deps: AppDeps): Router {
  const router = Router();
  const { db } = deps;
  const { loadSession, sessionCall, expertOf } = titleContext(deps);

  // ---- the secret ballot ----------------------------------------------------------------------------------------
  defineRoute(router, {
    method: 'get',
    path: '/api/v1/zhejiang/sessions/:id/ballot',
    summary: "The ballot paper: the applicants to vote on, and whether you may still vote (never anyone's vote)",
    tags: ['zhejiang'],
    access: { roles: ['expert', 'committee_office'] },
    params: Id,
    responses: {
      200: {
        description: 'the ballot',
        schema: z.object({
          open: z.boolean(),
          closed: z.boolean(),
          member: z.boolean(),
          present: z.boolean(),
          voted: z.boolean(),
          ballotsCast: z.number().int(),
          attending: z.number().int().nullable(),
          applicants: z.array(z.object({ applicationId: z.string(), applicationNo: z.string(), name: z.string(), category: z.string(), employer: z.string() })),
        }),
      },
    },
    handler: async ({ req, params }) => {
      const actor = actorOf(req);
      const s = await loadSession(params.id);
      const expert = await expertOf(actor);
      const m = expert
        ? await db.selectFrom('zj_committee_member').selectAll().where('session_id', '=', s.id).where('expert_id', '=', expert.id).executeTakeFirst()
        : undefined;
      const voted = expert
        ? await db.selectFrom('ballot_voter').select('expert_id').where('session_id', '=', s.id).where('expert_id', '=', expert.id).executeTakeFirst()
        : undefined;
      const cast = await db
        .selectFrom('ballot_voter')
        .select((eb) => eb.fn.countAll<string>().as('n'))
        .where('session_id', '=', s.id)
        .executeTakeFirstOrThrow();
      const items = await db
        .selectFrom('zj_application')
        .innerJoin('org', 'org.code', 'zj_application.employer_org_code')
        .select(['zj_application.id', 'application_no', 'applicant_name', 'category', 'org.name as employer'])
        .where('session_id', '=', s.id)
        .where('status', '=', 'balloting')
        .orderBy('application_no')
        .execute();
      return {
        open: s.ballot_opened_at != null && s.ballot_closed_at == null,
        closed: s.ballot_closed_at != null,
        member: !!m,
        present: m?.present === true,
        voted: !!voted,
        ballotsCast: Number(cast.n),
        attending: s.attending,
        // the applicants are shown to the session's committee members and the office only, not to every expert
        applicants:
          m || hasRole(actor, 'committee_office')
            ? items.map((i) => ({ applicationId: i.id, applicationNo: i.application_no, name: i.applicant_name, category: i.category, employer: i.employer }))
            : [],
      };
    },
  });

  defineRoute(router, {
    method: 'post',
    path: '/api/v1/zhejiang/sessions/:id/ballots',
    summary: 'Cast your secret ballot (one per attending member, covering every applicant). Who voted and how are stored apart.',
    tags: ['zhejiang'],
    access: { roles: ['expert'] },
    params: Id,
    body: BallotBody,
    responses: { 201: { description: 'the ballot is in the box', schema: z.object({ recorded: z.literal(true), votes: z.number().int() }) } },
    problems: ['NOT_A_VOTING_MEMBER', 'ALREADY_VOTED', 'BALLOT_CLOSED', 'INVALID_BALLOT'],
    handler: async ({ req, params, body }) => {
      const actor = actorOf(req);
      const expert = await expertOf(actor);
      if (!expert) throw new Problem('NOT_A_VOTING_MEMBER', 'your account is not an expert of the pool');
      await castBallot(db, { sessionId: params.id, expertId: expert.id, votes: body.votes });
      return { recorded: true as const, votes: body.votes.length };
    },
  });

  defineRoute(router, {
    method: 'post',
    path: '/api/v1/zhejiang/sessions/:id/close-ballot',
    summary: 'Close the ballot and announce the result (the chair or a vice-chair attending)',
    tags: ['zhejiang'],
    access: { roles: ['expert'] },
    params: Id,
    responses: { 200: { description: 'the count: passed = yes × 3 ≥ attending × 2', schema: z.object({ results: z.array(ResultRow) }) } },
    problems: ['NOT_PRESIDING', 'BALLOT_CLOSED'],
    handler: async ({ req, params }) => {
      const actor = actorOf(req);
      const s = await loadSession(params.id);
      const expert = await expertOf(actor);
      if (!expert) throw new Problem('NOT_PRESIDING', 'your account is not an expert of the pool');
      const r = await sessionCall(s, (h) => h.executeUpdate(closeBallotUpdate, { args: [{ actor: workflowActor(actor), expertId: expert.id }] }));
      const apps = new Map(
        (await db.selectFrom('zj_application').select(['id', 'application_no', 'applicant_name']).where('session_id', '=', s.id).execute()).map((a) => [
          a.id,
          a,
        ]),
      );
      return {
        results: r.results.map((x) => ({ ...x, applicationNo: apps.get(x.applicationId)?.application_no, name: apps.get(x.applicationId)?.applicant_name })),
      };
    },
  });

  return router;
}
