/** Report: Zhejiang title-review sessions and their outcomes (empty until the title review is installed). */
import { z } from 'zod';
import { sql } from 'kysely';
import type { AppDeps } from '../http/deps';
import type { CsvColumns } from './csv';

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

/**
 * Session outcomes from the title-review tables, if they exist: the title review is built separately, so this
 * reads whatever is there and answers [] when its tables are not (yet) migrated.
 */
export async function sessionOutcomes(db: AppDeps['db']): Promise<z.infer<typeof SessionRow>[]> {
  const tables = await sql<{
    table_name: string;
  }>`select table_name from information_schema.tables where table_schema = current_schema() and table_name in ('review_session', 'zj_session', 'title_session', 'zj_application', 'title_application', 'review_application')`.execute(
    db,
  );
  const names = new Set(tables.rows.map((r) => r.table_name));
  const sessionTable = ['review_session', 'zj_session', 'title_session'].find((t) => names.has(t));
  const appTable = ['zj_application', 'title_application', 'review_application'].find((t) => names.has(t));
  if (!sessionTable) return [];
  try {
    const sessions = await sql<Record<string, unknown>>`select * from ${sql.table(sessionTable)}`.execute(db);
    const apps = appTable ? (await sql<Record<string, unknown>>`select * from ${sql.table(appTable)}`.execute(db)).rows : [];
    return sessions.rows.map((s) => {
      const mine = apps.filter((a) => String(a.session_id ?? '') === String(s.id));
      // the ballot's tallies (results: [{ applicationId, passed }]) when closed, else each application's own outcome
      const tallies = Array.isArray(s.results) ? (s.results as { passed?: unknown }[]) : null;
      const result = (a: Record<string, unknown>) => {
        const r = a.result as Record<string, unknown> | string | null | undefined;
        if (r && typeof r === 'object') return r.passed === true ? 'passed' : r.passed === false ? 'failed' : String(r.outcome ?? r.status ?? '');
        return String(r ?? a.status ?? '');
      };
      if (tallies) {
        return {
          sessionId: String(s.id),
          year: s.year == null ? null : Number(s.year),
          level: s.level == null ? null : String(s.level),
          status: s.status == null ? null : String(s.status),
          applications: Math.max(mine.length, tallies.length),
          passed: tallies.filter((t) => t.passed === true).length,
          failed: tallies.filter((t) => t.passed === false).length,
        };
      }
      return {
        sessionId: String(s.id),
        year: s.year == null ? null : Number(s.year),
        level: s.level == null ? null : String(s.level),
        status: s.status == null ? null : String(s.status),
        applications: mine.length,
        passed: mine.filter((a) => ['passed', 'granted', 'certified', 'approved'].includes(result(a)) || a.passed === true).length,
        failed: mine.filter((a) => ['failed', 'not_passed', 'rejected', 'disqualified', 'revoked'].includes(result(a)) || a.passed === false).length,
      };
    });
  } catch {
    return [];
  }
}
