/** Service ratings (好差评): the applicant rates an ended claim or application once; reports per organisation and month. */
import { Router } from 'express';
import { z } from 'zod';
import { defineRoute } from '../http/route';
import { actorOf } from '../auth/authenticate';
import type { AppDeps } from '../http/deps';
import { myRating, rate, ratingReport } from './useCases';

const SubjectType = z
  .string()
  .min(1)
  .max(64)
  .openapi({ description: 'the subject type: nanxun_claim, title_application, or that of another installed domain' });
const RatingView = z.object({
  id: z.string(),
  subject: z.object({ type: SubjectType, id: z.string() }),
  score: z.number().int(),
  comment: z.string().nullable(),
  orgCodes: z.array(z.string()).openapi({ description: 'the organisations that handled it (decided a task on it)' }),
  createdAt: z.string(),
});

export function ratingRoutes(deps: AppDeps): Router {
  const router = Router();
  const { db } = deps;

  defineRoute(router, {
    method: 'post',
    path: '/api/v1/ratings',
    summary: '好差评: rate your ended claim or title application, once (1 very dissatisfied … 5 very satisfied)',
    tags: ['ratings'],
    access: { roles: ['applicant'] },
    body: z
      .object({
        subject: z.object({ type: SubjectType, id: z.string().trim().min(1).max(64) }).strict(),
        score: z.number().int().min(1).max(5),
        comment: z.string().trim().max(500).optional(),
      })
      .strict(),
    responses: { 201: { description: 'the rating', schema: RatingView } },
    problems: ['NOT_FOUND', 'NOT_ENDED', 'ALREADY_RATED', 'VALIDATION_FAILED'],
    handler: async ({ req, body }) => rate(db, actorOf(req), body),
  });

  defineRoute(router, {
    method: 'get',
    path: '/api/v1/ratings/:type/:id',
    summary: 'Your rating of your claim or title application (404 if not rated)',
    tags: ['ratings'],
    access: { roles: ['applicant'] },
    params: z.object({ type: SubjectType, id: z.string().max(64) }),
    responses: { 200: { description: 'the rating', schema: RatingView } },
    problems: ['NOT_FOUND'],
    handler: async ({ req, params }) => myRating(db, actorOf(req), params.type, params.id),
  });

  defineRoute(router, {
    method: 'get',
    path: '/api/v1/reports/ratings',
    summary: '好差评 per organisation and month: each rating counts for every organisation that decided a task on its subject',
    tags: ['reports'],
    access: { roles: ['bureau_reviewer', 'admin', 'auditor', 'committee_office'] },
    query: z.object({ year: z.coerce.number().int().min(2000).max(2100) }),
    responses: {
      200: {
        description: 'rows by organisation, then month',
        schema: z.array(
          z.object({
            orgCode: z.string(),
            orgName: z.string(),
            month: z.string(),
            count: z.number().int(),
            averageScore: z.number(),
            scores: z.record(z.string(), z.number().int()),
            good: z.number().int(),
            bad: z.number().int(),
          }),
        ),
      },
    },
    handler: async ({ query }) => ratingReport(db, query.year),
  });

  return router;
}
