/**
 * Issue 18, "Done when": a third process plugs into the kernel without a line of platform/ changed. The test-only
 * demo permit (test/plugin/demoPermit/) brings its table, subject provider, report, activities and one workflow on
 * the kernel's HumanTasks loop; installed beside the real domains, the clerk sees its task in the inbox (and finds
 * it by the applicant's name), reads its summary, decides it and gets the committed state back, the public finds
 * it by its number, and the report lists it (JSON and CSV).
 */
import { randomUUID } from 'node:crypto';
import request from 'supertest';
import type { Express } from 'express';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode, Worker } from '@temporalio/worker';
import { timeSkippingEnv, uniqueTaskQueue, eventually, untilClosed } from '../helpers/temporal';
import { freshDatabase, type TestDb } from '../helpers/db';
import { testApp, login, auth } from '../helpers/app';
import { createActivities } from '../../activities';
import { installDomains, uninstallDomain } from '../../platform/plugins/registry';
import { DOMAINS } from '../../domains';
import { makeIdNumber } from '../../platform/identity/idNumber';
import { personRef, sealForWorkflow } from '../../platform/identity/personRef';
import { dataConverter } from '../../platform/crypto/payloadCodec';
import { demoPermitPlugin } from './demoPermit/plugin';
import { createDemoPermitActivities } from './demoPermit/activities';
import { createDemoPermitTable } from './demoPermit/table';
import { DEMO_PERMIT_SUBJECT, DEMO_REVIEW_TASK } from './demoPermit/names';
import type { DemoPermitInput } from './demoPermit/workflow';

let env: TestWorkflowEnvironment;
let tdb: TestDb;
let app: Express;
let taskQueue: string;
let worker: Worker;
let running: Promise<void>;
const tokens: Record<string, string> = {};

beforeAll(async () => {
  const bundling = bundleWorkflowCode({
    workflowsPath: require.resolve('./workflows'),
    logger: { info() {}, warn() {}, error() {}, debug() {}, trace() {}, log() {} } as never,
  });
  [env, tdb] = await Promise.all([timeSkippingEnv(), freshDatabase()]);
  await createDemoPermitTable(tdb.db as never);
  // what a composition root does for a third process: its plug-in beside the others, its activities, its workflows
  installDomains([...DOMAINS, demoPermitPlugin]);
  taskQueue = uniqueTaskQueue('demo-permit');
  worker = await Worker.create({
    connection: env.nativeConnection,
    namespace: env.namespace ?? 'default',
    taskQueue,
    activities: { ...createActivities(tdb.db), ...createDemoPermitActivities(tdb.db) },
    workflowBundle: { code: (await bundling).code },
    // payloads encrypted as in every deployment (the app's client and env.client use the same codec)
    dataConverter: dataConverter(),
  });
  running = worker.run();
  app = testApp(tdb.db, env.client, taskQueue);
  for (const u of ['bureau1', 'unit.jgjx']) tokens[u] = await login(app, u);
});
afterAll(async () => {
  if (worker?.getState() === 'RUNNING') worker.shutdown();
  await running;
  uninstallDomain(demoPermitPlugin.name);
  await env?.teardown();
  await tdb?.drop();
});

const get = (path: string, token: string) => request(app).get(path).set(auth(token));

async function startPermit(applicantName: string): Promise<{ permit: DemoPermitInput['permit']; workflowId: string }> {
  const bureau = await tdb.db.selectFrom('app_user').select('org_code').where('username', '=', 'bureau1').executeTakeFirstOrThrow();
  const permit = {
    permitId: randomUUID(),
    reference: `DEMO-${randomUUID().slice(0, 8).toUpperCase()}`,
    kind: 'street_stall',
    applicantName,
    applicantIdNumber: makeIdNumber(`33050319900101${String(Math.floor(Math.random() * 900) + 100)}`),
  };
  // what a submission use case hands the workflow: no ID number in clear (docs/security.md, "Temporal payloads")
  const input: DemoPermitInput = {
    permit: { ...permit, applicantIdNumber: sealForWorkflow(permit.applicantIdNumber) },
    applicantRef: personRef(permit.applicantIdNumber),
    reviewOrgCode: bureau.org_code!,
    reviewRole: 'bureau_reviewer',
  };
  const workflowId = `demo-permit/${input.permit.permitId}`;
  await env.client.workflow.start('demoPermitWorkflow', { taskQueue, workflowId, args: [input] });
  return { permit, workflowId };
}

