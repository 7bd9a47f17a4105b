/**
 * Administration: the working-day calendar. Loading a year recomputes the deadlines it moves in running
 * workflows: provisional ones, and every open one with a changed day in its period (calendarChange.ts).
 */
import { Router } from 'express';
import { z } from 'zod';
import { defineRoute } from '../http/route';
import { CalendarYearBody } from '../http/schemas';
import { Problem } from '../http/problem';
import { actorOf } from '../auth/authenticate';
import type { AppDeps } from '../http/deps';
import { clearDisplayCalendar, loadCalendarYear, officialYearInput } from './calendarTable';
import { recomputeAfterCalendarChange } from './calendarChange';

export function calendarRoutes(deps: AppDeps): Router {
  const router = Router();
  const { db } = deps;
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
    summary: "Load a year's official holidays and adjusted working days (or {source:'chinese-days'}); deadlines it moves are recomputed",
    tags: ['admin'],
    access: { roles: ['admin'] },
    params: Year,
    body: CalendarYearBody,
    responses: {
      200: {
        description: 'loaded; how many running workflows were told to recompute (provisional deadlines, and every open deadline a changed day falls in)',
        schema: z.object({
          year: z.number().int(),
          version: z.number().int(),
          holidays: z.number().int(),
          workdays: z.number().int(),
          changedDates: z.array(z.string()).openapi({ description: 'the days whose kind changed (holiday, adjusted working day, ordinary)' }),
          recomputing: z.number().int(),
          signalFailures: z.number().int(),
        }),
      },
    },
    problems: ['VALIDATION_FAILED'],
    handler: async ({ req, params, body }) => {
      const actor = actorOf(req);
      let input: NonNullable<ReturnType<typeof officialYearInput>>;
      if ('holidays' in body) {
        input = { year: params.year, source: body.source ?? `admin:${actor.username}`, holidays: body.holidays, workdays: body.workdays };
      } else {
        const official = officialYearInput(params.year);
        if (!official) throw new Problem('VALIDATION_FAILED', `the chinese-days package has no data for ${params.year}; send the holidays and workdays`);
        input = official;
      }
      let loaded: Awaited<ReturnType<typeof loadCalendarYear>>;
      try {
        loaded = await loadCalendarYear(db, { ...input, loadedBy: actor.username });
      } catch (err) {
        if (err instanceof RangeError) throw new Problem('VALIDATION_FAILED', err.message);
        throw err;
      }
      clearDisplayCalendar();
      // running workflows recompute provisional deadlines and those whose period a changed day falls in
      const { recomputing, signalFailures } = await recomputeAfterCalendarChange(deps, { year: loaded.year, changedDates: loaded.changedDates });
      const { year, version, holidays, workdays, changedDates } = loaded;
      return { year, version, holidays, workdays, changedDates, recomputing, signalFailures };
    },
  });
  return router;
}
