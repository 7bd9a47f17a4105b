/**
 * PostgreSQL stops for 30 s (real seconds: an outage cannot be time-skipped) while claims are being decided
 * and paid. While it is down the API answers 503 (DB_UNAVAILABLE, or TEMPORAL_UNAVAILABLE for a decision whose
 * workflow is waiting on the database) within seconds — never 500, never a hang; activities keep retrying; after
 * it returns every claim is paid exactly once and no decision or timeline event is lost or duplicated.
 * A dedicated embedded Postgres (own port and data directory) so the other test files are not affected.
 */
import fs from 'node:fs';
import path from 'node:path';
import os from 'node:os';
import request from 'supertest';
import type { Express } from 'express';
import type { Kysely } from 'kysely';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { devServerEnv, startWorker, uniqueTaskQueue, eventually } from '../helpers/temporal';
import { testApp, auth } from '../helpers/app';
import { startPgProcess } from '../helpers/processes';
import { freePort } from '../../tools/ports';
import { createDb } from '../../db/connection';
import { migrateToLatest } from '../../db/migrator';
import { seedDemoAccounts, seedReferenceData } from '../../db/seed';
import { createTokenIssuer, tokenForUser } from '../../platform/auth/authenticate';
import { makeIdNumber } from '../../platform/identity/idNumber';
import type { Database } from '../../db/schema';
import { certificateClaimBody } from '../security/world';
import { withClaimMaterials } from '../helpers/materials';

jest.setTimeout(300_000);
const OUTAGE_MS = 30_000;

