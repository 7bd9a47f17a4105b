/** The business metrics on /metrics follow a claim as it moves through its stages (read from Postgres at scrape). */
import type { Express } from 'express';
import request from 'supertest';
import { useTimeSkippingTestbed, type Testbed } from '../helpers/temporal';
import { startCertificateClaim } from '../helpers/claims';
import { decideClaimTask } from '../helpers/claimTasks';
import { testApp } from '../helpers/app';

let t: Testbed;
let app: Express;
useTimeSkippingTestbed('metrics', (tb) => {
  t = tb;
  app = testApp(t.tdb.db, t.env.client, t.taskQueue);
});

/** The value of one sample (0 when the series is absent). */
async function sample(name: string, labels: Record<string, string> = {}): Promise<number> {
  const res = await request(app).get('/metrics');
  expect(res.status).toBe(200);
  const want = Object.entries(labels).map(([k, v]) => `${k}="${v}"`);
  for (const line of res.text.split('\n')) {
    const m = /^([a-z_]+)(?:\{([^}]*)\})? (\S+)$/.exec(line);
    if (!m || m[1] !== name) continue;
    const have = (m[2] ?? '').split(',').filter(Boolean);
    if (want.every((w) => have.includes(w)) && have.length === want.length) return Number(m[3]);
  }
  return 0;
}

test('open tasks, decisions and the Temporal server are seen on /metrics as a claim moves', async () => {
  const unit = { stage: 'unit_verification', org: 'NX-E-JGJX' };
  const bureau = { stage: 'bureau_review', org: 'NX-YJGLJ' };
  const before = { unit: await sample('zj_stage_tasks_open', unit), bureau: await sample('zj_stage_tasks_open', bureau) };
  const decided = await sample('zj_decisions_last_hour', unit);
  const c = await startCertificateClaim(t.env.client, t.tdb.db, t.taskQueue, { level: 'junior' });
  await decideClaimTask(t.tdb.db, c, 'unit_verification', 'unit.jgjx', { decision: 'approve', fields: {} }, { open: true });
  expect(await sample('zj_stage_tasks_open', unit)).toBe(before.unit);
  expect(await sample('zj_decisions_last_hour', unit)).toBe(decided + 1);
  expect(await sample('zj_decisions', { stage: 'unit_verification' })).toBeGreaterThanOrEqual(1);

  // the bureau's review waits: open, then past its 10 working days overdue and a deadline missed
  expect(await sample('zj_stage_tasks_open', bureau)).toBe(before.bureau + 1);
  const overdue = await sample('zj_stage_tasks_overdue', bureau);
  const missed = await sample('zj_deadlines_missed', bureau);
  await t.env.sleep(30 * 24 * 3600_000);
  const taskId = c.taskId('bureau_review');
  for (let i = 0; i < 100; i++) {
    const row = await t.tdb.db.selectFrom('task').select('overdue_at').where('id', '=', taskId).executeTakeFirstOrThrow();
    if (row.overdue_at) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  expect(await sample('zj_stage_tasks_overdue', bureau)).toBe(overdue + 1);
  expect(await sample('zj_deadlines_missed', bureau)).toBe(missed + 1);
  expect(await sample('zj_metrics_db_up')).toBe(1);
  expect(await sample('zj_temporal_up')).toBe(1);
});
