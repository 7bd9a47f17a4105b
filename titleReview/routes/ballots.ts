/** The secret ballot: the ballot paper, casting a ballot, closing the ballot. */
import { Router } from 'express';
import { z } from 'zod';
import { defineRoute } from '../../platform/http/route';
import { Problem } from '../../platform/http/problem';
import { actorOf, hasRole } from '../../platform/auth/authenticate';
import type { AppDeps } from '../../platform/http/deps';
import { closeBallotUpdate, presentBallotShareUpdate } from '../workflows/messages';
import { castBallot } from '../ballotBox';
import { collectBallotShare, presentBallotShare, shareStatus, withdrawPresentedShare } from '../ballotShares';
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
          shares: z
            .object({
              threshold: z.boolean(),
              holder: z.number().int().nullable(),
              collected: z.boolean(),
              presented: z.boolean(),
              sharesPresented: z.number().int(),
              needed: z.number().int(),
            })
            .openapi({ description: 'the ballot threshold option: whether the count needs key shares, and the caller’s share (never its value)' }),
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
        shares: await shareStatus(db, s.id, expert?.id ?? null),
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
    problems: ['NOT_PRESIDING', 'BALLOT_CLOSED', 'BALLOT_SHARES_NEEDED'],
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

  // ---- the ballot threshold option: key shares of the chair and vice-chairs (ballotShares.ts) -------------------------
  defineRoute(router, {
    method: 'get',
    path: '/api/v1/zhejiang/sessions/:id/ballot-share',
    summary: 'Your key share of a threshold ballot (the chair and vice-chairs): shown ONCE, then erased from storage',
    tags: ['zhejiang'],
    access: { roles: ['expert'] },
    params: Id,
    responses: {
      200: {
        description: 'the share, to keep until the close',
        schema: z.object({ x: z.number().int(), share: z.string(), needed: z.number().int(), holders: z.number().int() }),
      },
    },
    problems: ['NOT_SHARE_HOLDER', 'SHARE_ALREADY_COLLECTED'],
    handler: async ({ req, res, params }) => {
      const s = await loadSession(params.id);
      const expert = await expertOf(actorOf(req));
      if (!expert) throw new Problem('NOT_SHARE_HOLDER', 'your account is not an expert of the pool');
      const { x, share } = await collectBallotShare(db, s.id, expert.id, new Date());
      res.setHeader('Cache-Control', 'no-store');
      return { x, share, needed: 2, holders: 3 };
    },
  });

  defineRoute(router, {
    method: 'post',
    path: '/api/v1/zhejiang/sessions/:id/ballot-shares',
    summary: 'Present your key share at the close of a threshold ballot; the count needs two',
    tags: ['zhejiang'],
    access: { roles: ['expert'] },
    params: Id,
    body: z.object({ share: z.string().trim().min(1).max(200) }).strict(),
    responses: {
      200: { description: 'the share is good and kept until the count', schema: z.object({ sharesPresented: z.number().int(), needed: z.number().int() }) },
    },
    problems: ['NOT_SHARE_HOLDER', 'WRONG_BALLOT_SHARE', 'BALLOT_CLOSED', 'SESSION_STATE'],
    handler: async ({ req, params, body }) => {
      const actor = actorOf(req);
      const s = await loadSession(params.id);
      const expert = await expertOf(actor);
      if (!expert) throw new Problem('NOT_SHARE_HOLDER', 'your account is not an expert of the pool');
      const x = await presentBallotShare(db, s.id, expert.id, body.share, new Date());
      try {
        return await sessionCall(s, (h) => h.executeUpdate(presentBallotShareUpdate, { args: [{ actor: workflowActor(actor), expertId: expert.id, x }] }));
      } catch (err) {
        // the session refused it (not attending, the ballot closed): the share is not kept
        await withdrawPresentedShare(db, s.id, x).catch(() => undefined);
        throw err;
      }
    },
  });

  return router;
}
