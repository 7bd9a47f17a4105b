/**
 * The bureau publishes the year's concentrated application period for certificate rewards (seed 001: 具体时间以区应急
 * 管理局每年发布的公告为准); it appears among the public notices and the claim check uses it (nanxun/applicationPeriods.ts).
 */
import { Router } from 'express';
import { z } from 'zod';
import { defineRoute } from '../../platform/http/route';
import { Problem } from '../../platform/http/problem';
import { DateString } from '../../platform/http/schemas';
import { actorOf } from '../../platform/auth/authenticate';
import type { AppDeps } from '../../platform/http/deps';
import { listPeriods, periodReceivedFrom, periodVersions, publishPeriod } from '../applicationPeriods';
import { editionInForce } from '../../platform/policy/service';
import { NANXUN_POLICY } from '../policy/parameters';
import { nanxunTerms, type NanxunTerms } from '../policy/terms';

const PeriodSchema = z.object({
  year: z.number().int(),
  version: z.number().int().openapi({ description: '1 when first published, +1 per correction (earlier versions: GET …/:year/versions)' }),
  startsOn: z.string(),
  endsOn: z.string(),
  receivedFrom: z.string().openapi({ description: 'certificates received on or after this day (6 months before endsOn) may apply in the period' }),
  noticeId: z.string(),
  publishedBy: z.string(),
  publishedAt: z.string(),
});

const withReceivedFrom =
  (terms: NanxunTerms) =>
  <T extends { endsOn: string }>(p: T) => ({ ...p, receivedFrom: periodReceivedFrom(p.endsOn, terms) });

/** The certificate window of the edition in force now (the edition in force at submission decides each claim). */
const termsNow = async (db: AppDeps['db']) => nanxunTerms(await editionInForce(db, NANXUN_POLICY, new Date()));

export function applicationPeriodRoutes(deps: AppDeps): Router {
  const router = Router();
  const { db } = deps;

  defineRoute(router, {
    method: 'get',
    path: '/api/v1/nanxun/application-periods',
    summary: 'The published concentrated application periods for certificate rewards, newest year first',
    tags: ['nanxun'],
    access: { public: true },
    responses: { 200: { description: 'the periods', schema: z.array(PeriodSchema) } },
    handler: async () => (await listPeriods(db)).map(withReceivedFrom(await termsNow(db))),
  });

  defineRoute(router, {
    method: 'post',
    path: '/api/v1/nanxun/application-periods',
    summary: "Publish (or correct: a new version) a year's concentrated application period for certificate rewards; audited; it becomes a public notice",
    tags: ['nanxun'],
    access: { roles: ['bureau_reviewer'] },
    body: z.object({ year: z.number().int().min(2019).max(2100), startsOn: DateString, endsOn: DateString }).strict(),
    responses: { 201: { description: 'published', schema: PeriodSchema } },
    problems: ['VALIDATION_FAILED', 'FORBIDDEN'],
    handler: async ({ req, body }) => {
      if (!body.startsOn.startsWith(`${body.year}-`) || !body.endsOn.startsWith(`${body.year}-`)) {
        throw new Problem('VALIDATION_FAILED', `the period must lie within ${body.year}`);
      }
      if (body.startsOn > body.endsOn) throw new Problem('VALIDATION_FAILED', 'startsOn must not be after endsOn');
      const terms = await termsNow(db);
      const actor = actorOf(req);
      return withReceivedFrom(terms)(
        await publishPeriod(db, { ...body, by: { userId: actor.userId, username: actor.username }, at: new Date(), clientIp: req.ip ?? null }, terms),
      );
    },
  });

  defineRoute(router, {
    method: 'get',
    path: '/api/v1/nanxun/application-periods/:year/versions',
    summary: "Every published version of a year's application period, oldest first (a correction never overwrites the earlier one)",
    tags: ['nanxun'],
    access: { public: true },
    params: z.object({ year: z.coerce.number().int().min(2019).max(2100) }),
    responses: { 200: { description: 'the versions', schema: z.array(PeriodSchema) } },
    handler: async ({ params }) => {
      const terms = await termsNow(db);
      return (await periodVersions(db, params.year)).map(withReceivedFrom(terms));
    },
  });
  return router;
}