let dir: string;
let port: number;
let pg: { url: string; stop(): Promise<void> };
let db: Kysely<Database>;
let env: TestWorkflowEnvironment;
let app: Express;
let stopWorker: () => Promise<void>;
const tokens: Record<string, string> = {};

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(process.env.TEST_TMP_DIR ?? os.tmpdir(), 'pg-outage-'));
  fs.chmodSync(dir, 0o755);
  port = await freePort();
  [pg, env] = await Promise.all([startPgProcess(path.join(dir, 'pg'), port), devServerEnv()]);
  db = createDb(pg.url);
  await migrateToLatest(db);
  await seedReferenceData(db);
  await seedDemoAccounts(db);
  const taskQueue = uniqueTaskQueue('pg-outage');
  ({ stop: stopWorker } = await startWorker(env, db, taskQueue));
  app = testApp(db, env.client, taskQueue);
  const issuer = createTokenIssuer('test-secret-for-jest-only-0123456789');
  for (const u of await db
    .selectFrom('app_user')
    .selectAll()
    .where('username', 'in', ['applicant1', 'applicant2', 'applicant3', 'unit.jgjx', 'bureau1', 'rereview.nxz'])
    .execute()) {
    tokens[u.username] = await tokenForUser(db, issuer, u);
  }
  const reg = await request(app)
    .post('/api/v1/auth/register')
    .send({ username: 'outage4', password: 'Lantern-Quiet-Harbor-71', name: '赵四', idNumber: makeIdNumber('33050319850101777'), phone: '13900000004' });
  expect(reg.status).toBe(201);
  const u = await db.selectFrom('app_user').selectAll().where('username', '=', 'outage4').executeTakeFirstOrThrow();
  tokens.outage4 = await tokenForUser(db, issuer, u);
});
afterAll(async () => {
  await stopWorker?.();
  await env?.teardown();
  await db?.destroy();
  await pg?.stop();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

const taskOf = (claimId: string, kind: string) =>
  eventually(
    () => db.selectFrom('task').selectAll().where('subject_id', '=', claimId).where('kind', '=', kind).where('state', '=', 'open').executeTakeFirst(),
    `${kind} of ${claimId}`,
    60_000,
  );
const decide = (taskId: string, who: string, body: object, key: string) =>
  request(app)
    .post(`/api/v1/tasks/${encodeURIComponent(taskId)}/decision`)
    .set(auth(tokens[who]!))
    .set('Idempotency-Key', key)
    .send(body);

test('a 30-second database outage while claims are decided and paid: 503s, retries, nothing lost or duplicated', async () => {
  // 12 claims, all waiting for re-review
  const claims: { id: string }[] = [];
  for (const a of ['applicant1', 'applicant2', 'applicant3', 'outage4']) {
    for (const level of ['junior', 'intermediate', 'senior']) {
      const r = await request(app)
        .post('/api/v1/nanxun/claims')
        .set(auth(tokens[a]!))
        .send(await withClaimMaterials(app, tokens[a]!, certificateClaimBody(level)));
      expect(r.status).toBe(201);
      claims.push(r.body);
    }
  }
  await Promise.all(
    claims.map(async (c) => {
      expect((await decide((await taskOf(c.id, 'unit_verification')).id, 'unit.jgjx', { decision: 'approve' }, `u-${c.id}`)).status).toBe(200);
      expect((await decide((await taskOf(c.id, 'bureau_review')).id, 'bureau1', { decision: 'approve' }, `b-${c.id}`)).status).toBe(200);
    }),
  );
  const rereview = await Promise.all(claims.map(async (c) => ({ claim: c, task: (await taskOf(c.id, 'rereview')).id })));
  const firstHalf = rereview.slice(0, 6);
  const secondHalf = rereview.slice(6);

  // the first half is being decided (and paid) as the database goes away
  const inFlight = firstHalf.map(async ({ claim, task }) => {
    const t0 = Date.now();
    const res = await decide(task, 'rereview.nxz', { decision: 'approve' }, `r-${claim.id}`);
    return { status: res.status, code: res.body.code as string | undefined, ms: Date.now() - t0 };
  });
  await new Promise((r) => setTimeout(r, 150));
  const down = Date.now();
  await pg.stop();

  // while it is down: 503 problem+json within seconds, for reads and writes
  const probes: { what: string; status: number; code: string; ms: number }[] = [];
  const probe = async (what: string, send: () => request.Test) => {
    const t0 = Date.now();
    const res = await send();
    probes.push({ what, status: res.status, code: res.body?.code, ms: Date.now() - t0 });
    expect(res.headers['content-type']).toMatch(/json/);
  };
  await probe('inbox', () => request(app).get('/api/v1/tasks').set(auth(tokens['rereview.nxz']!)));
  await probe('claim', () => request(app).get(`/api/v1/nanxun/claims/${claims[0]!.id}`).set(auth(tokens.applicant1!)));
  await probe('decision', () =>
    request(app)
      .post(`/api/v1/tasks/${encodeURIComponent(secondHalf[0]!.task)}/decision`)
      .set(auth(tokens['rereview.nxz']!))
      .send({ decision: 'approve' }),
  );
  await probe('submit', () => request(app).post('/api/v1/nanxun/claims').set(auth(tokens.outage4!)).send(certificateClaimBody('junior', 'NX-E-LSXC')));
  await probe('login', () => request(app).post('/api/v1/auth/login').send({ username: 'bureau1', password: 'demo' }));
  const health = await request(app).get('/healthz');
  expect(health.status).toBe(503);
  expect(health.body).toMatchObject({ db: 'unavailable', temporal: { status: 'ok' } });
  for (const p of probes) {
    expect({ what: p.what, status: p.status, code: p.code }).toEqual({ what: p.what, status: 503, code: 'DB_UNAVAILABLE' });
    expect(p.ms).toBeLessThan(7_000);
  }
  const first = await Promise.all(inFlight);
  for (const r of first) {
    // decided before the outage (200), or refused with a 503: never a 500, never a hang
    expect([200, 503]).toContain(r.status);
    expect(r.ms).toBeLessThan(25_000);
  }

  await new Promise((r) => setTimeout(r, Math.max(0, OUTAGE_MS - (Date.now() - down))));
  pg = await startPgProcess(path.join(dir, 'pg'), port);
  const outageSeconds = (Date.now() - down) / 1000;
  expect(outageSeconds).toBeGreaterThanOrEqual(30);

  // clients retry what was refused, with the same Idempotency-Key
  await Promise.all(
    rereview.map(({ claim, task }) =>
      eventually(
        async () => {
          const res = await decide(task, 'rereview.nxz', { decision: 'approve' }, `r-${claim.id}`);
          // a first attempt taken while its answer was lost is answered on retry (200), never 409
          if (res.status === 200) return true;
          expect(res.body.code).not.toBe('TASK_ALREADY_DECIDED');
          expect(res.status).not.toBeGreaterThanOrEqual(500 + 1); // 503 while things recover is fine, 500 never
          return false;
        },
        `re-review decision of ${claim.id}`,
        120_000,
      ),
    ),
  );

  // every claim paid, exactly once; every decision and timeline event once
  const ids = claims.map((c) => c.id);
  await eventually(
    async () => (await db.selectFrom('claim').select('status').where('id', 'in', ids).execute()).every((c) => c.status === 'paid'),
    'every claim paid',
    150_000,
  );
  const payouts = await db.selectFrom('payout').select(['claim_id', 'instalment_no']).where('claim_id', 'in', ids).execute();
  expect(payouts).toHaveLength(ids.length);
  expect(new Set(payouts.map((p) => p.claim_id)).size).toBe(ids.length);
  const claimRows = await db.selectFrom('claim').select(['id', 'paid_yuan', 'amount_yuan']).where('id', 'in', ids).execute();
  for (const c of claimRows) expect(c.paid_yuan).toBe(c.amount_yuan);
  const decided = await db
    .selectFrom('timeline')
    .select(['subject_id', 'stage', 'event'])
    .where('subject_id', 'in', ids)
    .where('event', 'in', ['decided', 'paid'])
    .execute();
  const counts = new Map<string, number>();
  for (const d of decided) counts.set(`${d.subject_id}/${d.stage}/${d.event}`, (counts.get(`${d.subject_id}/${d.stage}/${d.event}`) ?? 0) + 1);
  expect(counts.size).toBe(ids.length * 4);
  expect([...counts.values()].every((n) => n === 1)).toBe(true);
  const tasks = await db.selectFrom('task').select(['state']).where('subject_id', 'in', ids).execute();
  expect(tasks).toHaveLength(ids.length * 3);
  expect(tasks.every((t) => t.state === 'done')).toBe(true);
  // the rejected submission during the outage left nothing behind
  expect(
    await db
      .selectFrom('claim')
      .select('id')
      .where('applicant_id_number', '=', makeIdNumber('33050319850101777'))
      .where('level', '=', 'junior')
      .where('employer_org_code', '=', 'NX-E-LSXC')
      .execute(),
  ).toEqual([]);
  // eslint-disable-next-line no-console
  console.log(
    `db outage: ${outageSeconds.toFixed(1)} s down; probes ${JSON.stringify(probes.map((p) => [p.what, p.status, p.ms]))}; in-flight decisions ${JSON.stringify(first.map((r) => [r.status, r.ms]))}`,
  );
});
