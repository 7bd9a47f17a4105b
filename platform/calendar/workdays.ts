/**
 * Working-day (工作日) arithmetic for Asia/Shanghai.
 *
 * Pure functions: no I/O, no clock. Calendar dates are `YYYY-MM-DD` strings.
 * All date arithmetic uses integer "epoch day" numbers (days since 1970-01-01,
 * proleptic Gregorian), so results never depend on the machine's time zone.
 *
 * Rules (DOMAIN.md):
 *  - a working day is Monday–Friday, minus official public holidays, plus
 *    adjusted working weekend days (调休上班日);
 *  - a period of N working days does not count the day on which the event
 *    happens; it ends at 24:00 of the N-th working day after it;
 *  - for a year without official data only weekends are days off and every
 *    result touching that year is marked `provisional`.
 */

/** a task shows a warning when fewer than this many working days are left (every process; docs/CONVENTIONS.md) */
export const WARN_WORKING_DAYS_LEFT = 2;

export interface CalendarData {
  /** years for which official data is loaded */
  knownYears: ReadonlySet<number>;
  /** days off that are not ordinary weekends-only rules: official holidays (date -> name) */
  holidays: ReadonlyMap<string, string>;
  /** adjusted working days on weekends (date -> name) */
  workdays: ReadonlyMap<string, string>;
}

/** Asia/Shanghai is fixed UTC+8 (no DST since 1991). */
const SHANGHAI_OFFSET_MS = 8 * 60 * 60 * 1000;
const MS_PER_DAY = 24 * 60 * 60 * 1000;
const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;

// ---------------------------------------------------------------------------
// Integer civil-date helpers (H. Hinnant's days_from_civil / civil_from_days)
// ---------------------------------------------------------------------------

interface Ymd {
  y: number;
  m: number; // 1..12
  d: number; // 1..31
}

function isLeapYear(y: number): boolean {
  return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
}

function daysInMonth(y: number, m: number): number {
  switch (m) {
    case 2:
      return isLeapYear(y) ? 29 : 28;
    case 4:
    case 6:
    case 9:
    case 11:
      return 30;
    default:
      return 31;
  }
}

function daysFromCivil(y: number, m: number, d: number): number {
  const yy = m <= 2 ? y - 1 : y;
  const era = Math.floor(yy / 400);
  const yoe = yy - era * 400; // [0, 399]
  const mp = (m + 9) % 12; // March = 0
  const doy = Math.floor((153 * mp + 2) / 5) + d - 1; // [0, 365]
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy; // [0, 146096]
  return era * 146097 + doe - 719468;
}

function civilFromDays(z: number): Ymd {
  const zz = z + 719468;
  const era = Math.floor(zz / 146097);
  const doe = zz - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp < 10 ? mp + 3 : mp - 9;
  const y = yoe + era * 400 + (m <= 2 ? 1 : 0);
  return { y, m, d };
}

/** 0 = Sunday … 6 = Saturday (1970-01-01 was a Thursday). */
function weekdayOfDayNumber(z: number): number {
  return (((z + 4) % 7) + 7) % 7;
}

function pad(n: number, width: number): string {
  return String(n).padStart(width, '0');
}

function formatYmd({ y, m, d }: Ymd): string {
  if (y < 0 || y > 9999) throw new RangeError(`date out of supported range (year ${y})`);
  return `${pad(y, 4)}-${pad(m, 2)}-${pad(d, 2)}`;
}

function parseYmd(date: string): Ymd | undefined {
  if (typeof date !== 'string') return undefined;
  const match = DATE_RE.exec(date);
  if (!match) return undefined;
  const y = Number(match[1]);
  const m = Number(match[2]);
  const d = Number(match[3]);
  if (m < 1 || m > 12 || d < 1 || d > daysInMonth(y, m)) return undefined;
  return { y, m, d };
}

function requireYmd(date: string, what = 'date'): Ymd {
  const ymd = parseYmd(date);
  if (!ymd) throw new RangeError(`invalid ${what}: ${JSON.stringify(date)} (expected a real YYYY-MM-DD date)`);
  return ymd;
}

function toDayNumber(date: string, what?: string): number {
  const { y, m, d } = requireYmd(date, what);
  return daysFromCivil(y, m, d);
}

function fromDayNumber(z: number): string {
  return formatYmd(civilFromDays(z));
}

function requireInteger(n: number, what: string): void {
  if (typeof n !== 'number' || !Number.isSafeInteger(n)) {
    throw new RangeError(`${what} must be an integer, got ${String(n)}`);
  }
}

function toEpochMs(instant: Date | number): number {
  const ms = instant instanceof Date ? instant.getTime() : instant;
  if (typeof ms !== 'number' || !Number.isFinite(ms)) {
    throw new RangeError(`invalid instant: ${String(instant)}`);
  }
  return ms;
}

// ---------------------------------------------------------------------------
// Calendar
// ---------------------------------------------------------------------------

