/**
 * Administration: the working-day calendar. Loading a year recomputes the provisional deadlines of
 * running workflows (a signal to each affected workflow).
 */
import { Router } from 'express';
import { z } from 'zod';
import { defineRoute } from '../http/route';
import { CalendarYearBody } from '../http/schemas';
import { Problem } from '../http/problem';
import { actorOf } from '../auth/authenticate';
import type { AppDeps } from '../http/deps';
import { clearDisplayCalendar, loadCalendarYear, officialYearInput } from './calendarTable';
import { calendarChangedSignal } from '../tasks/messages';
import { isUnavailable } from '../http/temporalErrors';

export function adminRoutes(deps: AppDeps): Router {
  const router = Router();
  const { db, temporal, log } = deps;
  const Year = z.object({ year: z.coerce.number().int().min(2000).max(2100) });

  defineRoute(router, {
    method: 'get',
    path: '/api/v1/admin/calendar/:year',
    summary: "A year's holidays and adjusted working days, and which data they are",
    tags: ['admin'],
    access: { roles: ['admin', 'auditor'] },
    params: Year,
    responses: {
      200: {
        description: 'the year, or known=false if no official data is loaded',
        schema: z.object({
          year: z.number().int(),
          known: z.boolean(),
          source: z.string().nullable(),
          version: z.number().int().nullable(),
          holidays: z.array(z.object({ date: z.string(), name: z.string() })),
          workdays: z.array(z.object({ date: z.string(), name: z.string() })),
        }),
      },
    },
    handler: async ({ params }) => {
      const y = await db.selectFrom('calendar_year').selectAll().where('year', '=', params.year).executeTakeFirst();
      const days = await db.selectFrom('calendar_day').selectAll().where('year', '=', params.year).orderBy('date').execute();
      return {
        year: params.year,
        known: !!y,
        source: y?.source ?? null,
        version: y?.version ?? null,
        holidays: days.filter((d) => d.kind === 'holiday').map((d) => ({ date: d.date, name: d.name })),
        workdays: days.filter((d) => d.kind === 'workday').map((d) => ({ date: d.date, name: d.name })),
      };
    },
  });

  defineRoute(router, {
    method: 'put',
    path: '/api/v1/admin/calendar/:year',
    summary: "Load a year's official holidays and adjusted working days (or {source:'chinese-days'}); provisional deadlines are recomputed",
    tags: ['admin'],
    access: { roles: ['admin'] },
    params: Year,
    body: CalendarYearBody,
    responses: {
      200: {
        description: 'loaded; how many running workflows were told to recompute',
        schema: z.object({ year: z.number().int(), version: z.number().int(), holidays: z.number().int(), workdays: z.number().int(), recomputing: z.number().int(), signalFailures: z.number().int() }),
      },
    },
    problems: ['VALIDATION_FAILED'],
    handler: async ({ req, params, body }) => {
      const actor = actorOf(req);
      let input;
      if ('holidays' in body) {
        input = { year: params.year, source: body.source ?? `admin:${actor.username}`, holidays: body.holidays, workdays: body.workdays };
      } else {
        input = officialYearInput(params.year);
        if (!input) throw new Problem('VALIDATION_FAILED', `the chinese-days package has no data for ${params.year}; send the holidays and workdays`);
      }
      let loaded;
      try {
        loaded = await loadCalendarYear(db, { ...input, loadedBy: actor.username });
      } catch (err) {
        if (err instanceof RangeError) throw new Problem('VALIDATION_FAILED', err.message);
        throw err;
      }
      clearDisplayCalendar();
      // every running workflow with a provisional deadline recomputes it from the new data
      const affected = await db
        .selectFrom('task')
        .select('workflow_id')
        .distinct()
        .where('due_provisional', '=', true)
        .where('state', 'in', ['open', 'paused'])
        .execute();
      let signalFailures = 0;
      for (const { workflow_id } of affected) {
        try {
          await temporal.workflow.getHandle(workflow_id).signal(calendarChangedSignal);
        } catch (err) {
          signalFailures++;
          log.warn({ workflowId: workflow_id, err: isUnavailable(err) ? 'temporal unavailable' : String(err) }, 'calendar signal failed');
        }
      }
      return { ...loaded, recomputing: affected.length - signalFailures, signalFailures };
    },
  });
  return router;
}
