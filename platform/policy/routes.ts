/**
 * Policy editions over HTTP: public reading (GET /policies, /policies/:id) and, for the administrator, the dry run
 * and the publication of a new edition (API.md "Added in the third round").
 */
import { Router } from 'express';
import { z } from 'zod';
import { defineRoute } from '../http/route';
import { Problem } from '../http/problem';
import { actorOf } from '../auth/authenticate';
import type { AppDeps } from '../http/deps';
import type { PolicyDomain } from './domain';
import { policyDomains } from '../plugins/registry';
import { dryRunEdition, findEdition, listEditions, publishEdition } from './service';
import { editionSummary, editionView } from './views';

const Parameter = z.object({ value: z.unknown(), kind: z.enum(['substantive', 'procedural']), clause: z.string() });
const Summary = z.object({
  id: z.string(),
  policy: z.string(),
  title: z.string(),
  documentNo: z.string().nullable(),
  issuer: z.string(),
  effectiveFrom: z.string(),
  effectiveTo: z.string().optional(),
  status: z.enum(['in_force', 'future', 'past']),
  basedOn: z.string().nullable(),
  publishedAt: z.string(),
});
const Edition = Summary.extend({ reason: z.string(), parameters: z.record(z.string(), Parameter) });
const Instant = z.string().refine((s) => !Number.isNaN(Date.parse(s)), 'a date (YYYY-MM-DD, 00:00 Asia/Shanghai) or an ISO instant');
const EditionBody = z
  .object({
    policy: z.string().min(1).max(64),
    basedOn: z.string().max(128).optional(),
    title: z.string().min(1).max(200),
    documentNo: z.string().max(100).optional(),
    issuer: z.string().max(200).optional(),
    effectiveFrom: Instant,
    effectiveTo: Instant.optional(),
    parameters: z.record(z.string(), z.unknown()),
    clauses: z.record(z.string(), z.string().max(500)).optional(),
    reason: z.string().trim().min(1).max(2000),
  })
  .strict();
const Affected = z.object({
  subject: z.object({ type: z.string(), id: z.string(), ref: z.string() }),
  stage: z.string().optional(),
  change: z.string(),
});

/** The editions' routes; the policies are those of the installed domains (platform/plugins), read per request. */
export function policyRoutes(deps: Pick<AppDeps, 'db'>): Router {
  const router = Router();
  const { db } = deps;
  const domains = (): readonly PolicyDomain[] => policyDomains();

  defineRoute(router, {
    method: 'get',
    path: '/api/v1/policies',
    summary: 'Policy editions: in force, past and future (public)',
    tags: ['policies'],
    access: { public: true },
    query: z.object({ policy: z.string().max(64).optional() }).strict(),
    responses: { 200: { description: 'the editions', schema: z.array(Summary) } },
    handler: async ({ query }) => {
      const all = await listEditions(db, query.policy);
      const now = new Date();
      return all.map((e) => editionSummary(e, all, now));
    },
  });

  defineRoute(router, {
    method: 'get',
    path: '/api/v1/policies/:id',
    summary: 'One policy edition with its parameters, each with its kind and clause (public)',
    tags: ['policies'],
    access: { public: true },
    params: z.object({ id: z.string().max(128) }),
    responses: { 200: { description: 'the edition', schema: Edition } },
    problems: ['NOT_FOUND'],
    handler: async ({ params }) => {
      const e = await findEdition(db, params.id);
      if (!e) throw new Problem('NOT_FOUND', `no policy edition ${params.id}`);
      const all = await listEditions(db, e.policy);
      return editionView(e, all, new Date());
    },
  });

  defineRoute(router, {
    method: 'post',
    path: '/api/v1/admin/policies/dry-run',
    summary: 'What publishing this edition would change for open cases and open or future stages; writes nothing',
    tags: ['policies'],
    access: { roles: ['admin'] },
    body: EditionBody,
    responses: {
      200: {
        description: 'the cases it would touch',
        schema: z.object({ affected: z.array(Affected), unaffected: z.number().int(), notes: z.array(z.string()), edition: Edition }),
      },
    },
    problems: ['RETROACTIVE_EDITION', 'OVERLAPPING_EDITION', 'UNKNOWN_PARAMETER', 'VALIDATION_FAILED'],
    handler: async ({ req, body }) => {
      const now = new Date();
      const r = await dryRunEdition(db, domains(), body, actorOf(req).username, now);
      return { affected: r.affected, unaffected: r.unaffected, notes: r.notes, edition: editionView(r.edition, [r.edition], now) };
    },
  });

  defineRoute(router, {
    method: 'post',
    path: '/api/v1/admin/policies',
    summary: 'Publish a new policy edition (from a future date; ends the edition it is based on), audited with who and why',
    tags: ['policies'],
    access: { roles: ['admin'] },
    body: EditionBody,
    responses: { 201: { description: 'published', schema: Edition } },
    problems: ['RETROACTIVE_EDITION', 'OVERLAPPING_EDITION', 'UNKNOWN_PARAMETER', 'VALIDATION_FAILED'],
    handler: async ({ req, body }) => {
      const now = new Date();
      const e = await publishEdition(db, domains(), body, actorOf(req), now, req.ip ?? null);
      const all = await listEditions(db, e.policy);
      return editionView(e, all, now);
    },
  });
  return router;
}
