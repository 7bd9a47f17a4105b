/**
 * Official holiday / adjusted-working-day data from the `chinese-days` package
 * (transcribed from the State Council General Office annual notices).
 *
 * Raw format: `{ holidays: { "2026-10-01": "National Day,国庆节,3" }, workdays: {...}, inLieuDays: {...} }`.
 * `inLieuDays` are informational only (they are already contained in `holidays`).
 */
import { makeCalendar, type CalendarData } from './workdays';

export interface CalendarYearData {
  year: number;
  holidays: { date: string; name: string }[];
  workdays: { date: string; name: string }[];
}

interface RawChineseDays {
  holidays: Record<string, string>;
  workdays: Record<string, string>;
  inLieuDays?: Record<string, string>;
}

// Plain require (not `import`) so the type checker does not have to infer a type
// for the multi-thousand-entry JSON file.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const raw = require('chinese-days/dist/chinese-days.json') as RawChineseDays;
// eslint-disable-next-line @typescript-eslint/no-require-imports
const pkg = require('chinese-days/package.json') as { name: string; version: string };

export const CHINESE_DAYS_SOURCE: string = `${pkg.name}@${pkg.version}`;

/** "National Day,国庆节,3" -> "国庆节" (falls back to the whole string if the format is unexpected). */
function chineseName(value: string): string {
  const parts = value.split(',');
  const zh = parts[1]?.trim();
  return zh ? zh : value.trim();
}

function byYear(entries: Record<string, string>): Map<number, { date: string; name: string }[]> {
  const out = new Map<number, { date: string; name: string }[]>();
  for (const [date, value] of Object.entries(entries)) {
    const year = Number(date.slice(0, 4));
    let list = out.get(year);
    if (!list) out.set(year, (list = []));
    list.push({ date, name: chineseName(value) });
  }
  for (const list of out.values()) list.sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0));
  return out;
}

const holidaysByYear = byYear(raw.holidays);
const workdaysByYear = byYear(raw.workdays);
const years: readonly number[] = [...new Set([...holidaysByYear.keys(), ...workdaysByYear.keys()])].sort((a, b) => a - b);

/** years present in the package, ascending */
export function officialYears(): number[] {
  return [...years];
}

/** official data for one year (names are the Chinese names, e.g. "国庆节"); undefined if the package has none */
export function officialYear(year: number): CalendarYearData | undefined {
  if (!years.includes(year)) return undefined;
  return {
    year,
    holidays: (holidaysByYear.get(year) ?? []).map((e) => ({ ...e })),
    workdays: (workdaysByYear.get(year) ?? []).map((e) => ({ ...e })),
  };
}

/**
 * Convenience (addition to the original API): a CalendarData built from all
 * official years in the package. Years outside `officialYears()` are treated as
 * unknown (weekends only, provisional). Built once and shared (read-only).
 */
let cachedCalendar: CalendarData | undefined;
export function officialCalendar(): CalendarData {
  if (cachedCalendar) return cachedCalendar;
  const ys = officialYears();
  const holidays: [string, string][] = [];
  const workdays: [string, string][] = [];
  for (const y of ys) {
    const data = officialYear(y);
    if (!data) continue;
    for (const h of data.holidays) holidays.push([h.date, h.name]);
    for (const w of data.workdays) workdays.push([w.date, w.name]);
  }
  cachedCalendar = makeCalendar({ knownYears: ys, holidays, workdays });
  return cachedCalendar;
}
