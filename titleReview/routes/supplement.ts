/**
 * The applicant answers a request for supplementary materials (补正) on a title task (competent department or
 * qualification review): the paused task resumes with the working days it had left, as on Nanxun claims.
 */
import { Router } from 'express';
import { z } from 'zod';
import { defineRoute } from '../../platform/http/route';
import { SupplementBody, DecisionResult } from '../../platform/http/schemas';
import { Problem } from '../../platform/http/problem';
import { actorOf } from '../../platform/auth/authenticate';
import { withTemporal } from '../../platform/http/temporalErrors';
import { taskView } from '../../platform/http/views';
import type { AppDeps } from '../../platform/http/deps';
import { resubmitUpdate } from '../../platform/tasks/messages';
import { shanghaiDate } from '../../platform/calendar/workdays';
import { displayCalendar } from '../../platform/calendar/calendarTable';
import { workflowActor } from '../../platform/identity/personRef';

export function titleSupplementRoutes(deps: AppDeps): Router {
  const router = Router();
  const { db, temporal } = deps;

  defineRoute(router, {
    method: 'post',
    path: '/api/v1/zhejiang/applications/:id/supplement',
    summary: 'The applicant supplies the materials a reviewer asked for on a title application; the paused task resumes',
    tags: ['zhejiang'],
    access: { roles: ['applicant'] },
    params: z.object({ id: z.string().max(64) }),
    body: SupplementBody,
    responses: { 200: { description: 'the resumed task and the application state', schema: DecisionResult } },
    problems: ['NOT_FOUND', 'TASK_NOT_PAUSED', 'NOT_YOUR_TASK'],
    handler: async ({ req, params, body }) => {
      const actor = actorOf(req);
      const app = /^[0-9a-f-]{36}$/i.test(params.id)
        ? await db.selectFrom('zj_application').select(['id', 'applicant_id_number']).where('id', '=', params.id).executeTakeFirst()
        : undefined;
      // not telling a stranger whether an application exists
      if (!app || !actor.idNumber || app.applicant_id_number !== actor.idNumber) throw new Problem('NOT_FOUND', 'no such application');
      const paused = await db
        .selectFrom('task')
        .selectAll()
        .where('subject_type', '=', 'title_application')
        .where('subject_id', '=', app.id)
        .where('state', '=', 'paused')
        .executeTakeFirst();
      if (!paused) throw new Problem('TASK_NOT_PAUSED', 'no reviewer is waiting for materials on this application');
      const state = await withTemporal(() =>
        temporal.workflow
          .getHandle(paused.workflow_id)
          .executeUpdate(resubmitUpdate, { args: [{ taskId: paused.id, actor: workflowActor(actor), comment: body.comment, changes: body.changes }] }),
      );
      const task = await db.selectFrom('task').selectAll().where('id', '=', paused.id).executeTakeFirstOrThrow();
      const year = Number(shanghaiDate(new Date()).slice(0, 4));
      return { task: taskView(task, await displayCalendar(db, year - 1, year + 1)), subject: { status: state.status, stage: state.stage } };
    },
  });
  return router;
}
