/**
 * The recorded histories replay with the tracing interceptors in the bundle too (platform/tracing/workflowInterceptors.ts,
 * as a tracing worker runs them): they change only headers of scheduled activities, never the commands.
 */
import fs from 'node:fs';
import path from 'node:path';
import { Worker, bundleWorkflowCode } from '@temporalio/worker';
import { temporal } from '@temporalio/proto';
import { makeWorkflowExporter } from '@temporalio/interceptors-opentelemetry';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { workflowBundleInterceptorModules } from '../../runtime/tracing';

jest.setTimeout(300_000);

const dir = path.join(__dirname, '..', 'histories');
const files = fs
  .readdirSync(dir)
  .filter((f) => f.endsWith('.history.json'))
  .sort();
let code: string;

beforeAll(async () => {
  ({ code } = await bundleWorkflowCode({
    workflowsPath: require.resolve('../../workflows'),
    workflowInterceptorModules: workflowBundleInterceptorModules(),
    logger: { info() {}, warn() {}, error() {}, debug() {}, trace() {}, log() {} } as never,
  }));
});

test('every recorded history replays against the bundle with the tracing interceptors', async () => {
  const sinks = { exporter: makeWorkflowExporter(new SimpleSpanProcessor(new InMemorySpanExporter()) as never, resourceFromAttributes({}) as never) };
  expect(files.length).toBeGreaterThan(0);
  for (const file of files) {
    const recorded = JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8')) as { workflowId: string; historyProtobufBase64: string };
    const history = temporal.api.history.v1.History.decode(Buffer.from(recorded.historyProtobufBase64, 'base64'));
    await expect(Worker.runReplayHistory({ workflowBundle: { code }, sinks }, history, recorded.workflowId)).resolves.toBeUndefined();
  }
});
