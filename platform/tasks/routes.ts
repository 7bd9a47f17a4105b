/**
 * The one inbox for every human step of every workflow, and the decision endpoint that sends a
 * `decide` Update and answers with the state the workflow committed.
 */
import { Router } from 'express';
import { z } from 'zod';
import { createHash } from 'node:crypto';
import { defineRoute } from '../http/route';
import { DecisionBody, DecisionResult, TaskQuery, TaskView } from '../http/schemas';
import { Problem } from '../http/problem';
import { actorOf, hasRole } from '../auth/authenticate';
import { withTemporal } from '../http/temporalErrors';
import { taskView } from '../http/views';
import type { AppDeps } from '../http/deps';
import type { Task } from '../../db/schema';
import type { Actor } from './messages';
import { decideUpdate } from './messages';
import { displayCalendar } from '../calendar/calendarTable';
import { shanghaiDate } from '../calendar/workdays';
import { maskIdNumber } from '../identity/idNumber';
import { titleSubjectSummary } from '../../titleReview/summary';
import { canReadSubject, listMaterials, recordSupplementRequest } from '../materials/useCases';
import { MaterialListItem } from '../materials/routes';

/** A clerk sees the tasks of their own organisation and role, never one about themselves. */
export function canDecide(actor: Actor, t: Task): boolean {
  return actor.orgCode === t.org_code && actor.roles.includes(t.role) && !(actor.idNumber && actor.idNumber === t.subject_person_id);
}

