import fc from 'fast-check';
import {
  addDays,
  addMonths,
  addWorkingDays,
  endOfShanghaiDay,
  formatShanghai,
  isValidDate,
  isWorkingDay,
  makeCalendar,
  shanghaiDate,
  startOfShanghaiDay,
  workingDayDeadline,
  workingDaysBetween,
  type CalendarData,
} from '../workdays';
import { officialCalendar } from '../calendarSource';

const cal: CalendarData = officialCalendar();

/** Naive reference: walk day by day using JS Date in UTC. */
function referenceAddWorkingDays(from: string, n: number, c: CalendarData): string {
  let t = Date.parse(`${from}T00:00:00Z`);
  let left = n;
  let date = from;
  while (left > 0) {
    t += 86_400_000;
    date = new Date(t).toISOString().slice(0, 10);
    const wd = new Date(t).getUTCDay();
    const working = c.workdays.has(date) || (!c.holidays.has(date) && wd !== 0 && wd !== 6);
    if (working) left--;
  }
  return date;
}

describe('isWorkingDay (official 2024–2026 notices)', () => {
  test.each([
    // 元旦 2026: 01-01…01-03 off, Sunday 01-04 working
    ['2025-12-31', true],
    ['2026-01-01', false],
    ['2026-01-02', false],
    ['2026-01-03', false],
    ['2026-01-04', true],
    ['2026-01-05', true],
    // Spring Festival 2026: 02-15…02-23 off, Saturdays 02-14 and 02-28 working
    ['2026-02-13', true],
    ['2026-02-14', true],
    ['2026-02-15', false],
    ['2026-02-16', false],
    ['2026-02-20', false],
    ['2026-02-23', false],
    ['2026-02-24', true],
    ['2026-02-28', true],
    ['2026-03-01', false],
    // Labour Day 2026: 05-01…05-05 off, Saturday 05-09 working
    ['2026-05-05', false],
    ['2026-05-06', true],
    ['2026-05-09', true],
    // Mid-Autumn + National Day 2026
    ['2026-09-20', true],
    ['2026-09-24', true],
    ['2026-09-25', false],
    ['2026-09-26', false],
    ['2026-09-27', false],
    ['2026-09-28', true],
    ['2026-10-01', false],
    ['2026-10-07', false],
    ['2026-10-08', true],
    ['2026-10-10', true],
    ['2026-10-11', false],
    // National Day 2025: 10-01…10-08 off, Sunday 09-28 and Saturday 10-11 working
    ['2025-09-27', false],
    ['2025-09-28', true],
    ['2025-09-30', true],
    ['2025-10-01', false],
    ['2025-10-06', false],
    ['2025-10-08', false],
    ['2025-10-09', true],
    ['2025-10-11', true],
    ['2025-10-12', false],
    // 2024: Mid-Autumn 09-15…17 off (Sat 09-14 working), National Day 10-01…07 off (Sun 09-29, Sat 10-12 working)
    ['2024-09-14', true],
    ['2024-09-16', false],
    ['2024-09-17', false],
    ['2024-09-18', true],
    ['2024-09-29', true],
    ['2024-10-04', false],
    ['2024-10-12', true],
    // plain weekdays and weekends
    ['2026-03-02', true],
    ['2026-03-07', false],
    ['2026-03-08', false],
  ])('%s working=%s', (date, working) => {
    expect(isWorkingDay(date, cal)).toEqual({ working, known: true });
  });

  test('a year without data: weekends only, known=false', () => {
    expect(isWorkingDay('2027-01-01', cal)).toEqual({ working: true, known: false }); // Friday, 元旦 not yet published
    expect(isWorkingDay('2027-01-02', cal)).toEqual({ working: false, known: false }); // Saturday
    expect(isWorkingDay('2027-01-03', cal)).toEqual({ working: false, known: false }); // Sunday
    expect(isWorkingDay('2003-10-01', cal)).toEqual({ working: true, known: false }); // before the package's data
  });

  test('rejects invalid dates', () => {
    expect(() => isWorkingDay('2026-02-30', cal)).toThrow(RangeError);
    expect(() => isWorkingDay('2026/01/01', cal)).toThrow(RangeError);
  });
});

