/**
 * Business metrics read from Postgres at scrape time (api/metrics.ts serves them on /metrics). Each domain
 * contributes its families (composed in api/app.ts); the platform's are the inbox's and the reconciliation's.
 */
import { sql, type Kysely } from 'kysely';
import type { Database } from '../../db/schema';

export interface GaugeSample {
  labels: Record<string, string>;
  value: number;
}

export interface GaugeFamily {
  name: string;
  help: string;
  labelNames: readonly string[];
  collect(db: Kysely<Database>): Promise<GaugeSample[]>;
}

const rowsToSamples = <R extends Record<string, unknown>>(rows: R[], labels: (keyof R & string)[], value: keyof R & string): GaugeSample[] =>
  rows.map((r) => ({ labels: Object.fromEntries(labels.map((l) => [l, String(r[l] ?? '')])), value: Number(r[value]) }));

/** The inbox per stage (task kind) and organisation: open, overdue, decisions, deadlines missed. */
export const taskFamilies: GaugeFamily[] = [
  {
    name: 'zj_stage_tasks_open',
    help: 'open tasks (including those waiting for materials) per stage and organisation',
    labelNames: ['stage', 'org'],
    async collect(db) {
      const r = await sql<{ stage: string; org: string; n: string }>`
        select kind as stage, org_code as org, count(*) as n from task where state in ('open','paused') group by kind, org_code`.execute(db);
      return rowsToSamples(r.rows, ['stage', 'org'], 'n');
    },
  },
  {
    name: 'zj_stage_tasks_overdue',
    help: 'open tasks past their working-day deadline per stage and organisation',
    labelNames: ['stage', 'org'],
    async collect(db) {
      const r = await sql<{ stage: string; org: string; n: string }>`
        select kind as stage, org_code as org, count(*) as n from task
         where state = 'open' and (overdue_at is not null or due_at < now()) group by kind, org_code`.execute(db);
      return rowsToSamples(r.rows, ['stage', 'org'], 'n');
    },
  },
  {
    name: 'zj_decisions_last_hour',
    help: 'decisions taken in the last hour per stage and organisation',
    labelNames: ['stage', 'org'],
    async collect(db) {
      const r = await sql<{ stage: string; org: string; n: string }>`
        select kind as stage, org_code as org, count(*) as n from task
         where state = 'done' and decided_at > now() - interval '1 hour' group by kind, org_code`.execute(db);
      return rowsToSamples(r.rows, ['stage', 'org'], 'n');
    },
  },
  {
    name: 'zj_decisions',
    help: 'decisions taken (all time) per stage: rate() of it gives decisions per hour',
    labelNames: ['stage'],
    async collect(db) {
      const r = await sql<{ stage: string; n: string }>`select kind as stage, count(*) as n from task where state = 'done' group by kind`.execute(db);
      return rowsToSamples(r.rows, ['stage'], 'n');
    },
  },
  {
    name: 'zj_deadlines_missed',
    help: 'tasks whose working-day deadline passed undecided (all time, decided since or not) per stage and organisation',
    labelNames: ['stage', 'org'],
    async collect(db) {
      const r = await sql<{ stage: string; org: string; n: string }>`
        select kind as stage, org_code as org, count(*) as n from task where overdue_at is not null group by kind, org_code`.execute(db);
      return rowsToSamples(r.rows, ['stage', 'org'], 'n');
    },
  },
];

/** The latest finished reconciliation: its findings by kind, those a person must check, when it ran. */
export const reconciliationFamilies: GaugeFamily[] = [
  {
    name: 'zj_reconciliation_findings',
    help: 'findings of the latest finished reconciliation per kind (repaired or for a person)',
    labelNames: ['kind', 'needs_person'],
    async collect(db) {
      const r = await sql<{ kind: string; needs_person: boolean; n: string }>`
        select kind, needs_person, count(*) as n from reconciliation_finding
         where run_id = (select id from reconciliation_run where finished_at is not null order by finished_at desc limit 1)
         group by kind, needs_person`.execute(db);
      return rowsToSamples(r.rows, ['kind', 'needs_person'], 'n');
    },
  },
  {
    name: 'zj_reconciliation_last_run_timestamp_seconds',
    help: 'when the latest reconciliation finished (absent: never)',
    labelNames: [],
    async collect(db) {
      const r = await sql<{ t: string | null }>`select extract(epoch from max(finished_at)) as t from reconciliation_run`.execute(db);
      return r.rows[0]?.t == null ? [] : [{ labels: {}, value: Number(r.rows[0].t) }];
    },
  },
];
