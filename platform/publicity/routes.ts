/**
 * Public (no login): publicity notices of every installed domain, and objections to a running notice (they become
 * investigation tasks in the publishing workflow).
 */
import { Router } from 'express';
import rateLimit from 'express-rate-limit';
import { z } from 'zod';
import { randomUUID } from 'node:crypto';
import { defineRoute, registry } from '../http/route';
import { Problem, sendProblem } from '../http/problem';
import { withTemporal } from '../http/temporalErrors';
import { iso } from '../http/views';
import type { AppDeps } from '../http/deps';
import type { Notice } from './schema';
import { fileObjectionUpdate } from './messages';
import { domains } from '../plugins/registry';
import { storedTaskId } from '../tasks/taskIds';
import { insertObjection, withdrawUntakenObjection } from './objectionRepository';

const NoticeView = registry.register(
  'Notice',
  z.object({
    id: z.string(),
    kind: z.string().openapi({ description: 'unit_publicity / pre_review / results / misconduct' }),
    title: z.string(),
    startsAt: z.string(),
    endsAt: z.string().openapi({ description: 'end of the N-th working day (Asia/Shanghai)' }),
    endsOn: z.string(),
    workingDays: z.number().int(),
    open: z.boolean(),
    acceptsObjections: z.boolean(),
    entries: z.array(z.record(z.string(), z.unknown())),
  }),
);

const ObjectionBody = registry.register(
  'ObjectionBody',
  z
    .object({
      text: z.string().trim().min(5).max(5000),
      contact: z.string().trim().max(200).optional(),
      applicationId: z.string().max(100).optional().openapi({ description: 'the publicised applicant the objection concerns (an entry of the notice)' }),
    })
    .strict(),
);

/** whether notices of this kind take objections (a domain says so of its kinds; by default they do) */
function takesObjections(kind: string): boolean {
  for (const d of domains()) {
    const k = d.noticeKinds?.[kind];
    if (k) return k.takesObjections;
  }
  return true;
}

function view(n: Notice, now = new Date()) {
  const open = n.closed_at == null && new Date(n.ends_at) > now;
  return {
    id: n.id,
    kind: n.kind,
    title: n.title,
    startsAt: iso(n.starts_at)!,
    endsAt: iso(n.ends_at)!,
    endsOn: n.ends_on,
    workingDays: n.working_days,
    open,
    acceptsObjections: open && n.workflow_id != null && takesObjections(n.kind),
    entries: n.entries as Record<string, unknown>[],
  };
}

export function noticeRoutes(deps: AppDeps): Router {
  const router = Router();
  const { db, temporal } = deps;
  const limited = rateLimit({
    windowMs: 60_000,
    limit: 30,
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    handler: (_q, res) => sendProblem(res, new Problem('RATE_LIMITED')),
  });
  router.post('/api/v1/public/notices/:id/objections', limited);

  defineRoute(router, {
    method: 'get',
    path: '/api/v1/public/notices',
    summary: 'Current and past publicity notices (公示), newest first',
    tags: ['public'],
    access: { public: true },
    query: z.object({
      kind: z.string().max(40).optional(),
      current: z.enum(['true', 'false']).optional().openapi({ description: 'true: only notices still running' }),
      limit: z.coerce.number().int().min(1).max(200).default(50),
      offset: z.coerce.number().int().min(0).max(100_000).default(0),
    }),
    responses: { 200: { description: 'notices', schema: z.array(NoticeView) } },
    handler: async ({ query }) => {
      let q = db.selectFrom('notice').selectAll();
      if (query.kind) q = q.where('kind', '=', query.kind);
      if (query.current === 'true') q = q.where('closed_at', 'is', null).where('ends_at', '>', new Date());
      const rows = await q.orderBy('starts_at', 'desc').orderBy('id').limit(query.limit).offset(query.offset).execute();
      return rows.map((n) => view(n));
    },
  });

  defineRoute(router, {
    method: 'get',
    path: '/api/v1/public/notices/:id',
    summary: 'One publicity notice',
    tags: ['public'],
    access: { public: true },
    params: z.object({ id: z.string().max(200) }),
    responses: { 200: { description: 'the notice', schema: NoticeView } },
    problems: ['NOT_FOUND'],
    handler: async ({ params }) => {
      const n = await db.selectFrom('notice').selectAll().where('id', '=', params.id).executeTakeFirst();
      if (!n) throw new Problem('NOT_FOUND', 'no such notice');
      return view(n);
    },
  });

  defineRoute(router, {
    method: 'post',
    path: '/api/v1/public/notices/:id/objections',
    summary: 'File an objection to a running notice; it becomes an investigation task for the publishing body',
    tags: ['public'],
    access: { public: true },
    params: z.object({ id: z.string().max(200) }),
    body: ObjectionBody,
    responses: {
      201: {
        description: 'the objection, under investigation',
        schema: z.object({ id: z.string(), noticeId: z.string(), status: z.literal('open'), taskId: z.string() }),
      },
    },
    problems: ['NOT_FOUND', 'NOTICE_CLOSED', 'VALIDATION_FAILED'],
    handler: async ({ params, body }) => {
      const n = await db.selectFrom('notice').selectAll().where('id', '=', params.id).executeTakeFirst();
      if (!n) throw new Problem('NOT_FOUND', 'no such notice');
      const v = view(n);
      if (!v.open) throw new Problem('NOTICE_CLOSED', `the publicity period ended on ${n.ends_on}`);
      if (!v.acceptsObjections || !n.workflow_id) throw new Problem('NOTICE_CLOSED', 'this notice publishes a decision and takes no objections');
      const entryIds = v.entries.map((e) => e.applicationId).filter((x): x is string => typeof x === 'string');
      if (body.applicationId && !entryIds.includes(body.applicationId)) throw new Problem('VALIDATION_FAILED', 'applicationId is not an entry of this notice');
      const applicationId = body.applicationId ?? (entryIds.length === 1 ? entryIds[0]! : null);
      const id = randomUUID();
      // The row is committed before the workflow hears of it: the workflow's first act is an activity that links
      // the row to its investigation task, and that activity may run before this request could commit a
      // transaction wrapped around the Update (the link was then lost). The row stays only if the workflow took
      // the objection (it refuses once the period has ended).
      await insertObjection(db, { id, noticeId: n.id, applicationId, text: body.text, contact: body.contact ?? null, filedAt: new Date() });
      const taken = await withTemporal(() =>
        temporal.workflow.getHandle(n.workflow_id!).executeUpdate(fileObjectionUpdate, { args: [{ objectionId: id, noticeId: n.id, applicationId }] }),
      ).catch(async (err) => {
        await withdrawUntakenObjection(db, id);
        if (err instanceof Problem && err.code === 'TASK_ALREADY_DECIDED') throw new Problem('NOTICE_CLOSED', 'the publicity period has ended');
        throw err;
      });
      return { id, noticeId: n.id, status: 'open' as const, taskId: storedTaskId(taken.taskId) };
    },
  });

  return router;
}
