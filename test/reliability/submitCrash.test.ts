/**
 * The claim row and the claim's workflow exist together or not at all. The API process submitting a claim is
 * killed with SIGKILL right after it started the workflow, before it could answer or write anything: the
 * workflow records the claim itself (its first step), so the claim appears with its first task, exactly once.
 * And every claim row has its workflow: no row is written by anything but the workflow.
 */
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { devServerEnv, eventually, startWorker, uniqueTaskQueue } from '../helpers/temporal';
import { freshDatabase, type TestDb } from '../helpers/db';
import { spawnTs } from '../helpers/processes';
import { certificateClaimBody } from '../security/world';
import { claimMaterials } from '../helpers/materials';
import { testApp } from '../helpers/app';
import { tokenFor } from '../helpers/titleReview';

jest.setTimeout(180_000);

let env: TestWorkflowEnvironment;
let tdb: TestDb;
let taskQueue: string;
let stopWorker: () => Promise<void>;

beforeAll(async () => {
  [env, tdb] = await Promise.all([devServerEnv(), freshDatabase()]);
  taskQueue = uniqueTaskQueue('submit-crash');
  stopWorker = (await startWorker(env, tdb.db, taskQueue)).stop;
});
afterAll(async () => {
  await stopWorker?.();
  await env?.teardown();
  await tdb?.drop();
});

test('the API dies right after starting the workflow: the claim is recorded by its workflow, once, with its first task', async () => {
  const child = spawnTs('test/reliability/submitProcess.ts', [], {
    TEMPORAL_ADDRESS: env.address,
    DATABASE_URL: tdb.url,
    TASK_QUEUE: taskQueue,
    USERNAME: 'applicant2',
    BODY: JSON.stringify({
      ...certificateClaimBody('senior'),
      materials: await claimMaterials(testApp(tdb.db, env.client, taskQueue), await tokenFor(tdb.db, 'applicant2')),
    }),
    DIE_AT: 'after_workflow_start',
  });
  const [, workflowId] = (await child.waitFor(/STARTED (\S+)/, 120_000)) as RegExpMatchArray;
  await child.exited;
  expect(child.proc.signalCode).toBe('SIGKILL');
  expect(child.output()).not.toMatch(/ANSWERED/);

  const claim = await eventually(() => tdb.db.selectFrom('claim').selectAll().where('workflow_id', '=', workflowId!).executeTakeFirst(), 'the claim row');
  expect(claim).toMatchObject({ status: 'unit_verification', level: 'senior', amount_yuan: 3000, employer_org_code: 'NX-E-JGJX' });
  const task = await eventually(
    () => tdb.db.selectFrom('task').selectAll().where('subject_id', '=', claim.id).where('kind', '=', 'unit_verification').executeTakeFirst(),
    'the unit verification task',
  );
  expect(task.state).toBe('open');
  expect(await tdb.db.selectFrom('claim').select('id').where('workflow_id', '=', workflowId!).execute()).toHaveLength(1);
  expect(await tdb.db.selectFrom('instalment').select('year_no').where('claim_id', '=', claim.id).execute()).toEqual([{ year_no: 1 }]);
  const description = await env.client.workflow.getHandle(workflowId!).describe();
  expect(description.status.name).toBe('RUNNING');
});

test('every claim row has its running workflow (nothing but the workflow writes a claim)', async () => {
  const rows = await tdb.db.selectFrom('claim').select(['workflow_id']).execute();
  expect(rows.length).toBeGreaterThan(0);
  for (const r of rows) {
    const d = await env.client.workflow.getHandle(r.workflow_id).describe();
    expect(d.status.name).toBe('RUNNING');
  }
});
