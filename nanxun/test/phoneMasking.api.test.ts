/**
 * Data minimisation (等保 / PIPL): the applicant's phone number is shown in full only to the person and to the
 * clerks who must contact them (the employer's verifier, the bureau); the re-reviewing town and the auditor see it
 * masked, like the ID number. The re-reviewing town sees the claim at all only from its own stage on.
 */
import request from 'supertest';
import type { Express } from 'express';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { devServerEnv, eventually, startWorker, uniqueTaskQueue } from '../../test/helpers/temporal';
import { freshDatabase, type TestDb } from '../../test/helpers/db';
import { testApp, login, auth } from '../../test/helpers/app';
import { withClaimMaterials } from '../../test/helpers/materials';
import { certificateClaimBody } from '../../test/security/world';

let env: TestWorkflowEnvironment;
let tdb: TestDb;
let app: Express;
let stop: () => Promise<void>;

beforeAll(async () => {
  [env, tdb] = await Promise.all([devServerEnv(), freshDatabase()]);
  const taskQueue = uniqueTaskQueue('phone');
  stop = (await startWorker(env, tdb.db, taskQueue)).stop;
  app = testApp(tdb.db, env.client, taskQueue);
});
afterAll(async () => {
  await stop?.();
  await env?.teardown();
  await tdb?.drop();
});

test('the phone in full for the applicant, the employer and the bureau; masked for the re-reviewing town and the auditor', async () => {
  const applicant = await login(app, 'applicant1');
  const phone = '13912345678';
  const created = await request(app)
    .post('/api/v1/nanxun/claims')
    .set(auth(applicant))
    .send(await withClaimMaterials(app, applicant, { ...certificateClaimBody('junior'), applicant: undefined, position: '安全员' }));
  expect(created.status).toBe(201);
  const me = await request(app).get('/api/v1/auth/me').set(auth(applicant));
  const own = me.body.phone ?? phone;
  const viewAs = async (username: string) =>
    request(app)
      .get(`/api/v1/nanxun/claims/${created.body.id}`)
      .set(auth(await login(app, username)));
  const listedFor = async (username: string) =>
    (
      await request(app)
        .get('/api/v1/nanxun/claims?limit=200')
        .set(auth(await login(app, username)))
    ).body.map((c: { id: string }) => c.id) as string[];
  const phoneAs = async (username: string) => (await viewAs(username)).body.applicant?.phone as string;

  // before the re-review stage the town does not see the claim at all: neither by id nor in its list
  expect((await viewAs('rereview.nxz')).status).toBe(404);
  expect(await listedFor('rereview.nxz')).not.toContain(created.body.id);
  expect(await listedFor('unit.jgjx')).toContain(created.body.id);
  const taskOf = (stage: string) =>
    eventually(
      () =>
        tdb.db
          .selectFrom('task')
          .select('id')
          .where('subject_id', '=', created.body.id)
          .where('kind', '=', stage)
          .where('state', '=', 'open')
          .executeTakeFirst(),
      `${stage} task`,
    );
  for (const [stage, clerk] of [
    ['unit_verification', 'unit.jgjx'],
    ['bureau_review', 'bureau1'],
  ] as const) {
    const decided = await request(app)
      .post(`/api/v1/tasks/${encodeURIComponent((await taskOf(stage)).id)}/decision`)
      .set(auth(await login(app, clerk)))
      .send({ decision: 'approve' });
    expect(decided.status).toBe(200);
  }
  await taskOf('rereview');
  expect((await viewAs('rereview.nxz')).status).toBe(200);
  expect(await listedFor('rereview.nxz')).toContain(created.body.id);
  // another town never does
  expect((await viewAs('rereview.lsz')).status).toBe(404);

  expect(await phoneAs('applicant1')).toBe(own);
  expect(await phoneAs('unit.jgjx')).toBe(own);
  expect(await phoneAs('bureau1')).toBe(own);
  for (const who of ['rereview.nxz', 'auditor']) {
    const shown = await phoneAs(who);
    expect(shown).not.toBe(own);
    expect(shown).toBe(`${own.slice(0, 3)}${'*'.repeat(own.length - 7)}${own.slice(-4)}`);
  }
});
