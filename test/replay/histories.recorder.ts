/**
 * Records workflow histories for the replay test: `npm run record-histories`.
 * Each scenario runs the real workflow on the time-skipping server and saves its history to
 * test/histories/<workflowType>-<scenario>.history.json. Record new ones whenever a workflow gains a path;
 * never re-record an existing file to make a replay failure go away — that failure is a running
 * workflow that the change would break (use patched() instead).
 */
import fs from 'node:fs';
import path from 'node:path';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { temporal } from '@temporalio/proto';
import { timeSkippingEnv, startWorker, uniqueTaskQueue, eventually } from '../helpers/temporal';
import { freshDatabase, type TestDb } from '../helpers/db';
import { startCertificateClaim, actor } from '../helpers/claims';
import { decideUpdate, resubmitUpdate } from '../../workflows/messages';

let env: TestWorkflowEnvironment;
let tdb: TestDb;
let taskQueue: string;
let stopWorker: () => Promise<void>;
const dir = path.join(__dirname, '..', 'histories');

beforeAll(async () => {
  [env, tdb] = await Promise.all([timeSkippingEnv(), freshDatabase()]);
  taskQueue = uniqueTaskQueue('record');
  ({ stop: stopWorker } = await startWorker(env, tdb.db, taskQueue));
});
afterAll(async () => {
  await stopWorker?.();
  await env?.teardown();
  await tdb?.drop();
});

// Histories are stored in the protobuf binary encoding: this SDK install carries two copies of protobufjs,
// which breaks its proto3-JSON helpers (historyToJSON: "type must be a Type").
// The workflow id is kept with it: task ids derive from it, so replay must use the original.
async function save(name: string, handle: { workflowId: string; fetchHistory(): Promise<temporal.api.history.v1.IHistory> }) {
  const file = path.join(dir, `${name}.history.json`);
  if (fs.existsSync(file) && !process.env.OVERWRITE_HISTORIES) throw new Error(`${file} exists; recorded histories are never overwritten`);
  const history = temporal.api.history.v1.History.encode(await handle.fetchHistory()).finish();
  const sdk = (await import('@temporalio/worker/package.json')).version;
  fs.writeFileSync(
    file,
    JSON.stringify({ workflowId: handle.workflowId, recordedAt: new Date().toISOString(), sdk, historyProtobufBase64: Buffer.from(history).toString('base64') }, null, 2) + '\n',
  );
}

test('certificate claim: supplement pause, warning and escalation timers, payout', async () => {
  const c = await startCertificateClaim(env.client, tdb.db, taskQueue, { level: 'senior' });
  await eventually(() => tdb.db.selectFrom('task').select('id').where('id', '=', c.taskId('unit_verification')).executeTakeFirst(), 'unit task');
  await c.handle.executeUpdate(decideUpdate, { args: [{ taskId: c.taskId('unit_verification'), actor: await actor(tdb.db, 'unit.jgjx'), decision: 'approve', fields: { verdict: 'true', confirmedLevel: 'senior' } }] });
  await c.handle.executeUpdate(decideUpdate, { args: [{ taskId: c.taskId('bureau_review'), actor: await actor(tdb.db, 'bureau1'), decision: 'request_supplement', comment: '补充材料' }] });
  await env.sleep(3 * 24 * 3600_000);
  await c.handle.executeUpdate(resubmitUpdate, { args: [{ taskId: c.taskId('bureau_review'), actor: await actor(tdb.db, 'applicant1'), comment: '已补充' }] });
  await env.sleep(30 * 24 * 3600_000); // past the warning and the deadline
  await eventually(() => tdb.db.selectFrom('task').select('id').where('id', '=', c.taskId('bureau_review')).where('overdue_at', 'is not', null).executeTakeFirst(), 'escalation');
  await c.handle.executeUpdate(decideUpdate, { args: [{ taskId: c.taskId('bureau_review'), actor: await actor(tdb.db, 'bureau1'), decision: 'approve' }] });
  await c.handle.executeUpdate(decideUpdate, { args: [{ taskId: c.taskId('rereview'), actor: await actor(tdb.db, 'rereview.nxz'), decision: 'approve', fields: { amountYuan: 3000 } }] });
  await c.handle.result();
  await save('certificateClaimWorkflow-paid-after-supplement-and-escalation', c.handle);
});

test('certificate claim: rejected by the unit', async () => {
  const c = await startCertificateClaim(env.client, tdb.db, taskQueue, { applicant: 'applicant2' });
  await eventually(() => tdb.db.selectFrom('task').select('id').where('id', '=', c.taskId('unit_verification')).executeTakeFirst(), 'unit task');
  await c.handle.executeUpdate(decideUpdate, { args: [{ taskId: c.taskId('unit_verification'), actor: await actor(tdb.db, 'unit.jgjx'), decision: 'reject', comment: '不属实', fields: { verdict: 'not_true' } }] });
  await c.handle.result();
  await save('certificateClaimWorkflow-rejected-by-unit', c.handle);
});