describe('addWorkingDays', () => {
  test('DOMAIN.md example: 10 working days from Thursday 2026-09-24 ends Thursday 2026-10-15', () => {
    expect(addWorkingDays('2026-09-24', 10, cal)).toEqual({ date: '2026-10-15', provisional: false, yearsUsed: [2026] });
  });

  test('day-by-day through Mid-Autumn / National Day 2026', () => {
    const expected = [
      '2026-09-28',
      '2026-09-29',
      '2026-09-30',
      '2026-10-08',
      '2026-10-09',
      '2026-10-10', // adjusted working Saturday
      '2026-10-12',
      '2026-10-13',
      '2026-10-14',
      '2026-10-15',
    ];
    for (const [i, date] of expected.entries()) expect(addWorkingDays('2026-09-24', i + 1, cal).date).toBe(date);
  });

  test('National Day 2025', () => {
    expect(addWorkingDays('2025-09-26', 1, cal).date).toBe('2025-09-28'); // Friday -> adjusted Sunday
    expect(addWorkingDays('2025-09-30', 1, cal).date).toBe('2025-10-09');
    expect(addWorkingDays('2025-09-30', 3, cal).date).toBe('2025-10-11'); // adjusted Saturday
    expect(addWorkingDays('2025-09-30', 4, cal).date).toBe('2025-10-13');
    expect(addWorkingDays('2025-10-03', 1, cal).date).toBe('2025-10-09'); // opened on a holiday
  });

  test('Spring Festival 2026', () => {
    expect(addWorkingDays('2026-02-13', 1, cal).date).toBe('2026-02-14');
    expect(addWorkingDays('2026-02-14', 1, cal).date).toBe('2026-02-24');
    expect(addWorkingDays('2026-02-13', 5, cal).date).toBe('2026-02-27');
    expect(addWorkingDays('2026-02-13', 6, cal).date).toBe('2026-02-28');
    expect(addWorkingDays('2026-02-13', 7, cal).date).toBe('2026-03-02');
  });

  test('元旦 2026 and year boundary inside known data', () => {
    expect(addWorkingDays('2025-12-31', 1, cal)).toEqual({ date: '2026-01-04', provisional: false, yearsUsed: [2026] });
    expect(addWorkingDays('2025-12-30', 2, cal)).toEqual({
      date: '2026-01-04',
      provisional: false,
      yearsUsed: [2025, 2026],
    });
    expect(addWorkingDays('2026-01-04', 1, cal).date).toBe('2026-01-05');
  });

  test('2024 Mid-Autumn and National Day', () => {
    expect(addWorkingDays('2024-09-13', 1, cal).date).toBe('2024-09-14');
    expect(addWorkingDays('2024-09-14', 1, cal).date).toBe('2024-09-18');
    expect(addWorkingDays('2024-09-27', 1, cal).date).toBe('2024-09-29');
    expect(addWorkingDays('2024-09-30', 1, cal).date).toBe('2024-10-08');
    expect(addWorkingDays('2024-09-30', 5, cal).date).toBe('2024-10-12');
  });

  test('crossing into a year without official data is provisional (weekends only)', () => {
    // 12-25, 28, 29, 30, 31 (5), 2027-01-01 Fri counted as working (6), 01-04…01-07 (10)
    expect(addWorkingDays('2026-12-24', 10, cal)).toEqual({
      date: '2027-01-07',
      provisional: true,
      yearsUsed: [2026, 2027],
    });
    // staying inside 2026 is not provisional
    expect(addWorkingDays('2026-12-24', 5, cal)).toEqual({ date: '2026-12-31', provisional: false, yearsUsed: [2026] });
    // completely unknown year
    expect(addWorkingDays('2030-03-01', 1, cal)).toEqual({ date: '2030-03-04', provisional: true, yearsUsed: [2030] });
  });

  test('custom calendar: adjusted working day overrides weekend, holiday removes weekday', () => {
    const c = makeCalendar({
      knownYears: [2030],
      holidays: [['2030-03-04', 'X']], // Monday
      workdays: [['2030-03-02', 'Y']], // Saturday
    });
    expect(addWorkingDays('2030-03-01', 1, c)).toEqual({ date: '2030-03-02', provisional: false, yearsUsed: [2030] });
    expect(addWorkingDays('2030-03-01', 2, c).date).toBe('2030-03-05');
  });

  test('250 working days is fast and matches a naive reference', () => {
    const r = addWorkingDays('2025-01-01', 250, cal);
    expect(r.date).toBe(referenceAddWorkingDays('2025-01-01', 250, cal));
    expect(r.provisional).toBe(false);
    const t0 = Date.now();
    for (let i = 0; i < 1000; i++) addWorkingDays('2025-01-01', 250, cal);
    expect(Date.now() - t0).toBeLessThan(5000);
  });

  test.each([0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY])('n=%s throws RangeError', (n) => {
    expect(() => addWorkingDays('2026-09-24', n, cal)).toThrow(RangeError);
  });

  test.each(['2026-9-24', '2026-02-29', '20260924', '', 'not a date', '2026-09-24T00:00:00'])('bad from date %j throws RangeError', (from) => {
    expect(() => addWorkingDays(from, 1, cal)).toThrow(RangeError);
  });
});

