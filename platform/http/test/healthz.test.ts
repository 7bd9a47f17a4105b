/**
 * /healthz names the engine from the server's own cluster information: the CLI's dev server keeps history and
 * visibility in SQLite (the real server on PostgreSQL is covered by test/e2e/cluster.test.ts).
 */
import request from 'supertest';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { devServerEnv } from '../../../test/helpers/temporal';
import { freshDatabase, type TestDb } from '../../../test/helpers/db';
import { testApp } from '../../../test/helpers/app';

let env: TestWorkflowEnvironment;
let tdb: TestDb;

beforeAll(async () => {
  [env, tdb] = await Promise.all([devServerEnv(), freshDatabase()]);
});
afterAll(async () => {
  await env?.teardown();
  await tdb?.drop();
});

test('the dev server is reported with its version and SQLite stores', async () => {
  const res = await request(testApp(tdb.db, env.client, 'unused')).get('/healthz');
  expect(res.status).toBe(200);
  expect(res.body).toEqual({
    status: 'ok',
    db: 'ok',
    temporal: { status: 'ok', serverVersion: expect.stringMatching(/^\d+\.\d+\.\d+/), persistence: 'sqlite', visibility: 'sqlite' },
  });
});
