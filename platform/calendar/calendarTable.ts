import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema';
import { makeCalendar, type CalendarData } from './workdays';
import { CHINESE_DAYS_SOURCE, officialYear } from './calendarSource';
import { replaceCalendarYear } from './calendarRepository';

type CalendarYearRow = { year: number; version: number; source: string };
type CalendarDayRow = { date: string; kind: string; name: string };

function assemble(years: CalendarYearRow[], days: CalendarDayRow[]) {
  const cal = makeCalendar({
    knownYears: years.map((y) => y.year),
    holidays: days.filter((d) => d.kind === 'holiday').map((d) => [d.date, d.name] as [string, string]),
    workdays: days.filter((d) => d.kind === 'workday').map((d) => [d.date, d.name] as [string, string]),
  });
  return { cal, versions: new Map(years.map((y) => [y.year, { version: y.version, source: y.source }])) };
}

const yearsOf = (db: Kysely<Database>, fromYear: number, toYear: number) =>
  db.selectFrom('calendar_year').select(['year', 'version', 'source']).where('year', '>=', fromYear).where('year', '<=', toYear).orderBy('year').execute();
const daysOf = (db: Kysely<Database>, fromYear: number, toYear: number) =>
  db.selectFrom('calendar_day').select(['date', 'kind', 'name']).where('year', '>=', fromYear).where('year', '<=', toYear).execute();

/** Calendar data for the years [fromYear, toYear]; years without a row in calendar_year are unknown. */
export async function loadCalendar(
  db: Kysely<Database>,
  fromYear: number,
  toYear: number,
): Promise<{ cal: CalendarData; versions: Map<number, { version: number; source: string }> }> {
  const [years, days] = await Promise.all([yearsOf(db, fromYear, toYear), daysOf(db, fromYear, toYear)]);
  return assemble(years, days);
}

/**
 * The calendar a deadline is computed from, kept in this process (the worker) as long as the table holds the same
 * versions: every load of a year's data increments its version (loadCalendarYear), so one small read of
 * calendar_year tells whether the days kept here are still the table's. A changed or newly loaded year is read
 * again at once, in every process, before the next deadline: never a deadline on data the table no longer holds
 * (workflows told of the change by calendarChangedSignal recompute theirs from the new data the same way).
 */
const deadlineCache = new Map<string, { signature: string; data: ReturnType<typeof assemble> }>();

export async function deadlineCalendar(db: Kysely<Database>, fromYear: number, toYear: number): Promise<ReturnType<typeof assemble>> {
  const key = `${fromYear}-${toYear}`;
  const years = await yearsOf(db, fromYear, toYear);
  const signature = years.map((y) => `${y.year}:${y.version}:${y.source}`).join(',');
  const hit = deadlineCache.get(key);
  if (hit && hit.signature === signature) return hit.data;
  const data = assemble(years, await daysOf(db, fromYear, toYear));
  if (deadlineCache.size >= 32) deadlineCache.clear();
  deadlineCache.set(key, { signature, data });
  return data;
}

/** Loads (or reloads) one year's official data; the version increments so deadlines can tell which data they used. */
export async function loadCalendarYear(
  db: Kysely<Database>,
  input: { year: number; source: string; holidays: { date: string; name: string }[]; workdays: { date: string; name: string }[]; loadedBy: string | null },
): Promise<{ year: number; version: number; holidays: number; workdays: number; wasKnown: boolean; changedDates: string[] }> {
  const outside = [...input.holidays, ...input.workdays].filter((d) => Number(d.date.slice(0, 4)) !== input.year);
  if (outside.length) throw new RangeError(`dates outside ${input.year}: ${outside.map((d) => d.date).join(', ')}`);
  const both = input.holidays.filter((h) => input.workdays.some((w) => w.date === h.date));
  if (both.length) throw new RangeError(`dates both holiday and working day: ${both.map((d) => d.date).join(', ')}`);
  return db.transaction().execute(async (trx) => {
    const prev = await trx.selectFrom('calendar_year').select('version').where('year', '=', input.year).forUpdate().executeTakeFirst();
    const version = (prev?.version ?? 0) + 1;
    const before = await trx.selectFrom('calendar_day').select(['date', 'kind']).where('year', '=', input.year).execute();
    const rows = [
      ...input.holidays.map((d) => ({ date: d.date, year: input.year, kind: 'holiday' as const, name: d.name })),
      ...input.workdays.map((d) => ({ date: d.date, year: input.year, kind: 'workday' as const, name: d.name })),
    ];
    await replaceCalendarYear(trx, { year: input.year, source: input.source, version, loadedBy: input.loadedBy }, rows);
    return {
      year: input.year,
      version,
      holidays: input.holidays.length,
      workdays: input.workdays.length,
      wasKnown: !!prev,
      changedDates: changedDates(before, rows),
    };
  });
}

/** The days whose kind (holiday, adjusted working day, or ordinary) differs between two versions of a year. */
export function changedDates(before: { date: string; kind: string }[], after: { date: string; kind: string }[]): string[] {
  const was = new Map(before.map((d) => [d.date, d.kind]));
  const is = new Map(after.map((d) => [d.date, d.kind]));
  return [...new Set([...was.keys(), ...is.keys()])].filter((d) => was.get(d) !== is.get(d)).sort();
}

/** The official data of the chinese-days package for a year, or undefined if the package has none. */
export function officialYearInput(year: number) {
  const y = officialYear(year);
  return y ? { year, source: CHINESE_DAYS_SOURCE, holidays: y.holidays, workdays: y.workdays } : undefined;
}

/**
 * The calendar for display (working days left in the inbox and on claims), cached in-process for a short time:
 * it changes only when an admin loads a year (which clears the cache in that process). Deadlines themselves are
 * always computed from the table (platform/calendar/activities.ts), never from this cache.
 */
const DISPLAY_CACHE_MS = 30_000;
const displayCache = new Map<string, { at: number; cal: CalendarData }>();

export async function displayCalendar(db: Kysely<Database>, fromYear: number, toYear: number): Promise<CalendarData> {
  const key = `${fromYear}-${toYear}`;
  const hit = displayCache.get(key);
  if (hit && Date.now() - hit.at < DISPLAY_CACHE_MS) return hit.cal;
  const { cal } = await loadCalendar(db, fromYear, toYear);
  displayCache.set(key, { at: Date.now(), cal });
  return cal;
}

export function clearDisplayCalendar(): void {
  displayCache.clear();
}