describe('workingDaysBetween', () => {
  test('DOMAIN.md example', () => {
    expect(workingDaysBetween('2026-09-24', '2026-10-15', cal)).toEqual({ count: 10, provisional: false });
    expect(workingDaysBetween('2026-09-24', '2026-10-14', cal)).toEqual({ count: 9, provisional: false });
  });

  test('National Day 2025 window', () => {
    // 09-28, 09-29, 09-30, 10-09, 10-10, 10-11
    expect(workingDaysBetween('2025-09-26', '2025-10-12', cal)).toEqual({ count: 6, provisional: false });
  });

  test('Spring Festival 2026 window', () => {
    // 02-14, 02-24, 02-25, 02-26, 02-27, 02-28
    expect(workingDaysBetween('2026-02-13', '2026-02-28', cal)).toEqual({ count: 6, provisional: false });
  });

  test('empty and reversed ranges are 0', () => {
    expect(workingDaysBetween('2026-09-24', '2026-09-24', cal)).toEqual({ count: 0, provisional: false });
    expect(workingDaysBetween('2026-10-15', '2026-09-24', cal)).toEqual({ count: 0, provisional: false });
    expect(workingDaysBetween('2026-09-24', '2026-09-27', cal)).toEqual({ count: 0, provisional: false });
  });

  test('a range reaching an unknown year is provisional', () => {
    expect(workingDaysBetween('2026-12-24', '2027-01-07', cal)).toEqual({ count: 10, provisional: true });
  });

  test('working days per year match the official notices', () => {
    // 2026: 261 weekdays − 19 holidays on weekdays (元旦 2, 春节 6, 清明 1, 劳动节 3, 端午 1, 中秋 1, 国庆 5) + 6 adjusted weekends
    expect(workingDaysBetween('2025-12-31', '2026-12-31', cal)).toEqual({ count: 248, provisional: false });
    expect(workingDaysBetween('2024-12-31', '2025-12-31', cal)).toEqual({ count: 248, provisional: false });
    expect(workingDaysBetween('2023-12-31', '2024-12-31', cal)).toEqual({ count: 251, provisional: false });
  });

  test('consistency with addWorkingDays', () => {
    for (const from of ['2024-09-13', '2025-09-26', '2025-12-30', '2026-02-13', '2026-09-24', '2026-12-24']) {
      for (const n of [1, 2, 3, 5, 10, 20, 60]) {
        const r = addWorkingDays(from, n, cal);
        expect(workingDaysBetween(from, r.date, cal).count).toBe(n);
        expect(workingDaysBetween(from, addDays(r.date, -1), cal).count).toBe(n - 1);
      }
    }
  });
});