export function taskRoutes(deps: AppDeps): Router {
  const router = Router();
  const { db, temporal } = deps;

  const currentCalendar = async () => {
    const year = Number(shanghaiDate(new Date()).slice(0, 4));
    return displayCalendar(db, year - 1, year + 1);
  };

  defineRoute(router, {
    method: 'get',
    path: '/api/v1/tasks',
    summary: "Your organisation's tasks (X-Total-Count gives the total)",
    tags: ['tasks'],
    access: { roles: 'any' },
    query: TaskQuery,
    responses: { 200: { description: 'tasks, oldest open first', schema: z.array(TaskView) } },
    handler: async ({ req, res, query }) => {
      const actor = actorOf(req);
      if (!actor.orgCode) return [];
      let q = db
        .selectFrom('task')
        .where('org_code', '=', actor.orgCode)
        .where('role', 'in', actor.roles.length ? actor.roles : ['-'])
        .where((eb) => eb.or([eb('subject_person_id', 'is', null), eb('subject_person_id', '<>', actor.idNumber ?? '-')]));
      if (query.state !== 'all') q = q.where('state', '=', query.state === 'open' ? 'open' : query.state);
      if (query.kind) q = q.where('kind', '=', query.kind);
      if (query.q) {
        const like = `%${query.q.replace(/[%_\\]/g, '\\$&')}%`;
        q = q.where((eb) =>
          eb.or([
            eb('subject_ref', '=', query.q!),
            eb('subject_id', 'in', eb.selectFrom('claim').select('id').where('applicant_name', 'like', like)),
            eb('subject_id', 'in', eb.selectFrom('zj_application').select('id').where('applicant_name', 'like', like)),
          ]),
        );
      }
      const [rows, total, cal] = await Promise.all([
        q.selectAll().orderBy('opened_at', query.state === 'open' ? 'asc' : 'desc').orderBy('id').limit(query.limit).offset(query.offset).execute(),
        q.select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirst(),
        currentCalendar(),
      ]);
      res.setHeader('X-Total-Count', String(total?.n ?? 0));
      return rows.map((t) => taskView(t, cal));
    },
  });

  async function visibleTask(actor: Actor, id: string): Promise<Task> {
    const t = await db.selectFrom('task').selectAll().where('id', '=', id).executeTakeFirst();
    if (!t) throw new Problem('NOT_FOUND', 'no such task');
    if (!canDecide(actor, t) && !hasRole(actor, 'admin', 'auditor')) throw new Problem('NOT_YOUR_TASK');
    return t;
  }

  defineRoute(router, {
    method: 'get',
    path: '/api/v1/tasks/:id',
    summary: 'A task and a summary of its subject',
    tags: ['tasks'],
    access: { roles: 'any' },
    params: z.object({ id: z.string().max(200) }),
    responses: { 200: { description: 'the task', schema: TaskView.extend({ subjectSummary: z.record(z.string(), z.unknown()).nullable(), materials: z.array(MaterialListItem).openapi({ description: "the subject's materials, to the clerks whose task concerns it" }) }) } },
    problems: ['NOT_FOUND', 'NOT_YOUR_TASK'],
    handler: async ({ req, params }) => {
      const viewer = actorOf(req);
      const t = await visibleTask(viewer, params.id);
      let subjectSummary: Record<string, unknown> | null = null;
      if (t.subject_type === 'nanxun_claim') {
        const c = await db.selectFrom('claim').selectAll().where('id', '=', t.subject_id).executeTakeFirst();
        if (c) {
          subjectSummary = {
            applicationNo: c.application_no,
            kind: c.kind,
            status: c.status,
            stage: c.stage,
            applicantName: c.applicant_name,
            // only the clerks who verify identity (employer, bureau) see the full number
            // (and only to the clerk who decides it: oversight roles see it masked)
            applicantIdNumber: ['unit_verification', 'bureau_review'].includes(t.kind) && canDecide(viewer, t) ? c.applicant_id_number : maskIdNumber(c.applicant_id_number),
            employerOrgCode: c.employer_org_code,
            level: c.level,
            amountYuan: c.amount_yuan,
            form: c.form,
          };
        }
      }
      if (!subjectSummary) subjectSummary = await titleSubjectSummary(db, t, viewer);
      const subjectType = t.subject_type === 'nanxun_claim' || t.subject_type === 'title_application' ? t.subject_type : null;
      const materials = subjectType && (await canReadSubject(db, viewer, subjectType, t.subject_id)) ? await listMaterials(db, subjectType, t.subject_id) : [];
      return { ...taskView(t, await currentCalendar()), subjectSummary, materials };
    },
  });

  defineRoute(router, {
    method: 'post',
    path: '/api/v1/tasks/:id/decision',
    summary: 'Decide a task; answers with the state the workflow committed. Idempotency-Key repeats the first result.',
    tags: ['tasks'],
    access: { roles: 'any' },
    params: z.object({ id: z.string().max(200) }),
    body: DecisionBody,
    responses: { 200: { description: 'the decided task and its subject after the decision took effect', schema: DecisionResult } },
    problems: ['NOT_YOUR_TASK', 'TASK_ALREADY_DECIDED', 'TASK_PAUSED', 'INVALID_DECISION', 'IDEMPOTENCY_KEY_REUSED', 'TEMPORAL_UNAVAILABLE'],
    handler: async ({ req, res, params, body }) => {
      const actor = actorOf(req);
      const key = req.header('Idempotency-Key')?.trim();
      if (key !== undefined && (key.length === 0 || key.length > 200)) throw new Problem('VALIDATION_FAILED', 'Idempotency-Key must be 1–200 characters');
      const requestHash = createHash('sha256').update(JSON.stringify({ task: params.id, body })).digest('hex');
      // The key is reserved before the Update is sent, so a retry after a lost answer (the request deadline, a
      // crash) knows that an earlier attempt may have been taken: it then answers with the committed state.
      let reserved = false;
      if (key) {
        const prior = await db.selectFrom('idempotency').selectAll().where('user_id', '=', actor.userId).where('key', '=', key).executeTakeFirst();
        if (prior && prior.request_hash !== requestHash) throw new Problem('IDEMPOTENCY_KEY_REUSED');
        if (prior && prior.status_code !== IN_PROGRESS) {
          res.setHeader('Idempotent-Replayed', 'true');
          res.status(prior.status_code).json(prior.response);
          return undefined;
        }
        reserved = !!prior;
        if (!prior) {
          await db
            .insertInto('idempotency')
            .values({ user_id: actor.userId, key, request_hash: requestHash, status_code: IN_PROGRESS, response: JSON.stringify({ inProgress: true }) })
            .onConflict((oc) => oc.columns(['user_id', 'key']).doNothing())
            .execute();
        }
      }
      const remember = async (result: unknown) => {
        if (key) await db.updateTable('idempotency').set({ status_code: 200, response: JSON.stringify(result) }).where('user_id', '=', actor.userId).where('key', '=', key).execute();
        return result;
      };
      try {
        const t = await db.selectFrom('task').selectAll().where('id', '=', params.id).executeTakeFirst();
        if (!t) throw new Problem('NOT_FOUND', 'no such task');
        if (!canDecide(actor, t)) throw new Problem('NOT_YOUR_TASK');
        if (reserved && t.state === 'done' && t.decided_by === actor.username) {
          // an earlier attempt with this key was taken; its answer was lost
          const subject = await subjectState(t);
          if (subject) {
            res.setHeader('Idempotent-Replayed', 'true');
            return await remember({ task: taskView(t, await currentCalendar()), subject });
          }
        }
        if (t.state === 'done' || t.state === 'cancelled') throw new Problem('TASK_ALREADY_DECIDED', `decided ${t.decision ?? t.state} by ${t.decided_by ?? 'the system'}`);
        if (t.state === 'paused') throw new Problem('TASK_PAUSED');
        res.locals.workflowId = t.workflow_id;

        const { decision, comment, missingKinds, ...fields } = body;
        // the kinds asked for are kept outside the workflow; the request's timeline row names them (0025_materials)
        if (decision === 'request_supplement') await recordSupplementRequest(db, t, missingKinds, actor.username);
        // the update id makes a retried request with the same key one update in the workflow too
        const updateId = key ? `idem-${createHash('sha256').update(`${actor.userId}:${key}`).digest('hex').slice(0, 32)}` : undefined;
        const state = await withTemporal(() =>
          temporal.workflow.getHandle(t.workflow_id).executeUpdate(decideUpdate, {
            args: [{ taskId: t.id, actor, decision, comment, fields }],
            ...(updateId ? { updateId } : {}),
          }),
        );
        const decided = await db.selectFrom('task').selectAll().where('id', '=', t.id).executeTakeFirstOrThrow();
        return await remember({ task: taskView(decided, await currentCalendar()), subject: { status: state.status, stage: state.stage } });
      } catch (err) {
        // a refusal is final and frees the key; an unknown outcome (503) keeps it reserved for the retry
        if (key && err instanceof Problem && err.status !== 503) {
          await db.deleteFrom('idempotency').where('user_id', '=', actor.userId).where('key', '=', key).where('status_code', '=', IN_PROGRESS).execute();
        }
        throw err;
      }
    },
  });

  /** the subject's committed status and stage, as a decision's answer shows them (claims and title applications) */
  async function subjectState(t: Task): Promise<{ status: string; stage: string } | null> {
    if (t.subject_type === 'nanxun_claim') return (await db.selectFrom('claim').select(['status', 'stage']).where('id', '=', t.subject_id).executeTakeFirst()) ?? null;
    if (t.subject_type === 'title_application') return (await db.selectFrom('zj_application').select(['status', 'stage']).where('id', '=', t.subject_id).executeTakeFirst()) ?? null;
    return null;
  }

  return router;
}

/** status_code of a reserved Idempotency-Key whose request has not answered yet (HTTP 102 Processing) */
const IN_PROGRESS = 102;