export function makeCalendar(input: {
  knownYears: Iterable<number>;
  holidays: Iterable<[string, string]>;
  workdays: Iterable<[string, string]>;
}): CalendarData {
  const knownYears = new Set<number>();
  for (const y of input.knownYears) {
    requireInteger(y, 'known year');
    knownYears.add(y);
  }
  const holidays = new Map<string, string>();
  for (const [date, name] of input.holidays) {
    requireYmd(date, 'holiday date');
    holidays.set(date, name);
  }
  const workdays = new Map<string, string>();
  for (const [date, name] of input.workdays) {
    requireYmd(date, 'adjusted working day date');
    if (holidays.has(date)) {
      throw new RangeError(`${date} is listed both as a holiday and as an adjusted working day`);
    }
    workdays.set(date, name);
  }
  return { knownYears, holidays, workdays };
}

interface DayIndex {
  holidaysSrc: ReadonlyMap<string, string>;
  workdaysSrc: ReadonlyMap<string, string>;
  holidaysSize: number;
  workdaysSize: number;
  holidays: Set<number>;
  workdays: Set<number>;
}

/** Epoch-day-number view of a calendar's maps, cached per CalendarData object (rebuilt if the maps change). */
const dayIndexCache = new WeakMap<CalendarData, DayIndex>();

function dayIndex(cal: CalendarData): DayIndex {
  const cached = dayIndexCache.get(cal);
  if (
    cached &&
    cached.holidaysSrc === cal.holidays &&
    cached.workdaysSrc === cal.workdays &&
    cached.holidaysSize === cal.holidays.size &&
    cached.workdaysSize === cal.workdays.size
  ) {
    return cached;
  }
  const toSet = (m: ReadonlyMap<string, string>): Set<number> => {
    const out = new Set<number>();
    for (const date of m.keys()) {
      const ymd = parseYmd(date);
      if (ymd) out.add(daysFromCivil(ymd.y, ymd.m, ymd.d));
    }
    return out;
  };
  const idx: DayIndex = {
    holidaysSrc: cal.holidays,
    workdaysSrc: cal.workdays,
    holidaysSize: cal.holidays.size,
    workdaysSize: cal.workdays.size,
    holidays: toSet(cal.holidays),
    workdays: toSet(cal.workdays),
  };
  dayIndexCache.set(cal, idx);
  return idx;
}

function isWorkingDayNumber(z: number, idx: DayIndex): boolean {
  if (idx.workdays.has(z)) return true;
  if (idx.holidays.has(z)) return false;
  const wd = weekdayOfDayNumber(z);
  return wd !== 0 && wd !== 6;
}

/**
 * Walks the days start+1, start+2, … calling `visit(z, working)` until it returns false
 * (or `end` is passed). Tracks which years were examined and whether any is unknown.
 */
function walkDays(start: number, end: number, cal: CalendarData, visit: (z: number, working: boolean) => boolean): { provisional: boolean; years: number[] } {
  const idx = dayIndex(cal);
  const years: number[] = [];
  let provisional = false;
  let nextYearStart = Number.NEGATIVE_INFINITY;
  let year = 0;
  for (let z = start + 1; z <= end; z++) {
    if (z >= nextYearStart) {
      year = civilFromDays(z).y;
      nextYearStart = daysFromCivil(year + 1, 1, 1);
      years.push(year);
      if (!cal.knownYears.has(year)) provisional = true;
    }
    if (!visit(z, isWorkingDayNumber(z, idx))) break;
  }
  return { provisional, years };
}

/**
 * Whether `date` is a working day. `known` is false when the date's year has no
 * official data (then only weekends count as days off).
 */
export function isWorkingDay(date: string, cal: CalendarData): { working: boolean; known: boolean } {
  const { y, m, d } = requireYmd(date);
  const z = daysFromCivil(y, m, d);
  let working: boolean;
  if (cal.workdays.has(date)) working = true;
  else if (cal.holidays.has(date)) working = false;
  else {
    const wd = weekdayOfDayNumber(z);
    working = wd !== 0 && wd !== 6;
  }
  return { working, known: cal.knownYears.has(y) };
}

/** N-th working day strictly after `from`; provisional if any day examined lies in a year not in knownYears. yearsUsed = sorted distinct years examined. n must be a positive integer (throw RangeError otherwise). */
export function addWorkingDays(from: string, n: number, cal: CalendarData): { date: string; provisional: boolean; yearsUsed: number[] } {
  requireInteger(n, 'n');
  if (n < 1) throw new RangeError(`n must be a positive integer, got ${n}`);
  const start = toDayNumber(from, 'from date');
  let remaining = n;
  let result = start;
  const { provisional, years } = walkDays(start, Number.POSITIVE_INFINITY, cal, (z, working) => {
    if (working && --remaining === 0) {
      result = z;
      return false;
    }
    return true;
  });
  return { date: fromDayNumber(result), provisional, yearsUsed: years };
}

