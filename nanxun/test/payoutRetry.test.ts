/**
 * Activities run at least once: a payout activity that crashes after its write and is retried pays once.
 */
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { timeSkippingEnv, uniqueTaskQueue, eventually } from '../../test/helpers/temporal';
import { freshDatabase, type TestDb } from '../../test/helpers/db';
import { startCertificateClaim, actor } from '../../test/helpers/claims';
import { decideUpdate } from '../../platform/tasks/messages';
import { createAppWorker } from '../../runtime/workerFactory';
import { createActivities } from '../../activities';

let env: TestWorkflowEnvironment;
let tdb: TestDb;

beforeAll(async () => {
  [env, tdb] = await Promise.all([timeSkippingEnv(), freshDatabase()]);
});
afterAll(async () => {
  await env?.teardown();
  await tdb?.drop();
});

test('a payout retried after a crash between its write and its completion pays once', async () => {
  const taskQueue = uniqueTaskQueue('payout');
  const real = createActivities(tdb.db);
  let calls = 0;
  const worker = await createAppWorker({
    connection: env.nativeConnection,
    namespace: 'default',
    taskQueue,
    db: tdb.db,
    workflowBundlePath: process.env.WORKFLOW_BUNDLE_PATH,
    extra: {
      activities: {
        ...real,
        async payWithinBudget(input: Parameters<typeof real.payWithinBudget>[0]) {
          calls++;
          const result = await real.payWithinBudget(input);
          // the first attempt wrote the payment, then the worker "crashed" before reporting completion
          if (calls === 1) throw new Error('simulated crash after the write');
          return result;
        },
      },
    },
  });
  await worker.runUntil(async () => {
    const c = await startCertificateClaim(env.client, tdb.db, taskQueue, { level: 'junior' });
    const task = (k: string) => tdb.db.selectFrom('task').selectAll().where('id', '=', c.taskId(k)).executeTakeFirst();
    await eventually(() => task('unit_verification'), 'unit task');
    await c.handle.executeUpdate(decideUpdate, {
      args: [{ taskId: c.taskId('unit_verification'), actor: await actor(tdb.db, 'unit.jgjx'), decision: 'approve' }],
    });
    await c.handle.executeUpdate(decideUpdate, { args: [{ taskId: c.taskId('bureau_review'), actor: await actor(tdb.db, 'bureau1'), decision: 'approve' }] });
    const state = await c.handle.executeUpdate(decideUpdate, {
      args: [{ taskId: c.taskId('rereview'), actor: await actor(tdb.db, 'rereview.nxz'), decision: 'approve', fields: { amountYuan: 1000 } }],
    });
    expect(state.status).toBe('paid');
    expect(calls).toBe(2);
    const payouts = await tdb.db.selectFrom('payout').selectAll().where('claim_id', '=', c.id).execute();
    expect(payouts).toHaveLength(1);
    const claim = await tdb.db.selectFrom('claim').selectAll().where('id', '=', c.id).executeTakeFirstOrThrow();
    expect(claim.paid_yuan).toBe(1000);
    const paidEvents = await tdb.db.selectFrom('timeline').selectAll().where('subject_id', '=', c.id).where('event', '=', 'paid').execute();
    expect(paidEvents).toHaveLength(1);
  });
});
