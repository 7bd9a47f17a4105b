/**
 * Requests a client can break in ways the body parser or the router see first: each is answered 4xx
 * application/problem+json with a stable code, never a 500 (these four were each a 500, or Node's bare 431, before).
 */
import http from 'node:http';
import request from 'supertest';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { devServerEnv } from '../helpers/temporal';
import { freshDatabase, type TestDb } from '../helpers/db';
import { testApp } from '../helpers/app';
import { MAX_HEADER_BYTES } from '../../platform/http/limits';

let env: TestWorkflowEnvironment;
let tdb: TestDb;
let server: http.Server;

beforeAll(async () => {
  [env, tdb] = await Promise.all([devServerEnv(), freshDatabase()]);
  // the server as runtime/api.ts creates it
  server = http.createServer({ maxHeaderSize: MAX_HEADER_BYTES }, testApp(tdb.db, env.client, 'malformed'));
});
afterAll(async () => {
  await env?.teardown();
  await tdb?.drop();
});

function expectProblem(res: request.Response, status: number, code: string) {
  expect({ status: res.status, code: res.body?.code }).toEqual({ status, code });
  expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
}

test('a body whose Content-Encoding says gzip but is not gzip is a 400', async () => {
  const res = await request(server)
    .post('/api/v1/auth/login')
    .set('content-type', 'application/json')
    .set('content-encoding', 'gzip')
    .send('{"username":"a","password":"b"}');
  expectProblem(res, 400, 'VALIDATION_FAILED');
});

test('malformed percent-encoding in a path is a 400', async () => {
  expectProblem(await request(server).get('/api/v1/public/certificates/%ff%fe'), 400, 'VALIDATION_FAILED');
  expectProblem(await request(server).get('/api/v1/public/notices/%E0%A4%A'), 400, 'VALIDATION_FAILED');
});

test('an unpaired UTF-16 surrogate in a JSON body is a 400, like NUL (it has no UTF-8 form to store or carry)', async () => {
  const body = '{"username":"applicant1","password":"\\ud800"}';
  const lone = await request(server).post('/api/v1/auth/login').set('content-type', 'application/json').send(body);
  expectProblem(lone, 400, 'VALIDATION_FAILED');
  // a whole pair is a character like any other: the login is merely wrong
  const pair = await request(server)
    .post('/api/v1/auth/login')
    .set('content-type', 'application/json')
    .send('{"username":"applicant1","password":"\\ud83d\\ude00"}');
  expect(pair.status).toBe(401);
});

test('a JSON body nested 20,000 (or 3,000) deep is refused before anything recurses over it', async () => {
  for (const n of [20_000, 3_000]) {
    const body = `${'['.repeat(n)}${']'.repeat(n)}`;
    expectProblem(await request(server).post('/api/v1/auth/login').set('content-type', 'application/json').send(body), 400, 'VALIDATION_FAILED');
  }
  // brackets inside strings do not count, and an ordinary body still passes the check (then fails the login)
  const ok = await request(server)
    .post('/api/v1/auth/login')
    .send({ username: '[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[', password: '{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{' });
  expect(ok.status).toBe(401);
});

test('a 20 kB URL is a 414 problem+json, not a bare 431', async () => {
  expectProblem(await request(server).get(`/api/v1/public/progress?applicationNo=${'N'.repeat(20_000)}&idLast6=123456`), 414, 'URI_TOO_LONG');
});
