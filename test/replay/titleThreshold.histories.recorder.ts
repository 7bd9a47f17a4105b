/**
 * Records the history of a title session under the ballot threshold option (issue 19): the key shares presented
 * through the `presentBallotShare` Update (behind `patched('ballot-key-shares')`), the count, the results publicity
 * and the certificate. `npm run record-histories` runs every *histories.recorder.ts; this one alone:
 * npx jest --testRegex 'titleThreshold\.histories\.recorder\.ts$'. Never re-record an existing file.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Express } from 'express';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { temporal } from '@temporalio/proto';
import { timeSkippingEnv, startWorker, uniqueTaskQueue, eventually } from '../helpers/temporal';
import { freshDatabase, type TestDb } from '../helpers/db';
import { testApp } from '../helpers/app';
import { client, expertToken } from '../helpers/titleReview';
import { openThresholdBallot } from '../helpers/thresholdBallot';

let env: TestWorkflowEnvironment;
let tdb: TestDb;
let app: Express;
let stopWorker: () => Promise<void>;
const dir = path.join(__dirname, '..', 'histories');

beforeAll(async () => {
  [env, tdb] = await Promise.all([timeSkippingEnv({ plainPayloads: true }), freshDatabase()]);
  const taskQueue = uniqueTaskQueue('record-zjthr');
  ({ stop: stopWorker } = await startWorker(env, tdb.db, taskQueue, { plainPayloads: true }));
  app = testApp(tdb.db, env.client, taskQueue, { plainPayloads: true });
});
afterAll(async () => {
  await stopWorker?.();
  await env?.teardown();
  await tdb?.drop();
});

async function save(name: string, workflowId: string) {
  const file = path.join(dir, `${name}.history.json`);
  if (fs.existsSync(file)) return; // recorded histories are never overwritten: they stand for running workflows
  const history = temporal.api.history.v1.History.encode(await env.client.workflow.getHandle(workflowId).fetchHistory()).finish();
  const sdk = (await import('@temporalio/worker/package.json')).version;
  fs.writeFileSync(
    file,
    `${JSON.stringify({ workflowId, recordedAt: new Date().toISOString(), sdk, historyProtobufBase64: Buffer.from(history).toString('base64') }, null, 2)}\n`,
  );
}

test('title review: a threshold ballot counted with two key shares, to the certificate', async () => {
  const { S, A, members, chair, vices } = await openThresholdBallot(tdb.db, env, app);
  const api = client(app);
  const tokenOf = (id: string) => expertToken(tdb.db, id);
  for (const m of members)
    await api.post(`/api/v1/zhejiang/sessions/${S}/ballots`, await tokenOf(m.expertId), { votes: [{ applicationId: A.id, vote: 'yes' }] });
  for (const holder of [chair, vices[0]!]) {
    const share = (await api.get(`/api/v1/zhejiang/sessions/${S}/ballot-share`, await tokenOf(holder))).body.share as string;
    const r = await api.post(`/api/v1/zhejiang/sessions/${S}/ballot-shares`, await tokenOf(holder), { share });
    if (r.status !== 200) throw new Error(`present: ${JSON.stringify(r.body)}`);
  }
  const closed = await api.post(`/api/v1/zhejiang/sessions/${S}/close-ballot`, await tokenOf(chair));
  if (closed.status !== 200) throw new Error(`close: ${JSON.stringify(closed.body)}`);
  const results = await eventually(async () => (await api.get('/api/v1/public/notices?kind=results')).body[0], 'results notice');
  const now = await env.currentTimeMs();
  const end = new Date(results.endsAt).getTime() + 60_000;
  if (end > now) await env.sleep(end - now);
  const session = await tdb.db.selectFrom('zj_session').select('workflow_id').where('id', '=', S).executeTakeFirstOrThrow();
  await env.client.workflow.getHandle(session.workflow_id).result();
  await save('titleSessionWorkflow-threshold-ballot-key-shares', session.workflow_id);
});