describe('Shanghai instants', () => {
  test('shanghaiDate around midnight UTC+8', () => {
    expect(shanghaiDate(new Date('2026-09-23T16:30:00Z'))).toBe('2026-09-24');
    expect(shanghaiDate(new Date('2026-09-23T16:00:00Z'))).toBe('2026-09-24');
    expect(shanghaiDate(new Date('2026-09-23T15:59:59.999Z'))).toBe('2026-09-23');
    expect(shanghaiDate(Date.parse('2026-12-31T16:00:00Z'))).toBe('2027-01-01');
    expect(shanghaiDate(0)).toBe('1970-01-01');
    expect(shanghaiDate(Date.UTC(1969, 11, 31, 15, 59, 59, 999))).toBe('1969-12-31');
    expect(shanghaiDate(Date.UTC(1969, 11, 31, 16))).toBe('1970-01-01');
  });

  test('startOfShanghaiDay / endOfShanghaiDay', () => {
    expect(startOfShanghaiDay('2026-09-24').toISOString()).toBe('2026-09-23T16:00:00.000Z');
    expect(endOfShanghaiDay('2026-10-15').toISOString()).toBe('2026-10-15T15:59:59.999Z');
    expect(endOfShanghaiDay('2026-10-15').getTime() + 1).toBe(startOfShanghaiDay('2026-10-16').getTime());
    expect(shanghaiDate(startOfShanghaiDay('2026-01-01'))).toBe('2026-01-01');
    expect(shanghaiDate(endOfShanghaiDay('2026-01-01'))).toBe('2026-01-01');
    expect(() => startOfShanghaiDay('2026-13-01')).toThrow(RangeError);
  });

  test('formatShanghai', () => {
    expect(formatShanghai(endOfShanghaiDay('2026-10-15'))).toBe('2026-10-15T23:59:59.999+08:00');
    expect(formatShanghai(startOfShanghaiDay('2026-09-24'))).toBe('2026-09-24T00:00:00.000+08:00');
    expect(formatShanghai(new Date('2026-09-23T16:30:00Z'))).toBe('2026-09-24T00:30:00.000+08:00');
    expect(formatShanghai(0)).toBe('1970-01-01T08:00:00.000+08:00');
    expect(formatShanghai(Date.UTC(1969, 11, 31, 15, 0, 0, 5))).toBe('1969-12-31T23:00:00.005+08:00');
    // round-trips through Date.parse
    const s = formatShanghai(Date.UTC(2026, 4, 17, 3, 4, 5, 6));
    expect(s).toBe('2026-05-17T11:04:05.006+08:00');
    expect(Date.parse(s)).toBe(Date.UTC(2026, 4, 17, 3, 4, 5, 6));
    expect(() => formatShanghai(new Date('garbage'))).toThrow(RangeError);
  });
});

describe('calendar-day arithmetic', () => {
  test('addDays', () => {
    expect(addDays('2026-02-28', 1)).toBe('2026-03-01');
    expect(addDays('2024-02-28', 1)).toBe('2024-02-29');
    expect(addDays('2026-01-01', -1)).toBe('2025-12-31');
    expect(addDays('1900-02-28', 1)).toBe('1900-03-01');
    expect(addDays('2000-02-28', 1)).toBe('2000-02-29');
    expect(addDays('2026-09-24', 0)).toBe('2026-09-24');
    expect(addDays('2026-09-24', 365)).toBe('2027-09-24');
    expect(() => addDays('2026-09-24', 0.5)).toThrow(RangeError);
  });

  test('addMonths clamps to month end', () => {
    expect(addMonths('2026-08-31', 6)).toBe('2027-02-28');
    expect(addMonths('2027-08-31', 6)).toBe('2028-02-29');
    expect(addMonths('2026-01-31', 1)).toBe('2026-02-28');
    expect(addMonths('2026-01-31', 3)).toBe('2026-04-30');
    expect(addMonths('2026-03-31', -1)).toBe('2026-02-28');
    expect(addMonths('2026-01-15', -1)).toBe('2025-12-15');
    expect(addMonths('2026-05-15', 12)).toBe('2027-05-15');
    expect(addMonths('2026-05-15', -25)).toBe('2024-04-15');
    expect(addMonths('2026-05-15', 0)).toBe('2026-05-15');
    expect(() => addMonths('2026-02-30', 1)).toThrow(RangeError);
  });

  test('isValidDate', () => {
    expect(isValidDate('2026-09-24')).toBe(true);
    expect(isValidDate('2024-02-29')).toBe(true);
    expect(isValidDate('2000-02-29')).toBe(true);
    expect(isValidDate('1900-02-29')).toBe(false);
    expect(isValidDate('2026-02-29')).toBe(false);
    expect(isValidDate('2026-04-31')).toBe(false);
    expect(isValidDate('2026-13-01')).toBe(false);
    expect(isValidDate('2026-00-10')).toBe(false);
    expect(isValidDate('2026-01-00')).toBe(false);
    expect(isValidDate('2026-1-1')).toBe(false);
    expect(isValidDate(' 2026-01-01')).toBe(false);
    expect(isValidDate('2026-01-01T00:00')).toBe(false);
    expect(isValidDate('')).toBe(false);
    expect(isValidDate(undefined as unknown as string)).toBe(false);
  });
});

