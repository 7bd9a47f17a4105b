import { CHINESE_DAYS_SOURCE, officialCalendar, officialYear, officialYears } from '../calendarSource';

const dates = (list: { date: string }[]) => list.map((e) => e.date);

function weekday(date: string): number {
  return new Date(`${date}T00:00:00Z`).getUTCDay();
}

describe('calendarSource (chinese-days)', () => {
  test('CHINESE_DAYS_SOURCE names the package and its version', () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const pkg = require('chinese-days/package.json') as { version: string };
    expect(CHINESE_DAYS_SOURCE).toBe(`chinese-days@${pkg.version}`);
    expect(CHINESE_DAYS_SOURCE).toMatch(/^chinese-days@\d+\.\d+\.\d+/);
  });

  test('officialYears covers 2004–2026 contiguously, ascending', () => {
    const years = officialYears();
    expect(years[0]).toBe(2004);
    expect(years).toContain(2026);
    for (let i = 1; i < years.length; i++) expect(years[i]).toBe((years[i - 1] ?? 0) + 1);
    // returns a copy
    years.push(1999);
    expect(officialYears()).not.toContain(1999);
  });

  test('years without data', () => {
    expect(officialYear(2003)).toBeUndefined();
    expect(officialYear(2100)).toBeUndefined();
  });

  test('2026 matches the State Council notice (国办发明电〔2025〕7号)', () => {
    const y = officialYear(2026);
    expect(y).toBeDefined();
    if (!y) return;
    expect(y.year).toBe(2026);
    expect(dates(y.holidays)).toEqual([
      '2026-01-01',
      '2026-01-02',
      '2026-01-03',
      '2026-02-15',
      '2026-02-16',
      '2026-02-17',
      '2026-02-18',
      '2026-02-19',
      '2026-02-20',
      '2026-02-21',
      '2026-02-22',
      '2026-02-23',
      '2026-04-04',
      '2026-04-05',
      '2026-04-06',
      '2026-05-01',
      '2026-05-02',
      '2026-05-03',
      '2026-05-04',
      '2026-05-05',
      '2026-06-19',
      '2026-06-20',
      '2026-06-21',
      '2026-09-25',
      '2026-09-26',
      '2026-09-27',
      '2026-10-01',
      '2026-10-02',
      '2026-10-03',
      '2026-10-04',
      '2026-10-05',
      '2026-10-06',
      '2026-10-07',
    ]);
    expect(dates(y.workdays)).toEqual(['2026-01-04', '2026-02-14', '2026-02-28', '2026-05-09', '2026-09-20', '2026-10-10']);
    expect(y.holidays.find((h) => h.date === '2026-10-01')?.name).toBe('国庆节');
    expect(y.holidays.find((h) => h.date === '2026-02-15')?.name).toBe('春节');
    expect(y.holidays.find((h) => h.date === '2026-01-01')?.name).toBe('元旦');
    expect(y.holidays.find((h) => h.date === '2026-09-25')?.name).toBe('中秋');
    expect(y.workdays.find((w) => w.date === '2026-10-10')?.name).toBe('国庆节');
  });

  test('2025 matches the State Council notice', () => {
    const y = officialYear(2025);
    if (!y) throw new Error('2025 missing');
    expect(dates(y.holidays)).toEqual([
      '2025-01-01',
      '2025-01-28',
      '2025-01-29',
      '2025-01-30',
      '2025-01-31',
      '2025-02-01',
      '2025-02-02',
      '2025-02-03',
      '2025-02-04',
      '2025-04-04',
      '2025-04-05',
      '2025-04-06',
      '2025-05-01',
      '2025-05-02',
      '2025-05-03',
      '2025-05-04',
      '2025-05-05',
      '2025-05-31',
      '2025-06-01',
      '2025-06-02',
      '2025-10-01',
      '2025-10-02',
      '2025-10-03',
      '2025-10-04',
      '2025-10-05',
      '2025-10-06',
      '2025-10-07',
      '2025-10-08',
    ]);
    expect(dates(y.workdays)).toEqual(['2025-01-26', '2025-02-08', '2025-04-27', '2025-09-28', '2025-10-11']);
  });

  test('2024 matches the State Council notice', () => {
    const y = officialYear(2024);
    if (!y) throw new Error('2024 missing');
    expect(dates(y.holidays)).toEqual([
      '2024-01-01',
      '2024-02-10',
      '2024-02-11',
      '2024-02-12',
      '2024-02-13',
      '2024-02-14',
      '2024-02-15',
      '2024-02-16',
      '2024-02-17',
      '2024-04-04',
      '2024-04-05',
      '2024-04-06',
      '2024-05-01',
      '2024-05-02',
      '2024-05-03',
      '2024-05-04',
      '2024-05-05',
      '2024-06-10',
      '2024-09-15',
      '2024-09-16',
      '2024-09-17',
      '2024-10-01',
      '2024-10-02',
      '2024-10-03',
      '2024-10-04',
      '2024-10-05',
      '2024-10-06',
      '2024-10-07',
    ]);
    expect(dates(y.workdays)).toEqual(['2024-02-04', '2024-02-18', '2024-04-07', '2024-04-28', '2024-05-11', '2024-09-14', '2024-09-29', '2024-10-12']);
  });

  test('data sanity for every year', () => {
    for (const year of officialYears()) {
      const y = officialYear(year);
      if (!y) throw new Error(`${year} missing`);
      const hol = new Set(dates(y.holidays));
      for (const e of [...y.holidays, ...y.workdays]) {
        expect(e.date).toMatch(new RegExp(`^${year}-\\d{2}-\\d{2}$`));
        expect(e.name).toMatch(/^[\u4e00-\u9fff0-9]+$/); // Chinese name only (may contain digits, e.g. "…70周年纪念日")
      }
      for (const w of y.workdays) {
        expect([0, 6]).toContain(weekday(w.date)); // adjusted working days are weekend days
        expect(hol.has(w.date)).toBe(false);
      }
      expect(y.holidays.length).toBeGreaterThan(0);
    }
  });

  test('officialCalendar knows exactly the official years and is cached', () => {
    const cal = officialCalendar();
    expect([...cal.knownYears].sort((a, b) => a - b)).toEqual(officialYears());
    expect(cal.knownYears.has(2027)).toBe(false);
    expect(cal.holidays.get('2026-10-01')).toBe('国庆节');
    expect(cal.workdays.get('2025-09-28')).toBe('国庆节');
    expect(officialCalendar()).toBe(cal);
  });
});