test('the kernel shows a third process in the inbox, decides it, and reports it', async () => {
  const { permit, workflowId } = await startPermit('欧阳演示');

  // the inbox: the clerk of the reviewing body sees the task with the applicant's name
  const row = await eventually(async () => {
    const res = await get('/api/v1/tasks', tokens.bureau1!);
    return (res.body as { subject: { id: string } }[]).find((t) => t.subject.id === permit.permitId);
  }, 'the demo review task in the inbox');
  expect(row).toEqual(
    expect.objectContaining({
      kind: DEMO_REVIEW_TASK,
      state: 'open',
      subject: { type: DEMO_PERMIT_SUBJECT, id: permit.permitId, ref: permit.reference },
      applicantName: '欧阳演示',
      subjectKind: 'street_stall',
    }),
  );
  const taskId = (row as unknown as { id: string }).id;

  // the inbox search by the applicant's name finds it (the subject provider's subquery), another name does not
  const found = await get(`/api/v1/tasks?q=${encodeURIComponent('欧阳')}`, tokens.bureau1!);
  expect(found.status).toBe(200);
  expect((found.body as { id: string }[]).map((t) => t.id)).toEqual([taskId]);
  const none = await get(`/api/v1/tasks?q=${encodeURIComponent('无此人')}`, tokens.bureau1!);
  expect(none.body).toEqual([]);
  // another organisation's clerk does not see it
  const other = await get('/api/v1/tasks', tokens['unit.jgjx']!);
  expect((other.body as { id: string }[]).map((t) => t.id)).not.toContain(taskId);

  // the task page: the plug-in's summary, the ID number masked
  const page = await get(`/api/v1/tasks/${encodeURIComponent(taskId)}`, tokens.bureau1!);
  expect(page.status).toBe(200);
  expect(page.body.subjectSummary).toEqual({
    reference: permit.reference,
    kind: 'street_stall',
    status: 'review',
    applicantName: '欧阳演示',
    applicantIdNumber: `${permit.applicantIdNumber.slice(0, 6)}********${permit.applicantIdNumber.slice(14)}`,
  });

  // the public progress page, by its number and the last six characters of the ID number
  const progress = await request(app)
    .get('/api/v1/public/progress')
    .query({ applicationNo: permit.reference, idLast6: permit.applicantIdNumber.slice(-6) });
  expect(progress.status).toBe(200);
  expect(progress.body).toEqual(expect.objectContaining({ applicationNo: permit.reference, kind: 'street_stall', status: 'review', stage: 'review' }));
  expect((progress.body.timeline as { event: string }[]).map((e) => e.event)).toEqual(['submitted', 'task_opened']);
  expect(JSON.stringify(progress.body)).not.toContain('欧阳演示');
  const wrongId = await request(app).get('/api/v1/public/progress').query({ applicationNo: permit.reference, idLast6: '000000' });
  expect(wrongId.status).toBe(404);

  // the decision: the Update's validator (the kernel's access rule) refuses another body's clerk
  const refused = await request(app)
    .post(`/api/v1/tasks/${encodeURIComponent(taskId)}/decision`)
    .set(auth(tokens['unit.jgjx']!))
    .send({ decision: 'approve' });
  expect({ status: refused.status, code: refused.body.code }).toEqual({ status: 403, code: 'NOT_YOUR_TASK' });
  // the reviewing clerk's decision answers with the state the workflow committed
  const decided = await request(app)
    .post(`/api/v1/tasks/${encodeURIComponent(taskId)}/decision`)
    .set(auth(tokens.bureau1!))
    .set('Idempotency-Key', `demo-${permit.permitId}`)
    .send({ decision: 'approve', comment: '材料齐全' });
  expect(decided.status).toBe(200);
  expect(decided.body.subject).toEqual({ status: 'granted', stage: 'done' });
  expect(decided.body.task).toEqual(expect.objectContaining({ id: taskId, state: 'done', decision: 'approve' }));
  expect(await untilClosed(env.client.workflow.getHandle(workflowId))).toBe('COMPLETED');
  // the same decision again (same key) answers the same, without a second Update
  const again = await request(app)
    .post(`/api/v1/tasks/${encodeURIComponent(taskId)}/decision`)
    .set(auth(tokens.bureau1!))
    .set('Idempotency-Key', `demo-${permit.permitId}`)
    .send({ decision: 'approve', comment: '材料齐全' });
  expect({ status: again.status, subject: again.body.subject }).toEqual({ status: 200, subject: { status: 'granted', stage: 'done' } });

  const after = await request(app)
    .get('/api/v1/public/progress')
    .query({ applicationNo: permit.reference, idLast6: permit.applicantIdNumber.slice(-6) });
  expect(after.body).toEqual(expect.objectContaining({ status: 'granted', stage: 'done' }));
  expect((after.body.timeline as { event: string; decision: string | null }[]).map((e) => [e.event, e.decision])).toEqual([
    ['submitted', null],
    ['task_opened', null],
    ['decided', 'approve'],
  ]);

  // the report, contributed by the plug-in at /api/v1/reports/demo-permits
  const report = await get('/api/v1/reports/demo-permits', tokens.bureau1!);
  expect(report.status).toBe(200);
  expect(report.body).toEqual([{ reference: permit.reference, kind: 'street_stall', applicantName: '欧阳演示', status: 'granted' }]);
  const csv = await get('/api/v1/reports/demo-permits?format=csv', tokens.bureau1!);
  expect(csv.status).toBe(200);
  expect(csv.headers['content-type']).toMatch(/text\/csv/);
  const lines = csv.text
    .replace(/^\uFEFF/, '')
    .trim()
    .split(/\r?\n/);
  expect(lines).toEqual(['"编号","类别","申请人","状态"', `"${permit.reference}","street_stall","欧阳演示","granted"`]);
  // reports are for the roles that read reports
  expect((await get('/api/v1/reports/demo-permits', tokens['unit.jgjx']!)).status).toBe(403);
  // and the OpenAPI document lists it
  const openapi = await request(app).get('/api/v1/openapi.json');
  expect(Object.keys(openapi.body.paths)).toContain('/api/v1/reports/demo-permits');
});