describe('workingDayDeadline', () => {
  const opened = new Date('2026-09-24T10:15:00+08:00');

  test('N=10 from 2026-09-24: due end of 10-15, warn at start of 9th working day (10-14)', () => {
    const d = workingDayDeadline(opened, 10, cal);
    expect(d.dueOn).toBe('2026-10-15');
    expect(formatShanghai(d.dueAt)).toBe('2026-10-15T23:59:59.999+08:00');
    expect(formatShanghai(d.warnAt)).toBe('2026-10-14T00:00:00.000+08:00');
    expect(d.provisional).toBe(false);
    expect(d.yearsUsed).toEqual([2026]);
  });

  test('warnDaysLeft=5 warns at start of the 6th working day', () => {
    const d = workingDayDeadline(opened, 10, cal, 5);
    expect(formatShanghai(d.warnAt)).toBe('2026-10-10T00:00:00.000+08:00');
  });

  test('N=1 (<= warnDaysLeft): warnAt = openedAt', () => {
    const d = workingDayDeadline(opened, 1, cal);
    expect(d.dueOn).toBe('2026-09-28');
    expect(formatShanghai(d.dueAt)).toBe('2026-09-28T23:59:59.999+08:00');
    expect(d.warnAt.getTime()).toBe(opened.getTime());
    expect(d.warnAt).not.toBe(opened); // a copy, not the caller's object
    expect(workingDayDeadline(opened, 2, cal).warnAt.getTime()).toBe(opened.getTime());
  });

  test('N=3: warn at start of the 2nd working day', () => {
    const d = workingDayDeadline(opened, 3, cal);
    expect(d.dueOn).toBe('2026-09-30');
    expect(formatShanghai(d.warnAt)).toBe('2026-09-29T00:00:00.000+08:00');
  });

  test('the opening day is taken in Shanghai time', () => {
    // 00:30 on 09-24 in Shanghai (still 09-23 in UTC)
    expect(workingDayDeadline(new Date('2026-09-23T16:30:00Z'), 10, cal).dueOn).toBe('2026-10-15');
    // 23:59:59.999 on 09-23 in Shanghai: 09-24 is working day 1
    expect(workingDayDeadline(new Date('2026-09-23T15:59:59.999Z'), 10, cal).dueOn).toBe('2026-10-14');
    // numeric instants accepted
    expect(workingDayDeadline(opened.getTime(), 10, cal).dueOn).toBe('2026-10-15');
  });

  test('opened on a holiday', () => {
    const d = workingDayDeadline(new Date('2025-10-03T09:00:00+08:00'), 1, cal);
    expect(d.dueOn).toBe('2025-10-09');
  });

  test('crossing into a year without data is provisional', () => {
    const d = workingDayDeadline(new Date('2026-12-24T09:00:00+08:00'), 10, cal);
    expect(d.dueOn).toBe('2027-01-07');
    expect(d.provisional).toBe(true);
    expect(d.yearsUsed).toEqual([2026, 2027]);
    expect(formatShanghai(d.warnAt)).toBe('2027-01-06T00:00:00.000+08:00');
  });

  test('invalid input', () => {
    expect(() => workingDayDeadline(opened, 0, cal)).toThrow(RangeError);
    expect(() => workingDayDeadline(opened, 2.5, cal)).toThrow(RangeError);
    expect(() => workingDayDeadline(new Date('nope'), 10, cal)).toThrow(RangeError);
    expect(() => workingDayDeadline(Number.NaN, 10, cal)).toThrow(RangeError);
    expect(() => workingDayDeadline(opened, 10, cal, 0)).toThrow(RangeError);
    expect(() => workingDayDeadline(opened, 10, cal, 1.5)).toThrow(RangeError);
  });
});

