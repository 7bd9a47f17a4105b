/**
 * The one inbox for every human step of every workflow, and the decision endpoint that sends a
 * `decide` Update and answers with the state the workflow committed.
 */
import { Router } from 'express';
import { z } from 'zod';
import { defineRoute } from '../http/route';
import { DecisionResult, TaskQuery, TaskView, type DecisionInputBody } from '../http/schemas';
import { decisionBodySchema } from './decisionBody';
import { Problem } from '../http/problem';
import { actorOf, hasRole } from '../auth/authenticate';
import { taskView } from '../http/views';
import type { AppDeps } from '../http/deps';
import type { Task } from '../../db/schema';
import type { Actor } from './messages';
import { displayCalendar } from '../calendar/calendarTable';
import { shanghaiDate } from '../calendar/workdays';
import { findSubjects, subjectProvider, subjectProviders } from '../plugins/registry';
import { normaliseTaskId } from './taskIds';
import { decideTask } from './decideTask';
import { canReadSubject, listMaterials } from '../materials/useCases';
import { MaterialListItem } from '../materials/routes';

export { canDecide } from './access';
import { canDecide } from './access';

/** An inbox row: the task, the applicant's name and what is applied for (fields added to the Task contract). */
const InboxTask = TaskView.extend({
  applicantName: z.string().nullable().describe("the applicant's name"),
  subjectKind: z
    .string()
    .nullable()
    .describe("what is applied for: a claim's kind (certificate, shortage_talent, high_level), title_application, or another domain's kind"),
  titleLevel: z.string().nullable().describe('the level applied for, where the subject has one (a title application: senior, professor)'),
});

export function taskRoutes(deps: AppDeps): Router {
  const router = Router();
  const { db } = deps;

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
    responses: { 200: { description: 'tasks, oldest open first', schema: z.array(InboxTask) } },
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
        const byName = subjectProviders().flatMap((p) => (p.idsByApplicantName ? [p.idsByApplicantName(db, like)] : []));
        q = q.where((eb) => eb.or([eb('subject_ref', '=', query.q!), ...byName.map((ids) => eb('subject_id', 'in', ids))]));
      }
      const [rows, total, cal] = await Promise.all([
        q
          .selectAll()
          .orderBy('opened_at', query.state === 'open' ? 'asc' : 'desc')
          .orderBy('id')
          .limit(query.limit)
          .offset(query.offset)
          .execute(),
        q.select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirst(),
        currentCalendar(),
      ]);
      res.setHeader('X-Total-Count', String(total?.n ?? 0));
      const subjects = await inboxSubjects(rows.map((t) => t.subject_id));
      return rows.map((t) => ({ ...taskView(t, cal), ...(subjects.get(t.subject_id) ?? { applicantName: null, subjectKind: null, titleLevel: null }) }));
    },
  });

  /**
   * What the inbox shows of each task's subject: the applicant's name (the clerks of the organisation whose task it
   * is see it on the task page too) and what is applied for (a claim's kind, or a title application and its level).
   */
  async function inboxSubjects(ids: string[]): Promise<Map<string, { applicantName: string; subjectKind: string; titleLevel: string | null }>> {
    const out = new Map<string, { applicantName: string; subjectKind: string; titleLevel: string | null }>();
    for (const s of (await findSubjects(db, ids)).values())
      out.set(s.id, { applicantName: s.applicantName, subjectKind: s.level ? s.type : s.kind, titleLevel: s.level });
    return out;
  }

  async function visibleTask(actor: Actor, id: string): Promise<Task> {
    const t = await db.selectFrom('task').selectAll().where('id', '=', normaliseTaskId(id)).executeTakeFirst();
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
    responses: {
      200: {
        description: 'the task',
        schema: TaskView.extend({
          subjectSummary: z.record(z.string(), z.unknown()).nullable(),
          materials: z.array(MaterialListItem).openapi({ description: "the subject's materials, to the clerks whose task concerns it" }),
        }),
      },
    },
    problems: ['NOT_FOUND', 'NOT_YOUR_TASK'],
    handler: async ({ req, params }) => {
      const viewer = actorOf(req);
      const t = await visibleTask(viewer, params.id);
      const provider = subjectProvider(t.subject_type);
      const subjectSummary = (await provider?.taskSummary?.(db, t, viewer, canDecide(viewer, t))) ?? null;
      // materials belong to subjects with an applicant (claims, applications), not to a session
      const materials =
        provider?.find && (await canReadSubject(db, viewer, t.subject_type, t.subject_id)) ? await listMaterials(db, t.subject_type, t.subject_id) : [];
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
    body: decisionBodySchema(),
    responses: { 200: { description: 'the decided task and its subject after the decision took effect', schema: DecisionResult } },
    problems: ['NOT_YOUR_TASK', 'TASK_ALREADY_DECIDED', 'TASK_PAUSED', 'INVALID_DECISION', 'IDEMPOTENCY_KEY_REUSED', 'TEMPORAL_UNAVAILABLE'],
    handler: async ({ req, res, params, body }) => {
      const out = await decideTask(deps, actorOf(req), params.id, body as DecisionInputBody, req.header('Idempotency-Key'));
      if ('replay' in out) {
        res.setHeader('Idempotent-Replayed', 'true');
        res.status(out.replay.status).json(out.replay.body);
        return undefined;
      }
      out.stored?.catch((err) => req.log.warn({ err }, "a decision's answer was not stored for its Idempotency-Key (a retry asks the workflow)"));
      if (out.replayed) res.setHeader('Idempotent-Replayed', 'true');
      if (out.workflowId) res.locals.workflowId = out.workflowId;
      return out.result;
    },
  });

  return router;
}
