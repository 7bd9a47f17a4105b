/** The Temporal worker: the workflows of workflows/ and the activities of activities/, bound to one database. */
import { NativeConnection, Worker, type WorkerOptions } from '@temporalio/worker';
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema';
import { createActivities } from '../activities';

/**
 * How the worker is sized (docs/performance.md measures it), from the environment:
 * - WORKER_MAX_CACHED_WORKFLOWS: workflows kept in memory between their tasks (default 12,000). A workflow not in the
 *   cache is replayed from its whole history when it next wakes; the yearly release wakes every due shortage-talent
 *   claim at once, so a cache smaller than their number turns the release into thousands of replays. The SDK's
 *   own default is derived from the heap size (about 2,300 at a 4 GB heap).
 * - WORKER_MAX_CONCURRENT_WORKFLOW_TASKS (default 100), WORKER_MAX_CONCURRENT_ACTIVITIES (default 200): task slots;
 *   the activities are short Postgres writes: past the database pool's 10 connections they queue.
 */
export function workerTuning(env: NodeJS.ProcessEnv = process.env): Pick<WorkerOptions, 'maxCachedWorkflows' | 'maxConcurrentWorkflowTaskExecutions' | 'maxConcurrentActivityTaskExecutions'> {
  const int = (name: string, dflt: number) => {
    const v = env[name];
    if (!v) return dflt;
    const n = Number(v);
    if (!Number.isInteger(n) || n < 2) throw new Error(`${name} must be an integer of at least 2, got ${v}`);
    return n;
  };
  return {
    maxCachedWorkflows: int('WORKER_MAX_CACHED_WORKFLOWS', 12_000),
    maxConcurrentWorkflowTaskExecutions: int('WORKER_MAX_CONCURRENT_WORKFLOW_TASKS', 100),
    maxConcurrentActivityTaskExecutions: int('WORKER_MAX_CONCURRENT_ACTIVITIES', 200),
  };
}

export async function createAppWorker(opts: {
  connection: NativeConnection;
  namespace: string;
  taskQueue: string;
  db: Kysely<Database>;
  /** a prebuilt bundle (tests build it once); otherwise workflows/ is bundled now */
  workflowBundlePath?: string;
  extra?: Partial<WorkerOptions>;
}): Promise<Worker> {
  return Worker.create({
    connection: opts.connection,
    namespace: opts.namespace,
    taskQueue: opts.taskQueue,
    activities: createActivities(opts.db),
    ...(opts.workflowBundlePath ? { workflowBundle: { codePath: opts.workflowBundlePath } } : { workflowsPath: require.resolve('../workflows') }),
    ...workerTuning(),
    ...opts.extra,
  });
}
