/**
 * The one place working-day deadlines are computed: the pure arithmetic of platform/calendar/workdays.ts
 * over the calendar table, recording which calendar data (year, version, source) was used.
 */
import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema';
import { deadlineCalendar, loadCalendar } from './calendarTable';
import { shanghaiDate, endOfShanghaiDay, workingDayDeadline, workingDaysBetween } from './workdays';
import { WARN_WORKING_DAYS_LEFT } from './workdays';

export interface CalendarUsed {
  years: { year: number; version: number | null; source: string | null }[];
  provisional: boolean;
}

export interface Deadline {
  dueOn: string;
  dueAt: string;
  warnAt: string;
  provisional: boolean;
  calendar: CalendarUsed;
}

function usedFrom(yearsUsed: number[], provisional: boolean, versions: Map<number, { version: number; source: string }>): CalendarUsed {
  return {
    provisional,
    years: yearsUsed.map((year) => ({ year, version: versions.get(year)?.version ?? null, source: versions.get(year)?.source ?? null })),
  };
}

/**
 * Deadline of a period of `days` working days opened at `openedAt` (DOMAIN §0: the opening day does not count;
 * due at 24:00 of the N-th working day). `days` = 0 (a period used up before a pause) is due at the end of the day it resumes.
 */
export async function computeDeadline(
  db: Kysely<Database>,
  openedAt: Date,
  days: number,
  warnWorkingDaysLeft: number = WARN_WORKING_DAYS_LEFT,
): Promise<Deadline> {
  const year = Number(shanghaiDate(openedAt).slice(0, 4));
  // a year of working days is at most ~250; two calendar years ahead covers any SLA this system uses
  const { cal, versions } = await deadlineCalendar(db, year, year + 2);
  if (days <= 0) {
    const dueOn = shanghaiDate(openedAt);
    const known = cal.knownYears.has(year);
    return {
      dueOn,
      dueAt: endOfShanghaiDay(dueOn).toISOString(),
      warnAt: openedAt.toISOString(),
      provisional: !known,
      calendar: usedFrom([year], !known, versions),
    };
  }
  const d = workingDayDeadline(openedAt, days, cal, warnWorkingDaysLeft);
  return {
    dueOn: d.dueOn,
    dueAt: d.dueAt.toISOString(),
    warnAt: d.warnAt.toISOString(),
    provisional: d.provisional,
    calendar: usedFrom(d.yearsUsed, d.provisional, versions),
  };
}

/** Working days left of a period due on `dueOn`, counted from the day `at` falls on (that day counts as used). */
export async function workingDaysLeft(db: Kysely<Database>, at: Date, dueOn: string): Promise<{ count: number; provisional: boolean }> {
  const from = shanghaiDate(at);
  const { cal } = await loadCalendar(db, Number(from.slice(0, 4)), Number(dueOn.slice(0, 4)));
  return workingDaysBetween(from, dueOn, cal);
}
