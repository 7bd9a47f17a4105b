/** Report: the title-review sessions and their outcomes (the ballot's tallies once it closed). */
import { z } from 'zod';
import type { CsvColumns } from '../../platform/reports/csv';
import type { Db, ReportDefinition } from '../../platform/plugins/domainPlugin';

export const SessionRow = z.object({
  sessionId: z.string(),
  year: z.number().int().nullable(),
  level: z.string().nullable(),
  status: z.string().nullable(),
  applications: z.number().int(),
  passed: z.number().int(),
  failed: z.number().int(),
});

export const SESSIONS_CSV: CsvColumns = [
  ['year', '年度'],
  ['level', '级别'],
  ['status', '状态'],
  ['applications', '申报人数'],
  ['passed', '通过'],
  ['failed', '未通过'],
  ['sessionId', '评审会编号'],
];

/** an application's own outcome while its session's ballot has not closed */
const PASSED = ['passed', 'granted', 'certified', 'approved'];
const FAILED = ['failed', 'not_passed', 'rejected', 'disqualified', 'revoked'];

function outcome(a: { status: string; result: unknown }): string {
  const r = a.result as Record<string, unknown> | null;
  if (r && typeof r === 'object') return r.passed === true ? 'passed' : r.passed === false ? 'failed' : String(r.outcome ?? r.status ?? a.status);
  return a.status;
}

export async function sessionOutcomes(db: Db): Promise<z.infer<typeof SessionRow>[]> {
  const [sessions, apps] = await Promise.all([
    db.selectFrom('zj_session').select(['id', 'year', 'level', 'status', 'results']).orderBy('year').orderBy('id').execute(),
    db.selectFrom('zj_application').select(['session_id', 'status', 'result']).execute(),
  ]);
  return sessions.map((s) => {
    const mine = apps.filter((a) => a.session_id === s.id);
    // the ballot's tallies (results: [{ applicationId, passed }]) when closed, else each application's own outcome
    const tallies = Array.isArray(s.results) ? (s.results as { passed?: unknown }[]) : null;
    const base = { sessionId: s.id, year: s.year, level: s.level, status: s.status };
    if (tallies)
      return {
        ...base,
        applications: Math.max(mine.length, tallies.length),
        passed: tallies.filter((t) => t.passed === true).length,
        failed: tallies.filter((t) => t.passed === false).length,
      };
    return {
      ...base,
      applications: mine.length,
      passed: mine.filter((a) => PASSED.includes(outcome(a))).length,
      failed: mine.filter((a) => FAILED.includes(outcome(a))).length,
    };
  });
}

export const sessionsReport: ReportDefinition = {
  path: 'sessions',
  summary: 'Zhejiang title-review sessions and their outcomes',
  row: SessionRow,
  csv: SESSIONS_CSV,
  run: (db) => sessionOutcomes(db),
};
