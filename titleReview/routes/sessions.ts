/** Review sessions: opening one, reading it, and the office steps that are Updates of the session workflow. */
import { Router } from 'express';
import { z } from 'zod';
import { defineRoute } from '../../platform/http/route';
import { DateString } from '../../platform/http/schemas';
import { Problem } from '../../platform/http/problem';
import { actorOf } from '../../platform/auth/authenticate';
import { iso, timelineView } from '../../platform/http/views';
import { orgNames } from '../../platform/orgs/orgNames';
import { workflowNow, type AppDeps } from '../../platform/http/deps';
import type { Actor } from '../../platform/tasks/messages';
import { moveMeetingUpdate, recordAttendanceUpdate, recordInterviewUpdate, resubmitPlanUpdate, startPreReviewUpdate } from '../workflows/messages';
import type { TitleSession } from '../schema';
import { shanghaiDate } from '../../platform/calendar/workdays';
import { openSession } from '../openSession';
import { titleContext, Level, Id, Reason, SessionBody, SessionViewSchema, ResultRow } from './shared';
import { workflowActor } from '../../platform/identity/personRef';

export function titleSessionRoutes(deps: AppDeps): Router {
  const router = Router();
  const { db } = deps;
  const { latestApproval, loadSession, sessionCall, sessionView } = titleContext(deps);

  // ---- sessions -------------------------------------------------------------------------------------------------
  defineRoute(router, {
    method: 'post',
    path: '/api/v1/zhejiang/sessions',
    summary: 'Open the annual review session of a level (one per level per year)',
    tags: ['zhejiang'],
    access: { roles: ['committee_office'] },
    body: SessionBody,
    responses: { 201: { description: 'the session, accepting applications', schema: SessionViewSchema } },
    problems: ['SESSION_EXISTS', 'MEETING_TOO_SOON', 'VALIDATION_FAILED'],
    handler: async ({ req, body }) => {
      const actor = actorOf(req);
      if (Number(body.meetingDate.slice(0, 4)) !== body.year)
        throw new Problem('VALIDATION_FAILED', `the meeting of the ${body.year} session is held in ${body.year}`);
      const latest = await latestApproval(body.meetingDate);
      if (latest < shanghaiDate(await workflowNow(deps))) {
        throw new Problem('MEETING_TOO_SOON', `a meeting on ${body.meetingDate} needs the HRSS approval by ${latest}, which has passed; choose a later date`, {
          latestApprovalOn: latest,
        });
      }
      const { id } = await openSession(deps, actor, body);
      return {
        id,
        year: body.year,
        level: body.level,
        meetingDate: body.meetingDate,
        latestApprovalOn: latest,
        status: 'accepting',
        ballotThreshold: body.ballotThreshold === true,
      };
    },
  });

  defineRoute(router, {
    method: 'get',
    path: '/api/v1/zhejiang/sessions',
    summary: 'Review sessions',
    tags: ['zhejiang'],
    access: { roles: 'any' },
    query: z.object({ year: z.coerce.number().int().optional(), level: Level.optional() }),
    responses: { 200: { description: 'sessions, newest first', schema: z.array(SessionViewSchema) } },
    handler: async ({ query }) => {
      let q = db.selectFrom('zj_session').selectAll();
      if (query.year) q = q.where('year', '=', query.year);
      if (query.level) q = q.where('level', '=', query.level);
      const rows = await q.orderBy('year', 'desc').orderBy('level').execute();
      return Promise.all(
        rows.map(async (s) => ({
          id: s.id,
          year: s.year,
          level: s.level,
          meetingDate: s.meeting_date,
          latestApprovalOn: await latestApproval(s.meeting_date),
          status: s.status,
          ballotThreshold: s.ballot_threshold,
        })),
      );
    },
  });

  defineRoute(router, {
    method: 'get',
    path: '/api/v1/zhejiang/sessions/:id',
    summary: 'A session: status, schedule, applications by status, notices, and after the ballot the results',
    tags: ['zhejiang'],
    access: { roles: 'any' },
    params: Id,
    responses: {
      200: {
        description: 'the session',
        schema: SessionViewSchema.extend({
          applications: z.record(z.string(), z.number()),
          notices: z.array(z.object({ id: z.string(), kind: z.string(), title: z.string(), endsOn: z.string() })),
          attending: z.number().nullable(),
          committeeDrawn: z.boolean().describe('a committee has been drawn (GET …/committee answers 200)'),
          ballotOpenedAt: z.string().nullable(),
          ballotClosedAt: z.string().nullable(),
          results: z.array(ResultRow).nullable(),
          timeline: z.array(z.unknown()),
        }),
      },
    },
    problems: ['NOT_FOUND'],
    handler: async ({ params }) => {
      const s = await loadSession(params.id);
      const [counts, notices, timeline, apps, draw] = await Promise.all([
        db
          .selectFrom('zj_application')
          .select(['status', (eb) => eb.fn.countAll<string>().as('n')])
          .where('session_id', '=', s.id)
          .groupBy('status')
          .execute(),
        db
          .selectFrom('notice')
          .select(['id', 'kind', 'title', 'ends_on'])
          .where('subject_type', '=', 'title_session')
          .where('subject_id', '=', s.id)
          .orderBy('starts_at')
          .execute(),
        db.selectFrom('timeline').selectAll().where('subject_type', '=', 'title_session').where('subject_id', '=', s.id).orderBy('at').orderBy('id').execute(),
        db.selectFrom('zj_application').select(['id', 'application_no', 'applicant_name']).where('session_id', '=', s.id).execute(),
        db.selectFrom('zj_committee_draw').select('draw_no').where('session_id', '=', s.id).limit(1).executeTakeFirst(),
      ]);
      const names = await orgNames(
        db,
        timeline.map((t) => t.org_code),
      );
      const byId = new Map(apps.map((a) => [a.id, a]));
      const stored = s.results as { results: { applicationId: string; yes: number; no: number; abstain: number; attending: number; passed: boolean }[] } | null;
      return {
        ...(await sessionView(s)),
        applications: Object.fromEntries(counts.map((c) => [c.status, Number(c.n)])),
        notices: notices.map((n) => ({ id: n.id, kind: n.kind, title: n.title, endsOn: n.ends_on })),
        attending: s.attending,
        committeeDrawn: draw !== undefined,
        ballotOpenedAt: iso(s.ballot_opened_at),
        ballotClosedAt: iso(s.ballot_closed_at),
        results: stored
          ? stored.results.map((r) => ({ ...r, applicationNo: byId.get(r.applicationId)?.application_no, name: byId.get(r.applicationId)?.applicant_name }))
          : null,
        timeline: timeline.map((t) => timelineView(t, names)),
      };
    },
  });

  const officeStep = (
    path: string,
    summary: string,
    body: z.ZodType,
    call: (s: TitleSession, actor: Actor, body: any) => Promise<unknown>,
    problems: string[],
  ) =>
    defineRoute(router, {
      method: 'post',
      path,
      summary,
      tags: ['zhejiang'],
      access: { roles: ['committee_office'] },
      params: Id,
      body,
      responses: { 200: { description: 'the session after the step took effect', schema: SessionViewSchema } },
      problems,
      handler: async ({ req, params, body: b }) => {
        const s = await loadSession(params.id);
        const v = (await call(s, actorOf(req), b)) as Parameters<typeof sessionView>[1];
        return sessionView(s, v);
      },
    });

  officeStep(
    '/api/v1/zhejiang/sessions/:id/pre-review',
    'Start the pre-review publicity (≥ 5 working days) of the qualified applicants and submit the plan to 省人力社保厅',
    z.object({}).strict(),
    async (s, actor) => {
      const latest = await latestApproval(s.meeting_date);
      if (s.status === 'accepting' && latest < shanghaiDate(await workflowNow(deps))) {
        throw new Problem('MEETING_TOO_SOON', `the plan had to be approved by ${latest} for the meeting on ${s.meeting_date}; move the meeting date first`, {
          latestApprovalOn: latest,
        });
      }
      return sessionCall(s, (h) => h.executeUpdate(startPreReviewUpdate, { args: [{ actor: workflowActor(actor) }] }));
    },
    ['SESSION_STATE', 'MEETING_TOO_SOON'],
  );

  officeStep(
    '/api/v1/zhejiang/sessions/:id/plan',
    'Resubmit the plan to 省人力社保厅 after it was not approved',
    z.object({ comment: z.string().trim().max(2000).optional() }).strict(),
    (s, actor, b) => sessionCall(s, (h) => h.executeUpdate(resubmitPlanUpdate, { args: [{ actor: workflowActor(actor), comment: b.comment }] })),
    ['SESSION_STATE'],
  );

  officeStep(
    '/api/v1/zhejiang/sessions/:id/meeting-date',
    'Move the meeting date (the approval must still come 10 working days before it)',
    z.object({ meetingDate: DateString, reason: Reason }).strict(),
    (s, actor, b) =>
      sessionCall(s, (h) => h.executeUpdate(moveMeetingUpdate, { args: [{ actor: workflowActor(actor), meetingDate: b.meetingDate, reason: b.reason }] })),
    ['SESSION_STATE', 'MEETING_TOO_SOON'],
  );

  officeStep(
    '/api/v1/zhejiang/sessions/:id/attendance',
    'Record who attends the meeting (at least 17 members)',
    z.object({ present: z.array(z.string().min(1).max(64)).min(1).max(200) }).strict(),
    (s, actor, b) => sessionCall(s, (h) => h.executeUpdate(recordAttendanceUpdate, { args: [{ actor: workflowActor(actor), present: b.present }] })),
    ['QUORUM_NOT_MET', 'SESSION_STATE'],
  );

  officeStep(
    '/api/v1/zhejiang/sessions/:id/interviews',
    'Record the interview defence (面试答辩) of a professor-level applicant; the ballot opens when all are recorded',
    z.object({ applicationId: z.string().min(1).max(100), summary: Reason }).strict(),
    (s, actor, b) =>
      sessionCall(s, (h) =>
        h.executeUpdate(recordInterviewUpdate, { args: [{ actor: workflowActor(actor), applicationId: b.applicationId, summary: b.summary }] }),
      ),
    ['SESSION_STATE'],
  );

  return router;
}
