import { Router } from 'express';
import rateLimit from 'express-rate-limit';
import { defineRoute } from '../http/route';
import { ProgressQuery, ProgressView } from '../http/schemas';
import { Problem, sendProblem } from '../http/problem';
import { iso } from '../http/views';
import { orgNames } from '../orgs/orgNames';
import type { AppDeps } from '../http/deps';
import { shanghaiDate } from '../calendar/workdays';
import { findSubjectByReference } from '../plugins/registry';

export function progressRoutes(deps: AppDeps): Router {
  const router = Router();
  const { db } = deps;
  // the last 6 ID characters are a weak secret: limit guessing
  router.use(
    '/api/v1/public/progress',
    rateLimit({
      windowMs: 60_000,
      limit: 60,
      standardHeaders: 'draft-8',
      legacyHeaders: false,
      handler: (_q, res) => sendProblem(res, new Problem('RATE_LIMITED')),
    }),
  );

  defineRoute(router, {
    method: 'get',
    path: '/api/v1/public/progress',
    summary: 'Progress of a claim or title application by its number and the last 6 characters of the ID number, without personal data',
    tags: ['public'],
    access: { public: true },
    query: ProgressQuery,
    responses: { 200: { description: 'stage and timeline', schema: ProgressView } },
    problems: ['NOT_FOUND', 'VALIDATION_FAILED'],
    handler: async ({ query }) => {
      // a subject of any installed domain, by its number
      const subject = await findSubjectByReference(db, query.applicationNo);
      if (!subject?.applicantIdNumber.endsWith(query.idLast6)) throw new Problem('NOT_FOUND', 'no application matches that number and ID');
      const timeline = await db
        .selectFrom('timeline')
        .select(['stage', 'org_code', 'event', 'decision', 'at'])
        .where('subject_type', '=', subject.type)
        .where('subject_id', '=', subject.id)
        .orderBy('at')
        .orderBy('id')
        .execute();
      const names = await orgNames(
        db,
        timeline.map((t) => t.org_code),
      );
      return {
        applicationNo: subject.reference,
        kind: subject.kind,
        status: subject.status,
        stage: subject.stage,
        submittedOn: shanghaiDate(subject.submittedAt),
        // no names, comments or actors: only which body did what, when
        timeline: timeline.map((t) => ({
          stage: t.stage,
          orgName: t.org_code ? (names.get(t.org_code) ?? null) : null,
          event: t.event,
          decision: t.decision,
          at: iso(t.at)!,
        })),
      };
    },
  });
  return router;
}