describe('makeCalendar', () => {
  test('copies input and validates dates', () => {
    const c = makeCalendar({ knownYears: [2030, 2030], holidays: [['2030-01-01', '元旦']], workdays: [] });
    expect([...c.knownYears]).toEqual([2030]);
    expect(c.holidays.get('2030-01-01')).toBe('元旦');
    expect(() => makeCalendar({ knownYears: [], holidays: [['2030-02-30', 'x']], workdays: [] })).toThrow(RangeError);
    expect(() => makeCalendar({ knownYears: [], holidays: [], workdays: [['2030/01/05', 'x']] })).toThrow(RangeError);
    expect(() => makeCalendar({ knownYears: [2030.5], holidays: [], workdays: [] })).toThrow(RangeError);
  });

  test('a hand-built CalendarData works, and later additions to its maps are honoured', () => {
    const holidays = new Map<string, string>();
    const c: CalendarData = { knownYears: new Set([2030]), holidays, workdays: new Map() };
    expect(addWorkingDays('2030-03-01', 1, c).date).toBe('2030-03-04');
    holidays.set('2030-03-04', 'X');
    expect(addWorkingDays('2030-03-01', 1, c).date).toBe('2030-03-05');
    expect(workingDaysBetween('2030-03-01', '2030-03-05', c).count).toBe(1);
  });

  test('a date cannot be both a holiday and an adjusted working day', () => {
    expect(() => makeCalendar({ knownYears: [2030], holidays: [['2030-01-05', 'a']], workdays: [['2030-01-05', 'b']] })).toThrow(RangeError);
  });
});

describe('properties (fast-check)', () => {
  const FIRST = Date.UTC(2003, 0, 1) / 86_400_000;
  const LAST = Date.UTC(2028, 11, 31) / 86_400_000;
  const dateArb = fc.integer({ min: FIRST, max: LAST }).map((z) => addDays('1970-01-01', z));
  const nArb = fc.integer({ min: 1, max: 300 });

  test('addWorkingDays lands on a working day, and workingDaysBetween inverts it', () => {
    fc.assert(
      fc.property(dateArb, nArb, (from, n) => {
        const r = addWorkingDays(from, n, cal);
        expect(r.date > from).toBe(true);
        expect(isWorkingDay(r.date, cal).working).toBe(true);
        const between = workingDaysBetween(from, r.date, cal);
        expect(between.count).toBe(n);
        expect(between.provisional).toBe(r.provisional);
        expect(workingDaysBetween(from, addDays(r.date, -1), cal).count).toBe(n - 1);
        expect(r.provisional).toBe(r.yearsUsed.some((y) => !cal.knownYears.has(y)));
        expect(r.yearsUsed[0]).toBe(Number(addDays(from, 1).slice(0, 4)));
        expect(r.yearsUsed[r.yearsUsed.length - 1]).toBe(Number(r.date.slice(0, 4)));
      }),
      { numRuns: 300 },
    );
  });

  test('addWorkingDays agrees with a naive Date-based reference', () => {
    fc.assert(
      fc.property(dateArb, nArb, (from, n) => {
        expect(addWorkingDays(from, n, cal).date).toBe(referenceAddWorkingDays(from, n, cal));
      }),
      { numRuns: 200 },
    );
  });

  test('addWorkingDays is additive: (from + a) + b = from + (a + b)', () => {
    fc.assert(
      fc.property(dateArb, fc.integer({ min: 1, max: 100 }), fc.integer({ min: 1, max: 100 }), (from, a, b) => {
        const step = addWorkingDays(addWorkingDays(from, a, cal).date, b, cal).date;
        expect(step).toBe(addWorkingDays(from, a + b, cal).date);
      }),
      { numRuns: 200 },
    );
  });

  test('shanghaiDate / startOfShanghaiDay / endOfShanghaiDay bracket every instant', () => {
    fc.assert(
      fc.property(fc.integer({ min: Date.UTC(1950, 0, 1), max: Date.UTC(2100, 0, 1) }), (ms) => {
        const d = shanghaiDate(ms);
        expect(startOfShanghaiDay(d).getTime()).toBeLessThanOrEqual(ms);
        expect(endOfShanghaiDay(d).getTime()).toBeGreaterThanOrEqual(ms);
        expect(Date.parse(formatShanghai(ms))).toBe(ms);
        expect(formatShanghai(ms).slice(0, 10)).toBe(d);
      }),
      { numRuns: 500 },
    );
  });
});
