/**
 * The raw ceiling: a workflow with the claim's 4 Updates and 11 activities, all no-ops (no HTTP, no SQL), started
 * and driven `n` times, `concurrency` at a time; and the round trip of an Update that does nothing, one at a time.
 */
import type { Client } from '@temporalio/client';
import { type NativeConnection, Worker } from '@temporalio/worker';
import { pool } from './pool';
import { dataConverter } from '../../platform/crypto/payloadCodec';

export async function measureCeiling(opts: { nc: NativeConnection; client: Client; n: number; warm: number; concurrency: number; noopUpdates: number }) {
  const { nc, client, concurrency } = opts;
  const ceilingWorker = await Worker.create({
    connection: nc,
    taskQueue: 'bench-ceiling',
    workflowsPath: require.resolve('./ceilingWorkflow'),
    activities: { noop: async () => undefined },
    dataConverter: dataConverter(),
  });
  const ceilingRun = ceilingWorker.run();
  const { benchDecide, benchSettled, benchNoop } = await import('./ceilingWorkflow');
  const ceilingOne = async (id: string) => {
    const h = await client.workflow.start('ceilingWorkflow', { taskQueue: 'bench-ceiling', workflowId: id });
    await h.executeUpdate(benchSettled);
    for (let s = 0; s < 3; s++) await h.executeUpdate(benchDecide, { args: ['approve'] });
    await h.result();
  };
  await pool(
    Array.from({ length: opts.warm }, (_, i) => `warm-${i}`),
    concurrency,
    (id) => ceilingOne(id),
  );
  const t0 = performance.now();
  await pool(
    Array.from({ length: opts.n }, (_, i) => `ceiling-${i}`),
    concurrency,
    (id) => ceilingOne(id),
  );
  const workflowsPerSecond = opts.n / ((performance.now() - t0) / 1000);
  const noopHandle = await client.workflow.start('ceilingWorkflow', { taskQueue: 'bench-ceiling', workflowId: 'bench-noop-update' });
  for (let i = 0; i < 10; i++) await noopHandle.executeUpdate(benchNoop);
  const noopMs: number[] = [];
  for (let i = 0; i < opts.noopUpdates; i++) {
    const t = performance.now();
    await noopHandle.executeUpdate(benchNoop);
    noopMs.push(performance.now() - t);
  }
  await noopHandle.terminate('bench: measured');
  ceilingWorker.shutdown();
  await ceilingRun;
  return { workflowsPerSecond, noopMs };
}
