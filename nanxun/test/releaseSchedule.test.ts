/**
 * The yearly release as a Temporal Schedule, on the dev server (the time-skipping server has no Schedules):
 * created idempotently, its date configurable, and triggering it runs the release.
 */
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { devServerEnv, startWorker, uniqueTaskQueue, eventually } from '../../test/helpers/temporal';
import { freshDatabase, type TestDb } from '../../test/helpers/db';
import { ensureInstalmentReleaseSchedule, releaseDateFromEnv, INSTALMENT_RELEASE_SCHEDULE_ID } from '../../runtime/schedules';
import { startCertificateClaim } from '../../test/helpers/claims';

let env: TestWorkflowEnvironment;
let tdb: TestDb;
let taskQueue: string;
let stopWorker: () => Promise<void>;

beforeAll(async () => {
  [env, tdb] = await Promise.all([devServerEnv(), freshDatabase()]);
  taskQueue = uniqueTaskQueue('schedule');
  ({ stop: stopWorker } = await startWorker(env, tdb.db, taskQueue));
});
afterAll(async () => {
  await stopWorker?.();
  await env?.teardown();
  await tdb?.drop();
});

test('the release date is validated', () => {
  expect(releaseDateFromEnv('12-01')).toEqual({ month: 12, dayOfMonth: 1 });
  expect(() => releaseDateFromEnv('02-30')).toThrow(/MM-DD/);
  expect(() => releaseDateFromEnv('2026-12-01')).toThrow(/MM-DD/);
});

test('the Schedule is created once, follows the configured date, and runs the release when triggered', async () => {
  expect(await ensureInstalmentReleaseSchedule(env.client, { taskQueue, month: 12, dayOfMonth: 1 })).toBe('created');
  expect(await ensureInstalmentReleaseSchedule(env.client, { taskQueue, month: 3, dayOfMonth: 15 })).toBe('updated');
  const handle = env.client.schedule.getHandle(INSTALMENT_RELEASE_SCHEDULE_ID);
  const d = await handle.describe();
  expect(d.spec.timezone).toBe('Asia/Shanghai');
  expect(JSON.stringify(d.spec.calendars)).toContain('MARCH');
  expect(d.action).toMatchObject({ type: 'startWorkflow', workflowType: 'instalmentReleaseWorkflow', taskQueue });
  const next = d.info.nextActionTimes[0]!;
  expect(new Date(next.getTime() + 8 * 3600_000).toISOString().slice(5, 16)).toBe('03-15T09:00');

  // a due instalment whose claim has already ended is closed by the release
  const c = await startCertificateClaim(env.client, tdb.db, taskQueue, { applicant: 'applicant2' });
  // the workflow records its claim as its first step: let it, then end it
  await eventually(() => tdb.db.selectFrom('instalment').select('status').where('claim_id', '=', c.id).executeTakeFirst(), 'the claim recorded');
  await c.handle.terminate('test: the claim ended');
  await tdb.db.updateTable('instalment').set({ status: 'scheduled', due_on: '2020-01-01' }).where('claim_id', '=', c.id).execute();
  await handle.trigger();
  const row = await eventually(async () => {
    const r = await tdb.db.selectFrom('instalment').selectAll().where('claim_id', '=', c.id).executeTakeFirstOrThrow();
    return r.status === 'cancelled' ? r : null;
  }, 'the scheduled release');
  expect(row.cancelled_reason).toBe('the claim has ended');
  expect(row.release_id).toMatch(/^nanxun-instalment-release-scheduled/);
  await handle.delete();
});
