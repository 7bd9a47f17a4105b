/**
 * Which running deadlines a calendar change moves (workflow code: pure, deterministic). A deadline counts working
 * days after the day its segment started (the opening or the resumption after 补正), up to its due day; a day
 * whose kind changed (declared a holiday, an adjusted working day, or no longer one) inside that span moves it.
 * Provisional deadlines (a year without official data) are always recomputed, as before.
 */
import { patched } from '@temporalio/workflow';
import type { Deadline } from '../calendar/activities';
import { shanghaiDate } from '../calendar/workdays';

/** the payload of calendarChangedSignal: the year loaded and the days whose kind changed */
export interface CalendarChange {
  year: number;
  dates: string[];
}

/** Whether one of `dates` lies after the segment's start day and on or before the due day. */
export function periodTouchedBy(segmentStart: string, dueOn: string, dates: readonly string[]): boolean {
  const from = shanghaiDate(new Date(segmentStart));
  return dates.some((d) => d > from && d <= dueOn);
}

/** Whether a running task recomputes its deadline on this calendar change. */
export function recomputesOnCalendarChange(deadline: Deadline | null, segment: { start: string } | null, change: CalendarChange | undefined): boolean {
  if (!deadline) return false;
  if (deadline.provisional) return true;
  if (!segment || !change?.dates?.length || !periodTouchedBy(segment.start, deadline.dueOn, change.dates)) return false;
  // histories recorded before known-year changes moved deadlines recomputed provisional ones only
  return patched('calendar-moves-every-deadline');
}
