/**
 * The Zhejiang senior-title review over HTTP: sessions, expert pools, applications, the committee draw, the meeting
 * (attendance, interviews, the secret ballot, closing it) and misconduct. Ballots go straight into Postgres, sealed
 * to the session's key (ballotBox.ts), never through Temporal; everything else is an Update of the session or
 * application workflow.
 */
import { Router } from 'express';
import { z } from 'zod';
import { sql } from 'kysely';
import { randomBytes, randomUUID } from 'node:crypto';
import { WorkflowIdReusePolicy, WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError } from '@temporalio/client';
import { defineRoute, registry } from '../platform/http/route';
import { ApplicantInput, DateString } from '../platform/http/schemas';
import { Problem } from '../platform/http/problem';
import { actorOf, hasRole } from '../platform/auth/authenticate';
import { withTemporal } from '../platform/http/temporalErrors';
import { iso, taskView, timelineView } from '../platform/http/views';
import { orgNames } from '../platform/orgs/orgNames';
import type { AppDeps } from '../platform/http/deps';
import type { Actor } from '../platform/tasks/messages';
import { settledStateUpdate } from '../platform/tasks/messages';
import {
  closeBallotUpdate,
  drawCommitteeUpdate,
  moveMeetingUpdate,
  recordAttendanceUpdate,
  recordInterviewUpdate,
  resubmitPlanUpdate,
  startPreReviewUpdate,
} from './workflows/messages';
import type { TitleApplicationInput } from './workflows/titleApplication';
import type { TitleSessionInput } from './workflows/titleSession';
import type { TitleMisconductInput } from './workflows/titleMisconduct';
import type { ZjApplication, ZjSession } from './schema';
import {
  activeBan,
  channelAllowed,
  COMMITTEE_OFFICE_ORG,
  EXPERT_TITLES,
  expertEligibility,
  latestApprovalDay,
  MIN_POOL_SIZE,
  misconductWorkflowId,
  TITLE_CATEGORIES,
  TITLE_CHANNELS,
  TITLE_LEVELS,
  titleApplicationNo,
  titleApplicationWorkflowId,
  titleSessionWorkflowId,
  VOTES,
  type TitleLevel,
} from './rules';
import { drawCommittee, DRAW_ALGORITHM, type DrawApplicant, type DrawMember, type PoolExpert } from './committeeDraw';
import { maskIdNumber } from '../platform/identity/idNumber';
import { shanghaiDate } from '../platform/calendar/workdays';
import { loadCalendar } from '../platform/calendar/calendarTable';
import { castBallot } from './ballotBox';

const Level = z.enum(TITLE_LEVELS).openapi({ description: 'senior = 高级工程师, professor = 正高级工程师' });
const Category = z.enum(TITLE_CATEGORIES).openapi({ description: '安全科学应用 / 安全技术服务 / 安全生产管理' });
const Id = z.object({ id: z.string().min(1).max(100) });
const Reason = z.string().trim().min(1).max(2000);

