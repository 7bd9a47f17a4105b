/**
 * A worker in a process of its own, so a test can SIGKILL it (run with `node --import tsx`). Env: TEMPORAL_ADDRESS,
 * DATABASE_URL, TASK_QUEUE, WORKFLOW_BUNDLE_PATH (the bundle globalSetup built), TEMPORAL_METRICS_PORT (optional:
 * the SDK's Prometheus exporter, as runtime/worker.ts sets it up). Prints "POLLING" once it polls.
 */
import { NativeConnection, Runtime, DefaultLogger } from '@temporalio/worker';
import { createAppWorker } from '../../runtime/workerFactory';
import { temporalMetricsTelemetry } from '../../runtime/telemetry';
import { createDb } from '../../db/connection';

async function main() {
  const telemetry = await temporalMetricsTelemetry((m) => process.stderr.write(`${m}\n`));
  const { bindAddress, ...metrics } = telemetry;
  Runtime.install({ logger: new DefaultLogger('ERROR'), ...(bindAddress ? { telemetryOptions: metrics } : {}) });
  const db = createDb(process.env.DATABASE_URL!);
  const connection = await NativeConnection.connect({ address: process.env.TEMPORAL_ADDRESS! });
  const worker = await createAppWorker({
    connection,
    namespace: 'default',
    taskQueue: process.env.TASK_QUEUE!,
    db,
    workflowBundlePath: process.env.WORKFLOW_BUNDLE_PATH,
  });
  const running = worker.run();
  process.stdout.write(`POLLING${bindAddress ? ` metrics=${bindAddress}` : ''}\n`);
  await running;
}
main().catch((err) => {
  process.stderr.write(`workerProcess failed: ${String(err)}\n`);
  process.exit(1);
});
