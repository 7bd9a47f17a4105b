/**
 * "See inside": one trace from a clerk's POST /api/v1/tasks/:id/decision down to the SQL UPDATE of the task.
 * The API and the worker run as `npm run api` / `npm run worker` do (runtime/api.ts, runtime/worker.ts, in processes
 * of their own: OpenTelemetry's http/express/pg instrumentation cannot hook modules loaded by Jest), tracing to
 * JSON-lines files (TRACES_DIR). The decision is written by the local activity that opens the next stage, which the
 * workflow's main loop schedules after the decide Update arrived: the trace must still run through.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { devServerEnv, eventually, uniqueTaskQueue } from '../helpers/temporal';
import { freshDatabase, type TestDb } from '../helpers/db';
import { spawnTs, type Child } from '../helpers/processes';
import { startCertificateClaim } from '../helpers/claims';
import { tokenFor } from '../helpers/titleReview';
import { freePort } from '../../tools/ports';
import type { SpanLine } from '../../runtime/tracing';

jest.setTimeout(300_000);

let env: TestWorkflowEnvironment;
let tdb: TestDb;
let tracesDir: string;
const children: Child[] = [];

beforeAll(async () => {
  [env, tdb] = await Promise.all([devServerEnv(), freshDatabase()]);
  tracesDir = fs.mkdtempSync(path.join(process.env.TEST_TMP_DIR!, 'traces-'));
});
afterAll(async () => {
  for (const c of children) {
    if (c.proc.exitCode === null) c.proc.kill('SIGTERM');
    await Promise.race([c.exited, new Promise((r) => setTimeout(r, 20_000).unref())]);
    if (c.proc.exitCode === null && c.proc.signalCode === null) c.proc.kill('SIGKILL');
  }
  await env?.teardown();
  await tdb?.drop();
});

const readSpans = (): SpanLine[] =>
  fs
    .readdirSync(tracesDir)
    .filter((f) => f.endsWith('.jsonl'))
    .flatMap((f) => fs.readFileSync(path.join(tracesDir, f), 'utf8').split('\n'))
    .filter(Boolean)
    .map((l) => JSON.parse(l) as SpanLine);

const statementOf = (s: SpanLine) => String(s.attributes['db.query.text'] ?? s.attributes['db.statement'] ?? '');

test('one trace runs from POST /api/v1/tasks/:id/decision through the Temporal client, the Update and the activity to the UPDATE of the task', async () => {
  const taskQueue = uniqueTaskQueue('tracing');
  const apiPort = await freePort();
  const common = {
    DATABASE_URL: tdb.url,
    TEMPORAL_ADDRESS: env.address,
    TEMPORAL_NAMESPACE: 'default',
    TASK_QUEUE: taskQueue,
    NODE_ENV: 'development',
    TRACES_DIR: tracesDir,
    TRACING: '',
    OTEL_EXPORTER_OTLP_ENDPOINT: '',
    TEMPORAL_METRICS_PORT: 'off',
    // the worker bundles the workflows itself, with the tracing interceptors
    WORKFLOW_BUNDLE_PATH: '',
    SMS_PROVIDER: 'none',
    LOG_LEVEL: 'info',
  };
  const worker = spawnTs('runtime/worker.ts', [], common);
  children.push(worker);
  const api = spawnTs('runtime/api.ts', [], { ...common, PORT: String(apiPort), JWT_SECRET: 'test-secret-for-jest-only-0123456789' });
  children.push(api);
  await Promise.all([worker.waitFor(/worker polling/, 240_000), api.waitFor(/api listening/, 120_000)]);

  const claim = await startCertificateClaim(env.client, tdb.db, taskQueue);
  const taskId = claim.taskId('unit_verification');
  await eventually(
    () => tdb.db.selectFrom('task').select('id').where('id', '=', taskId).where('state', '=', 'open').executeTakeFirst(),
    'the open task',
    60_000,
  );

  const res = await fetch(`http://127.0.0.1:${apiPort}/api/v1/tasks/${encodeURIComponent(taskId)}/decision`, {
    method: 'POST',
    headers: { authorization: `Bearer ${await tokenFor(tdb.db, 'unit.jgjx')}`, 'content-type': 'application/json', 'idempotency-key': `trace-${taskId}` },
    body: JSON.stringify({ decision: 'approve' }),
  });
  expect(res.status).toBe(200);
  const row = await tdb.db.selectFrom('task').select(['state', 'decision']).where('id', '=', taskId).executeTakeFirstOrThrow();
  expect(row).toMatchObject({ state: 'done', decision: 'approve' });

  // the HTTP server span of the decision, and then every span of its trace (the processes export within a second)
  const isDecisionRequest = (s: SpanLine) =>
    s.kind === 1 && s.name.startsWith('POST') && String(s.attributes['http.route'] ?? '') === '/api/v1/tasks/:id/decision';
  const server = await eventually(async () => readSpans().find(isDecisionRequest), 'the HTTP server span of the decision', 30_000);
  const trace = await eventually(
    async () => {
      const spans = readSpans().filter((s) => s.traceId === server.traceId);
      return spans.some((s) => /^update "task"/i.test(statementOf(s))) ? spans : undefined;
    },
    `a pg span updating "task" in trace ${server.traceId}`,
    30_000,
  );
  const byId = new Map(trace.map((s) => [s.spanId, s]));
  const ancestry = (s: SpanLine): string[] => {
    const names: string[] = [];
    for (let p: SpanLine | undefined = s; p; p = p.parentSpanId ? byId.get(p.parentSpanId) : undefined) names.push(p.name);
    return names;
  };
  const update = trace.find((s) => /^update "task"/i.test(statementOf(s)))!;
  const chain = ancestry(update);
  // from the SQL statement up to the HTTP request, every link in one trace
  expect(chain.at(-1)).toBe(server.name);
  // the local activity that writes the decision and opens the next stage (openStageWithTerms since the
  // decision-path-terms-in-open patch: it also reads the bureau review's terms)
  const opening = 'openStageWithTerms';
  const expected = ['StartWorkflowUpdate:decide', 'HandleUpdate:decide', `StartActivity:${opening}`, `RunActivity:${opening}`];
  for (const name of expected) expect(chain).toContain(name);
  expect(chain.indexOf(`RunActivity:${opening}`)).toBeLessThan(chain.indexOf(`StartActivity:${opening}`));
  expect(chain.indexOf(`StartActivity:${opening}`)).toBeLessThan(chain.indexOf('HandleUpdate:decide'));
  expect(chain.indexOf('HandleUpdate:decide')).toBeLessThan(chain.indexOf('StartWorkflowUpdate:decide'));
  // the spans come from both processes, and the trace files are for their owner only
  expect(new Set(trace.map((s) => s.service))).toEqual(new Set(['zj-approvals-api', 'zj-approvals-worker']));
  for (const f of fs.readdirSync(tracesDir)) expect(fs.statSync(path.join(tracesDir, f)).mode & 0o777).toBe(0o600);
});