const SessionBody = registry.register(
  'TitleSessionBody',
  z.object({ year: z.number().int().min(2019).max(2100), level: Level, meetingDate: DateString.openapi({ description: '评审会议日期' }) }).strict(),
);
const SessionViewSchema = z.object({
  id: z.string(),
  year: z.number().int(),
  level: z.string(),
  meetingDate: z.string(),
  latestApprovalOn: z.string().nullable(),
  status: z.string(),
  stage: z.string().optional(),
  ballotOpen: z.boolean().optional(),
  openTaskIds: z.array(z.string()).optional(),
});
const ExpertBody = registry.register(
  'ExpertBody',
  z
    .object({
      name: z.string().trim().min(1).max(50),
      specialty: Category,
      title: z.enum(EXPERT_TITLES).openapi({ description: "the expert's own title: senior (高级) or professor (正高级)" }),
      titleSince: DateString.openapi({ description: 'date the title was obtained' }),
      orgName: z.string().trim().min(1).max(100),
      pool: Level.optional().openapi({ description: 'which pool (default: professor for a professor-level title, else senior)' }),
      username: z.string().trim().max(50).optional().openapi({ description: "the expert's account (role expert), needed to vote" }),
    })
    .strict(),
);
const ExpertView = z.object({
  id: z.string(),
  pool: z.string(),
  name: z.string(),
  specialty: z.string(),
  title: z.string(),
  titleSince: z.string(),
  orgName: z.string(),
  username: z.string().nullable(),
  eligible: z.boolean(),
  ineligibleReason: z.string().nullable(),
});
const ApplicationBody = registry.register(
  'TitleApplicationBody',
  z
    .object({
      sessionId: z.string().min(1).max(100),
      category: Category,
      channel: z.enum(TITLE_CHANNELS).openapi({ description: 'standard 常规 / landmark 标志性业绩 / scored 量化赋分达标 (senior only)' }),
      applicant: ApplicantInput.optional().openapi({ description: 'must be the logged-in applicant if given' }),
      employerOrgCode: z.string().trim().min(1).max(64),
      commitment: z.boolean().openapi({ description: '对所有申报材料的真实性作出承诺 (must be true)' }),
      materials: z.record(z.string(), z.unknown()).optional().openapi({ description: 'achievements, score, papers… (free form)' }),
    })
    .strict(),
);
const ApplicationCreated = z.object({ id: z.string(), applicationNo: z.string(), sessionId: z.string(), level: z.string(), category: z.string(), channel: z.string(), status: z.string(), stage: z.string() });
const BallotBody = registry.register(
  'BallotBody',
  z.object({ votes: z.array(z.object({ applicationId: z.string().min(1).max(100), vote: z.enum(VOTES) }).strict()).min(1).max(500) }).strict(),
);
const ResultRow = z.object({
  applicationId: z.string(),
  applicationNo: z.string().optional(),
  name: z.string().optional(),
  yes: z.number().int(),
  no: z.number().int(),
  abstain: z.number().int(),
  attending: z.number().int(),
  passed: z.boolean(),
});

function mask(actor: Actor, a: ZjApplication): string {
  const own = actor.idNumber === a.applicant_id_number;
  const verifier = actor.orgCode === a.employer_org_code || actor.orgCode === COMMITTEE_OFFICE_ORG;
  return own || verifier ? a.applicant_id_number : maskIdNumber(a.applicant_id_number);
}

export function canSeeApplication(actor: Actor, a: ZjApplication): boolean {
  if (actor.idNumber && actor.idNumber === a.applicant_id_number && actor.roles.includes('applicant')) return true;
  if (a.applicant_user_id != null && actor.userId === a.applicant_user_id) return true;
  if (hasRole(actor, 'admin', 'auditor', 'committee_office', 'hrss_approver')) return true;
  const involved = [a.employer_org_code, a.competent_org_code, a.lower_committee_org_code];
  return actor.orgCode != null && involved.includes(actor.orgCode) && !actor.roles.every((r) => r === 'applicant');
}

