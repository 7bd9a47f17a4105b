/** The Temporal worker: the workflows of workflows/ and the activities of activities/, bound to one database. */
import v8 from 'node:v8';
import { type NativeConnection, Worker, type WorkerOptions } from '@temporalio/worker';
import { dataConverter } from '../platform/crypto/payloadCodec';
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema';
import { createActivities } from '../activities';
import { OpenTelemetryActivityInboundInterceptor, makeWorkflowExporter } from '@temporalio/interceptors-opentelemetry';
import { activeTracing, workflowBundleInterceptorModules } from './tracing';

/** with tracing on (runtime/tracing.ts): spans for workflows, their Updates and activities, in the request's trace */
function tracingOptions(prebuiltBundle: boolean): Partial<WorkerOptions> {
  const tracing = activeTracing();
  if (!tracing) return {};
  return {
    sinks: { exporter: makeWorkflowExporter(tracing.workflowSpanProcessor as never, tracing.resource as never) },
    interceptors: {
      // a prebuilt bundle must have been built with workflowBundleInterceptorModules()
      ...(prebuiltBundle ? {} : { workflowModules: workflowBundleInterceptorModules() }),
      activity: [(ctx) => ({ inbound: new OpenTelemetryActivityInboundInterceptor(ctx) })],
    },
  };
}

/**
 * Memory one cached workflow takes in the worker, as measured by the release row at 10,000 workflows on the real
 * server (docs/performance.md, 2026-12-08: 238 KB waiting, 288 KB with its task open, with the SDK's shared V8
 * context, since every workflow holds its own instance of the bundle's modules), rounded up.
 */
export const CACHED_WORKFLOW_KB = 320;

/**
 * How the worker is sized (docs/performance.md measures it), from the environment:
 * - WORKER_MAX_CACHED_WORKFLOWS: workflows kept in memory between their tasks. A workflow not in the cache is
 *   replayed from its whole history when it next wakes; the yearly release wakes every due shortage-talent claim at
 *   once, so a cache smaller than their number turns the release into thousands of replays. Default: as many as
 *   fit in three quarters of the V8 heap at CACHED_WORKFLOW_KB each (about 9,900 at Node's default 4 GB heap;
 *   give the worker process a larger heap with NODE_OPTIONS=--max-old-space-size=MB to hold more). The SDK's own
 *   default is far more cautious (about 2,300 at a 4 GB heap).
 * - WORKER_MAX_CONCURRENT_WORKFLOW_TASKS (default 100), WORKER_MAX_CONCURRENT_ACTIVITIES (default 200): task slots;
 *   the activities are short Postgres writes: past the database pool's 10 connections they queue.
 */
export function workerTuning(
  env: NodeJS.ProcessEnv = process.env,
): Pick<WorkerOptions, 'maxCachedWorkflows' | 'maxConcurrentWorkflowTaskExecutions' | 'maxConcurrentActivityTaskExecutions'> {
  const int = (name: string, dflt: number) => {
    const v = env[name];
    if (!v) return dflt;
    const n = Number(v);
    if (!Number.isInteger(n) || n < 2) throw new Error(`${name} must be an integer of at least 2, got ${v}`);
    return n;
  };
  return {
    maxCachedWorkflows: int('WORKER_MAX_CACHED_WORKFLOWS', Math.floor((v8.getHeapStatistics().heap_size_limit * 0.75) / 1024 / CACHED_WORKFLOW_KB)),
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
    dataConverter: dataConverter(),
    ...workerTuning(),
    ...tracingOptions(!!opts.workflowBundlePath),
    ...opts.extra,
  });
}
