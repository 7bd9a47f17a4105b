/** The Nanxun claims' business metrics (platform/metrics/gaugeFamilies.ts): the yearly instalment release's progress. */
import { sql } from 'kysely';
import type { GaugeFamily } from '../platform/metrics/gaugeFamilies';

export const nanxunMetricFamilies: GaugeFamily[] = [
  {
    name: 'zj_instalments',
    help: 'later-year instalments by the year they come due and their status (scheduled → released → in_review → paid)',
    labelNames: ['due_year', 'status'],
    async collect(db) {
      const r = await sql<{ due_year: string; status: string; n: string }>`
        select substr(due_on::text, 1, 4) as due_year, status, count(*) as n from instalment
         where due_on is not null group by 1, 2`.execute(db);
      return r.rows.map((x) => ({ labels: { due_year: x.due_year, status: x.status }, value: Number(x.n) }));
    },
  },
  {
    name: 'zj_instalments_due_unreleased',
    help: 'instalments due more than a day ago that the yearly release has not opened (the schedule did not run)',
    labelNames: [],
    async collect(db) {
      const r = await sql<{ n: string }>`
        select count(*) as n from instalment where status = 'scheduled' and due_on::date < (now() at time zone 'Asia/Shanghai')::date - 1`.execute(db);
      return [{ labels: {}, value: Number(r.rows[0]?.n ?? 0) }];
    },
  },
];