/** number of working days d with fromExclusive < d <= toInclusive (0 if to <= from) */
export function workingDaysBetween(fromExclusive: string, toInclusive: string, cal: CalendarData): { count: number; provisional: boolean } {
  const start = toDayNumber(fromExclusive, 'from date');
  const end = toDayNumber(toInclusive, 'to date');
  let count = 0;
  const { provisional } = walkDays(start, end, cal, (_z, working) => {
    if (working) count += 1;
    return true;
  });
  return { count, provisional };
}

// ---------------------------------------------------------------------------
// Shanghai instants
// ---------------------------------------------------------------------------

/** Asia/Shanghai calendar date of an instant */
export function shanghaiDate(instant: Date | number): string {
  const ms = toEpochMs(instant);
  return fromDayNumber(Math.floor((ms + SHANGHAI_OFFSET_MS) / MS_PER_DAY));
}

/** first instant of the Shanghai day, i.e. YYYY-MM-DDT00:00:00+08:00 */
export function startOfShanghaiDay(date: string): Date {
  return new Date(toDayNumber(date) * MS_PER_DAY - SHANGHAI_OFFSET_MS);
}

/** last millisecond of the Shanghai day, i.e. YYYY-MM-DDT23:59:59.999+08:00 */
export function endOfShanghaiDay(date: string): Date {
  return new Date((toDayNumber(date) + 1) * MS_PER_DAY - SHANGHAI_OFFSET_MS - 1);
}

/** ISO-8601 with +08:00 offset, e.g. 2026-10-15T23:59:59.999+08:00 */
export function formatShanghai(instant: Date | number): string {
  const local = toEpochMs(instant) + SHANGHAI_OFFSET_MS;
  const z = Math.floor(local / MS_PER_DAY);
  let rest = local - z * MS_PER_DAY;
  const hh = Math.floor(rest / 3_600_000);
  rest -= hh * 3_600_000;
  const mm = Math.floor(rest / 60_000);
  rest -= mm * 60_000;
  const ss = Math.floor(rest / 1000);
  const sss = rest - ss * 1000;
  return `${fromDayNumber(z)}T${pad(hh, 2)}:${pad(mm, 2)}:${pad(ss, 2)}.${pad(sss, 3)}+08:00`;
}

// ---------------------------------------------------------------------------
// Calendar-day arithmetic
// ---------------------------------------------------------------------------

export function addDays(date: string, n: number): string {
  requireInteger(n, 'n');
  return fromDayNumber(toDayNumber(date) + n);
}

/** calendar months, clamped to month end (2026-08-31 + 6 months = 2027-02-28) */
export function addMonths(date: string, n: number): string {
  requireInteger(n, 'n');
  const { y, m, d } = requireYmd(date);
  const total = y * 12 + (m - 1) + n;
  const ny = Math.floor(total / 12);
  const nm = total - ny * 12 + 1;
  return formatYmd({ y: ny, m: nm, d: Math.min(d, daysInMonth(ny, nm)) });
}

export function isValidDate(date: string): boolean {
  return parseYmd(date) !== undefined;
}

// ---------------------------------------------------------------------------
// Deadlines
// ---------------------------------------------------------------------------

/**
 * Deadline of an N-working-day period opened at an instant: due at the end of the
 * N-th working day (Shanghai) after the opening day; warnAt = start of the working
 * day on which `warnDaysLeft` working days remain (inclusive of the due day), e.g.
 * for N=10, warnDaysLeft=2 it is the start of the 9th working day; if
 * N <= warnDaysLeft, warnAt = openedAt. warnDaysLeft must be a positive integer.
 */
export function workingDayDeadline(
  openedAt: Date | number,
  n: number,
  cal: CalendarData,
  warnDaysLeft = 2,
): { dueOn: string; dueAt: Date; warnAt: Date; provisional: boolean; yearsUsed: number[] } {
  const openedMs = toEpochMs(openedAt);
  requireInteger(warnDaysLeft, 'warnDaysLeft');
  if (warnDaysLeft < 1) throw new RangeError(`warnDaysLeft must be a positive integer, got ${warnDaysLeft}`);
  const openedOn = shanghaiDate(openedMs);
  const due = addWorkingDays(openedOn, n, cal); // validates n
  let warnAt: Date;
  if (n <= warnDaysLeft) {
    warnAt = new Date(openedMs);
  } else {
    // The warn day is one of the days already examined for `due`, so it adds no new years.
    const warnDay = addWorkingDays(openedOn, n - warnDaysLeft + 1, cal).date;
    warnAt = startOfShanghaiDay(warnDay);
  }
  return {
    dueOn: due.date,
    dueAt: endOfShanghaiDay(due.date),
    warnAt,
    provisional: due.provisional,
    yearsUsed: due.yearsUsed,
  };
}
