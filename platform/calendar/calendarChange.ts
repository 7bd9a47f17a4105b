/**
 * After a year's calendar data is loaded: which running workflows must recompute a deadline, and telling them.
 * A provisional deadline (a year without official data) is always recomputed; a deadline on known data is
 * recomputed when a day whose kind changed lies in its period (after the day it started, up to its due day):
 * 2027-11-15 declared a holiday moves a 10-working-day review opened 2027-11-09 from 2027-11-23 to 2027-11-24.
 * The workflow itself decides per task (platform/tasks/deadlineMoves.ts) and writes `deadline_recomputed` on the
 * task's timeline.
 */
import type { Client } from '@temporalio/client';
import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import type { Database } from '../../db/schema';
import { calendarChangedSignal } from '../tasks/messages';
import { periodTouchedBy } from '../tasks/deadlineMoves';
import { isUnavailable } from '../http/temporalErrors';
import { startOfShanghaiDay } from './workdays';

/** The workflows with an open task whose deadline the change may move (a superset: each task's own segment decides). */
export async function workflowsToRecompute(db: Kysely<Database>, changedDates: readonly string[]): Promise<string[]> {
  const provisional = await db
    .selectFrom('task')
    .select('workflow_id')
    .distinct()
    .where('due_provisional', '=', true)
    .where('state', 'in', ['open', 'paused'])
    .execute();
  const ids = new Set(provisional.map((r) => r.workflow_id));
  if (changedDates.length) {
    const first = changedDates[0]!;
    const last = changedDates[changedDates.length - 1]!;
    const candidates = await db
      .selectFrom('task')
      .select(['workflow_id', 'opened_at', 'due_on'])
      .where('state', '=', 'open')
      .where('due_on', 'is not', null)
      .where('due_on', '>=', first)
      .where('opened_at', '<', startOfShanghaiDay(last))
      .execute();
    for (const c of candidates) if (periodTouchedBy(new Date(c.opened_at).toISOString(), c.due_on!, changedDates)) ids.add(c.workflow_id);
  }
  return [...ids].sort();
}

/** Signals each workflow concerned with the change; returns how many were told and how many signals failed. */
export async function recomputeAfterCalendarChange(
  deps: { db: Kysely<Database>; temporal: Client; log: Logger },
  change: { year: number; changedDates: string[] },
): Promise<{ recomputing: number; signalFailures: number }> {
  const ids = await workflowsToRecompute(deps.db, change.changedDates);
  let signalFailures = 0;
  for (const workflowId of ids) {
    try {
      await deps.temporal.workflow.getHandle(workflowId).signal(calendarChangedSignal, { year: change.year, dates: change.changedDates });
    } catch (err) {
      signalFailures++;
      deps.log.warn({ workflowId, err: isUnavailable(err) ? 'temporal unavailable' : String(err) }, 'calendar signal failed');
    }
  }
  return { recomputing: ids.length - signalFailures, signalFailures };
}