export function zhejiangRoutes(deps: AppDeps): Router {
  const router = Router();
  const { db, temporal, config } = deps;

  const calendar = async (from: number, to: number) => (await loadCalendar(db, from, to)).cal;
  async function latestApproval(meetingDate: string): Promise<string> {
    const y = Number(meetingDate.slice(0, 4));
    return latestApprovalDay(meetingDate, await calendar(y - 1, y));
  }

  async function loadSession(id: string): Promise<ZjSession> {
    const s = await db.selectFrom('zj_session').selectAll().where('id', '=', id).executeTakeFirst();
    if (!s) throw new Problem('NOT_FOUND', 'no such session');
    return s;
  }

  /** an Update to a session workflow; a finished session answers SESSION_STATE */
  async function sessionCall<T>(s: ZjSession, fn: (h: ReturnType<typeof temporal.workflow.getHandle>) => Promise<T>): Promise<T> {
    try {
      return await withTemporal(() =>
        fn(temporal.workflow.getHandle(s.workflow_id)).catch((err) => {
          if (err instanceof WorkflowNotFoundError) throw new Problem('SESSION_STATE', `the session is ${s.status}`);
          throw err;
        }),
      );
    } catch (err) {
      throw err;
    }
  }

  async function sessionView(s: ZjSession, v?: { status: string; stage: string; ballotOpen: boolean; openTaskIds: string[]; meetingDate: string; latestApprovalOn: string | null }) {
    const fresh = await loadSession(s.id);
    return {
      id: fresh.id,
      year: fresh.year,
      level: fresh.level,
      meetingDate: v?.meetingDate ?? fresh.meeting_date,
      latestApprovalOn: v?.latestApprovalOn ?? (await latestApproval(fresh.meeting_date)),
      status: v?.status ?? fresh.status,
      ...(v ? { stage: v.stage, ballotOpen: v.ballotOpen, openTaskIds: v.openTaskIds } : {}),
    };
  }

  async function expertOf(actor: Actor) {
    return db.selectFrom('zj_expert').selectAll().where('user_id', '=', actor.userId).executeTakeFirst();
  }

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
      if (Number(body.meetingDate.slice(0, 4)) !== body.year) throw new Problem('VALIDATION_FAILED', `the meeting of the ${body.year} session is held in ${body.year}`);
      const latest = await latestApproval(body.meetingDate);
      if (latest < shanghaiDate(new Date())) {
        throw new Problem('MEETING_TOO_SOON', `a meeting on ${body.meetingDate} needs the HRSS approval by ${latest}, which has passed; choose a later date`, { latestApprovalOn: latest });
      }
      const exists = await db.selectFrom('zj_session').select('id').where('year', '=', body.year).where('level', '=', body.level).executeTakeFirst();
      if (exists) throw new Problem('SESSION_EXISTS', `the ${body.year} ${body.level} session already exists: ${exists.id}`, { sessionId: exists.id });
      const id = randomUUID();
      const workflowId = titleSessionWorkflowId(body.year, body.level);
      const now = new Date();
      try {
        await db.transaction().execute(async (trx) => {
          await trx
            .insertInto('zj_session')
            .values({ id, year: body.year, level: body.level, meeting_date: body.meetingDate, status: 'accepting', workflow_id: workflowId, created_by: actor.username, created_at: now, updated_at: now })
            .execute();
          const input: TitleSessionInput = { sessionId: id, year: body.year, level: body.level, meetingDate: body.meetingDate };
          await withTemporal(() =>
            temporal.workflow.start('titleSessionWorkflow', { taskQueue: config.taskQueue, workflowId, args: [input], workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE }),
          );
        });
      } catch (err) {
        const e = err as { code?: string };
        if (e.code === '23505' || err instanceof WorkflowExecutionAlreadyStartedError) throw new Problem('SESSION_EXISTS', `the ${body.year} ${body.level} session already exists`);
        throw err;
      }
      return { id, year: body.year, level: body.level, meetingDate: body.meetingDate, latestApprovalOn: latest, status: 'accepting' };
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
      return Promise.all(rows.map(async (s) => ({ id: s.id, year: s.year, level: s.level, meetingDate: s.meeting_date, latestApprovalOn: await latestApproval(s.meeting_date), status: s.status })));
    },
  });

  defineRoute(router, {
    method: 'get',
    path: '/api/v1/zhejiang/sessions/:id',
    summary: 'A session: status, schedule, applications by status, notices, and after the ballot the results',
    tags: ['zhejiang'],
    access: { roles: 'any' },
    params: Id,
    responses: { 200: { description: 'the session', schema: SessionViewSchema.extend({ applications: z.record(z.string(), z.number()), notices: z.array(z.object({ id: z.string(), kind: z.string(), title: z.string(), endsOn: z.string() })), attending: z.number().nullable(), ballotOpenedAt: z.string().nullable(), ballotClosedAt: z.string().nullable(), results: z.array(ResultRow).nullable(), timeline: z.array(z.unknown()) }) } },
    problems: ['NOT_FOUND'],
    handler: async ({ params }) => {
      const s = await loadSession(params.id);
      const [counts, notices, timeline, apps] = await Promise.all([
        db.selectFrom('zj_application').select(['status', (eb) => eb.fn.countAll<string>().as('n')]).where('session_id', '=', s.id).groupBy('status').execute(),
        db.selectFrom('notice').select(['id', 'kind', 'title', 'ends_on']).where('subject_type', '=', 'title_session').where('subject_id', '=', s.id).orderBy('starts_at').execute(),
        db.selectFrom('timeline').selectAll().where('subject_type', '=', 'title_session').where('subject_id', '=', s.id).orderBy('at').orderBy('id').execute(),
        db.selectFrom('zj_application').select(['id', 'application_no', 'applicant_name']).where('session_id', '=', s.id).execute(),
      ]);
      const names = await orgNames(db, timeline.map((t) => t.org_code));
      const byId = new Map(apps.map((a) => [a.id, a]));
      const stored = s.results as { results: { applicationId: string; yes: number; no: number; abstain: number; attending: number; passed: boolean }[] } | null;
      return {
        ...(await sessionView(s)),
        applications: Object.fromEntries(counts.map((c) => [c.status, Number(c.n)])),
        notices: notices.map((n) => ({ id: n.id, kind: n.kind, title: n.title, endsOn: n.ends_on })),
        attending: s.attending,
        ballotOpenedAt: iso(s.ballot_opened_at),
        ballotClosedAt: iso(s.ballot_closed_at),
        results: stored ? stored.results.map((r) => ({ ...r, applicationNo: byId.get(r.applicationId)?.application_no, name: byId.get(r.applicationId)?.applicant_name })) : null,
        timeline: timeline.map((t) => timelineView(t, names)),
      };
    },
  });

  const officeStep = (path: string, summary: string, body: z.ZodType, call: (s: ZjSession, actor: Actor, body: any) => Promise<unknown>, problems: string[]) =>
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
      if (s.status === 'accepting' && latest < shanghaiDate(new Date())) {
        throw new Problem('MEETING_TOO_SOON', `the plan had to be approved by ${latest} for the meeting on ${s.meeting_date}; move the meeting date first`, { latestApprovalOn: latest });
      }
      return sessionCall(s, (h) => h.executeUpdate(startPreReviewUpdate, { args: [{ actor }] }));
    },
    ['SESSION_STATE', 'MEETING_TOO_SOON'],
  );

  officeStep(
    '/api/v1/zhejiang/sessions/:id/plan',
    'Resubmit the plan to 省人力社保厅 after it was not approved',
    z.object({ comment: z.string().trim().max(2000).optional() }).strict(),
    (s, actor, b) => sessionCall(s, (h) => h.executeUpdate(resubmitPlanUpdate, { args: [{ actor, comment: b.comment }] })),
    ['SESSION_STATE'],
  );

  officeStep(
    '/api/v1/zhejiang/sessions/:id/meeting-date',
    'Move the meeting date (the approval must still come 10 working days before it)',
    z.object({ meetingDate: DateString, reason: Reason }).strict(),
    (s, actor, b) => sessionCall(s, (h) => h.executeUpdate(moveMeetingUpdate, { args: [{ actor, meetingDate: b.meetingDate, reason: b.reason }] })),
    ['SESSION_STATE', 'MEETING_TOO_SOON'],
  );

  officeStep(
    '/api/v1/zhejiang/sessions/:id/attendance',
    'Record who attends the meeting (at least 17 members)',
    z.object({ present: z.array(z.string().min(1).max(64)).min(1).max(200) }).strict(),
    (s, actor, b) => sessionCall(s, (h) => h.executeUpdate(recordAttendanceUpdate, { args: [{ actor, present: b.present }] })),
    ['QUORUM_NOT_MET', 'SESSION_STATE'],
  );

  officeStep(
    '/api/v1/zhejiang/sessions/:id/interviews',
    'Record the interview defence (面试答辩) of a professor-level applicant; the ballot opens when all are recorded',
    z.object({ applicationId: z.string().min(1).max(100), summary: Reason }).strict(),
    (s, actor, b) => sessionCall(s, (h) => h.executeUpdate(recordInterviewUpdate, { args: [{ actor, applicationId: b.applicationId, summary: b.summary }] })),
    ['SESSION_STATE'],
  );

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
        size: z.number().int().min(17).max(60).default(19).openapi({ description: 'members to draw (≥ 17; draw a few more than 17 so an absence still leaves a quorum)' }),
        reason: z.string().trim().max(500).optional().openapi({ description: 'required for a new draw when a committee exists' }),
      })
      .strict(),
    responses: { 201: { description: 'the committee', schema: z.object({ drawNo: z.number().int(), algorithm: z.string(), seed: z.string(), poolSize: z.number().int(), members: z.array(MemberView) }) } },
    problems: ['POOL_TOO_SMALL', 'SESSION_STATE'],
    handler: async ({ req, params, body }) => {
      const s = await loadSession(params.id);
      const pool = await db.selectFrom('zj_expert').select(['title', 'title_since']).where('pool', '=', s.level).where('active', '=', true).execute();
      const eligible = pool.filter((e) => expertEligibility(s.level, { title: e.title, titleSince: e.title_since }, s.meeting_date).eligible).length;
      if (eligible < MIN_POOL_SIZE) throw new Problem('POOL_TOO_SMALL', `the ${s.level} pool has ${eligible} eligible experts; at least ${MIN_POOL_SIZE} are required`, { eligible });
      const seed = body.seed ?? randomBytes(16).toString('hex');
      const r = await sessionCall(s, (h) => h.executeUpdate(drawCommitteeUpdate, { args: [{ actor: actorOf(req), seed, size: body.size, reason: body.reason ?? null }] }));
      const names = new Map((await db.selectFrom('zj_expert').select(['id', 'name']).where('id', 'in', r.members.map((m) => m.expertId)).execute()).map((e) => [e.id, e.name]));
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
      const rerun = drawCommittee({ seed: d.seed, size: d.size, pool, applicants });
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
      const m = expert ? await db.selectFrom('zj_committee_member').selectAll().where('session_id', '=', s.id).where('expert_id', '=', expert.id).executeTakeFirst() : undefined;
      const voted = expert ? await db.selectFrom('ballot_voter').select('expert_id').where('session_id', '=', s.id).where('expert_id', '=', expert.id).executeTakeFirst() : undefined;
      const cast = await db.selectFrom('ballot_voter').select((eb) => eb.fn.countAll<string>().as('n')).where('session_id', '=', s.id).executeTakeFirstOrThrow();
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
        applicants: m || hasRole(actor, 'committee_office') ? items.map((i) => ({ applicationId: i.id, applicationNo: i.application_no, name: i.applicant_name, category: i.category, employer: i.employer })) : [],
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
      const r = await sessionCall(s, (h) => h.executeUpdate(closeBallotUpdate, { args: [{ actor, expertId: expert.id }] }));
      const apps = new Map((await db.selectFrom('zj_application').select(['id', 'application_no', 'applicant_name']).where('session_id', '=', s.id).execute()).map((a) => [a.id, a]));
      return { results: r.results.map((x) => ({ ...x, applicationNo: apps.get(x.applicationId)?.application_no, name: apps.get(x.applicationId)?.applicant_name })) };
    },
  });

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
        if (!u || !u.roles.includes('expert')) throw new Problem('VALIDATION_FAILED', `no expert account ${body.username}`);
        userId = u.id;
      }
      const id = `EXP-${pool === 'senior' ? 'S' : 'P'}-${randomBytes(4).toString('hex').toUpperCase()}`;
      try {
        await db
          .insertInto('zj_expert')
          .values({ id, pool, name: body.name, specialty: body.specialty, title: body.title, title_since: body.titleSince, org_name: body.orgName, user_id: userId, added_by: actor.username })
          .execute();
      } catch (err) {
        if ((err as { code?: string }).code === '23505') throw new Problem('VALIDATION_FAILED', 'that account is already linked to an expert');
        throw err;
      }
      return { id, pool, name: body.name, specialty: body.specialty, title: body.title, titleSince: body.titleSince, orgName: body.orgName, username: body.username ?? null, eligible: true, ineligibleReason: null };
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
      let q = db.selectFrom('zj_expert').leftJoin('app_user', 'app_user.id', 'zj_expert.user_id').selectAll('zj_expert').select('app_user.username').where('active', '=', true);
      if (query.pool) q = q.where('pool', '=', query.pool);
      if (query.specialty) q = q.where('specialty', '=', query.specialty);
      const today = shanghaiDate(new Date());
      return (await q.orderBy('zj_expert.id').execute()).map((e) => {
        const el = expertEligibility(e.pool, { title: e.title, titleSince: e.title_since }, today);
        return { id: e.id, pool: e.pool, name: e.name, specialty: e.specialty, title: e.title, titleSince: e.title_since, orgName: e.org_name, username: e.username ?? null, eligible: el.eligible, ineligibleReason: el.reason ?? null };
      });
    },
  });

  // ---- applications ---------------------------------------------------------------------------------------------
  defineRoute(router, {
    method: 'post',
    path: '/api/v1/zhejiang/applications',
    summary: 'Apply for the senior / professor-level title in a session, for your own identity, with the truthfulness commitment',
    tags: ['zhejiang'],
    access: { roles: ['applicant'] },
    body: ApplicationBody,
    responses: { 201: { description: 'the application, at unit recommendation', schema: ApplicationCreated } },
    problems: ['NOT_ELIGIBLE', 'IDENTITY_MISMATCH', 'DUPLICATE_APPLICATION', 'NOT_FOUND'],
    handler: async ({ req, body }) => {
      const actor = actorOf(req);
      const user = await db.selectFrom('app_user').selectAll().where('id', '=', actor.userId).executeTakeFirst();
      if (!user?.id_number) throw new Problem('IDENTITY_MISMATCH', 'your account has no verified identity; register as an applicant');
      if (body.applicant && (body.applicant.idNumber !== user.id_number || body.applicant.name !== user.display_name)) {
        throw new Problem('IDENTITY_MISMATCH', 'an application is always for the logged-in applicant: name and ID number must be yours');
      }
      const session = await db.selectFrom('zj_session').selectAll().where('id', '=', body.sessionId).executeTakeFirst();
      if (!session) throw new Problem('NOT_FOUND', 'no such session');
      const employer = await db
        .selectFrom('org')
        .leftJoin('zj_unit', 'zj_unit.org_code', 'org.code')
        .select(['org.code', 'org.name', 'org.type', 'zj_unit.competent_org_code', 'zj_unit.lower_committee_org_code'])
        .where('org.code', '=', body.employerOrgCode)
        .executeTakeFirst();
      const reasons: string[] = [];
      const extra: Record<string, unknown> = {};
      if (!employer || employer.type !== 'enterprise' || !employer.competent_org_code) reasons.push('UNKNOWN_EMPLOYER');
      if (session.status !== 'accepting') reasons.push('SESSION_CLOSED');
      if (!channelAllowed(session.level, body.channel)) reasons.push('CHANNEL_NOT_ALLOWED');
      if (body.commitment !== true) reasons.push('COMMITMENT_REQUIRED');
      const bans = await db.selectFrom('title_ban').selectAll().where('id_number', '=', user.id_number).execute();
      const ban = activeBan(bans, session.year);
      if (ban) {
        reasons.push('BANNED');
        extra.banEndsYear = ban.to_year;
        extra.banFromYear = ban.from_year;
      }
      if (reasons.length) throw new Problem('NOT_ELIGIBLE', `not eligible: ${reasons.join(', ')}${ban ? ` (barred from applying until the end of ${ban.to_year})` : ''}`, { reasons, ...extra });
      const dup = await db
        .selectFrom('zj_application')
        .innerJoin('zj_session', 'zj_session.id', 'zj_application.session_id')
        .select(['application_no', 'zj_application.status'])
        .where('applicant_id_number', '=', user.id_number)
        .where('zj_session.year', '=', session.year)
        .where('zj_application.status', 'not in', ['rejected', 'withdrawn', 'deferred'])
        .executeTakeFirst();
      if (dup) throw new Problem('DUPLICATE_APPLICATION', `you already applied in ${session.year}: ${dup.application_no} (${dup.status})`);

      const id = randomUUID();
      const now = new Date();
      const level = session.level;
      const created = await db
        .transaction()
        .execute(async (trx) => {
          const seq = await trx
            .insertInto('sequence')
            .values({ name: `zj-${level}-${session.year}`, value: 1 })
            .onConflict((oc) => oc.column('name').doUpdateSet({ value: sql`sequence.value + 1` }))
            .returning('value')
            .executeTakeFirstOrThrow();
          const applicationNo = titleApplicationNo(level, session.year, seq.value);
          const workflowId = titleApplicationWorkflowId(applicationNo);
          const lower = level === 'senior' ? employer!.lower_committee_org_code : null;
          await trx
            .insertInto('zj_application')
            .values({
              id,
              application_no: applicationNo,
              session_id: session.id,
              level,
              category: body.category,
              channel: body.channel,
              workflow_id: workflowId,
              applicant_user_id: user.id,
              applicant_name: user.display_name,
              applicant_id_number: user.id_number!,
              applicant_phone: body.applicant?.phone ?? user.phone ?? '',
              employer_org_code: employer!.code,
              competent_org_code: employer!.competent_org_code!,
              lower_committee_org_code: lower,
              materials: JSON.stringify(body.materials ?? {}),
              commitment_at: now,
              status: 'unit_recommendation',
              stage: 'unit_recommendation',
              submitted_at: now,
              updated_at: now,
            })
            .execute();
          const input: TitleApplicationInput = {
            applicationId: id,
            applicationNo,
            sessionId: session.id,
            level,
            category: body.category,
            channel: body.channel,
            applicantIdNumber: user.id_number!,
            applicantName: user.display_name,
            employerOrgCode: employer!.code,
            employerName: employer!.name,
            competentOrgCode: employer!.competent_org_code!,
            lowerCommitteeOrgCode: lower,
          };
          await withTemporal(() =>
            temporal.workflow.start('titleApplicationWorkflow', { taskQueue: config.taskQueue, workflowId, args: [input], workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE }),
          );
          return { applicationNo, workflowId };
        })
        .catch((err) => {
          const e = err as { code?: string; constraint?: string };
          if (e.code === '23505' && e.constraint === 'zj_application_one_per_session') throw new Problem('DUPLICATE_APPLICATION', 'you already have an application in this session');
          throw err;
        });
      // answer once the first task is in the unit's inbox
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        temporal.workflow.getHandle(created.workflowId).executeUpdate(settledStateUpdate).catch(() => undefined),
        new Promise((resolve) => (timer = setTimeout(resolve, 10_000))),
      ]);
      clearTimeout(timer);
      return { id, applicationNo: created.applicationNo, sessionId: session.id, level, category: body.category, channel: body.channel, status: 'unit_recommendation', stage: 'unit_recommendation' };
    },
  });

  defineRoute(router, {
    method: 'get',
    path: '/api/v1/zhejiang/applications',
    summary: 'Title applications: an applicant sees their own, clerks those of their organisation, the office all',
    tags: ['zhejiang'],
    access: { roles: 'any' },
    query: z.object({ sessionId: z.string().max(100).optional(), status: z.string().max(40).optional() }),
    responses: { 200: { description: 'applications', schema: z.array(ApplicationCreated.extend({ applicantName: z.string(), submittedAt: z.string() })) } },
    handler: async ({ req, query }) => {
      const actor = actorOf(req);
      let q = db.selectFrom('zj_application').selectAll();
      if (!hasRole(actor, 'admin', 'auditor', 'committee_office', 'hrss_approver')) {
        q = q.where((eb) =>
          eb.or([
            eb('applicant_id_number', '=', actor.idNumber ?? '-'),
            ...(actor.orgCode && !actor.roles.every((r) => r === 'applicant')
              ? [eb('employer_org_code', '=', actor.orgCode), eb('competent_org_code', '=', actor.orgCode), eb('lower_committee_org_code', '=', actor.orgCode)]
              : []),
          ]),
        );
      }
      if (query.sessionId) q = q.where('session_id', '=', query.sessionId);
      if (query.status) q = q.where('status', '=', query.status);
      const rows = await q.orderBy('submitted_at', 'desc').limit(500).execute();
      return rows.map((a) => ({ id: a.id, applicationNo: a.application_no, sessionId: a.session_id, level: a.level, category: a.category, channel: a.channel, status: a.status, stage: a.stage, applicantName: a.applicant_name, submittedAt: iso(a.submitted_at)! }));
    },
  });

  async function loadVisibleApplication(actor: Actor, idOrNo: string): Promise<ZjApplication> {
    const a = await db
      .selectFrom('zj_application')
      .selectAll()
      .where((eb) => eb.or([eb('id', '=', idOrNo), eb('application_no', '=', idOrNo)]))
      .executeTakeFirst();
    if (!a || !canSeeApplication(actor, a)) throw new Problem('NOT_FOUND', 'no such application');
    return a;
  }

  defineRoute(router, {
    method: 'get',
    path: '/api/v1/zhejiang/applications/:id',
    summary: 'An application: status, stage, timeline, tasks, and after the meeting its result (never an individual vote)',
    tags: ['zhejiang'],
    access: { roles: 'any' },
    params: Id,
    responses: { 200: { description: 'the application', schema: z.record(z.string(), z.unknown()) } },
    problems: ['NOT_FOUND'],
    handler: async ({ req, params }) => {
      const actor = actorOf(req);
      const a = await loadVisibleApplication(actor, params.id);
      const [session, timeline, tasks, grant, ban] = await Promise.all([
        db.selectFrom('zj_session').selectAll().where('id', '=', a.session_id).executeTakeFirstOrThrow(),
        db.selectFrom('timeline').selectAll().where('subject_type', '=', 'title_application').where('subject_id', '=', a.id).orderBy('at').orderBy('id').execute(),
        db.selectFrom('task').selectAll().where('subject_type', '=', 'title_application').where('subject_id', '=', a.id).orderBy('opened_at').execute(),
        db.selectFrom('title_grant').select(['certificate_code', sql<string>`granted_on::text`.as('granted_on'), 'revoked_at', 'revoked_reason']).where('application_id', '=', a.id).executeTakeFirst(),
        db.selectFrom('title_ban').select(['from_year', 'to_year']).where('application_id', '=', a.id).executeTakeFirst(),
      ]);
      const names = await orgNames(db, [a.employer_org_code, a.competent_org_code, a.lower_committee_org_code, ...timeline.map((t) => t.org_code)]);
      const y = Number(shanghaiDate(new Date()).slice(0, 4));
      const cal = await calendar(y - 1, y + 1);
      const org = (code: string | null) => (code ? { code, name: names.get(code) ?? code } : null);
      return {
        id: a.id,
        applicationNo: a.application_no,
        session: { id: session.id, year: session.year, level: session.level, meetingDate: session.meeting_date, status: session.status },
        level: a.level,
        category: a.category,
        channel: a.channel,
        status: a.status,
        stage: a.stage,
        applicant: { name: a.applicant_name, idNumber: mask(actor, a), phone: a.applicant_phone },
        employer: org(a.employer_org_code),
        competentOrg: org(a.competent_org_code),
        lowerCommitteeOrg: org(a.lower_committee_org_code),
        materials: a.materials,
        commitmentAt: iso(a.commitment_at),
        submittedAt: iso(a.submitted_at),
        closedAt: iso(a.closed_at),
        closeReason: a.close_reason,
        interview: a.interview ? { recorded: true, ...(hasRole(actor, 'committee_office', 'admin', 'auditor') ? a.interview : {}) } : null,
        // the count of the whole committee only: nobody's individual vote exists to be shown
        result: a.result,
        certificate: grant ? { code: grant.certificate_code, grantedOn: grant.granted_on, revokedAt: iso(grant.revoked_at), revokedReason: grant.revoked_reason } : null,
        ban: ban ? { fromYear: ban.from_year, toYear: ban.to_year } : null,
        timeline: timeline.map((t) => timelineView(t, names)),
        tasks: tasks.map((t) => taskView(t, cal)),
      };
    },
  });

  defineRoute(router, {
    method: 'post',
    path: '/api/v1/zhejiang/applications/:id/misconduct',
    summary: '第十七条 misconduct: withdraw the application, ban the person for 3 years from next year, revoke a granted title, publicise it',
    tags: ['zhejiang'],
    access: { roles: ['committee_office'] },
    params: Id,
    body: z.object({ reason: Reason }).strict(),
    responses: { 200: { description: 'the decision', schema: z.object({ applicationId: z.string(), status: z.literal('withdrawn'), ban: z.object({ fromYear: z.number().int(), toYear: z.number().int() }), revokedCertificate: z.string().nullable() }) } },
    problems: ['NOT_FOUND', 'ALREADY_WITHDRAWN'],
    handler: async ({ req, params, body }) => {
      const actor = actorOf(req);
      const a = await loadVisibleApplication(actor, params.id);
      if (a.status === 'withdrawn') throw new Problem('ALREADY_WITHDRAWN');
      const session = await db.selectFrom('zj_session').select('workflow_id').where('id', '=', a.session_id).executeTakeFirstOrThrow();
      const input: TitleMisconductInput = { applicationId: a.id, reason: body.reason, decidedBy: actor.username, applicationWorkflowId: a.workflow_id, sessionWorkflowId: session.workflow_id };
      const out = await withTemporal(async () => {
        try {
          const h = await temporal.workflow.start('titleMisconductWorkflow', { taskQueue: config.taskQueue, workflowId: misconductWorkflowId(a.id), args: [input], workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE });
          return (await h.result()) as { banFromYear: number; banToYear: number; revokedCertificate: string | null };
        } catch (err) {
          if (err instanceof WorkflowExecutionAlreadyStartedError) throw new Problem('ALREADY_WITHDRAWN', 'a misconduct decision on this application is already recorded');
          throw err;
        }
      });
      return { applicationId: a.id, status: 'withdrawn' as const, ban: { fromYear: out.banFromYear, toYear: out.banToYear }, revokedCertificate: out.revokedCertificate };
    },
  });

  return router;
}
