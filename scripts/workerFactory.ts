/** The Temporal worker: the workflows of workflows/ and the activities of activities/, bound to one database. */
import { NativeConnection, Worker, type WorkerOptions } from '@temporalio/worker';
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema';
import { createActivities } from '../activities';

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
    ...opts.extra,
  });
}
