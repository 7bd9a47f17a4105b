/**
 * Temporal unreachable: writes answer 503 TEMPORAL_UNAVAILABLE quickly (a bounded gRPC deadline, see
 * AppConfig.temporalDeadlineMs) and leave nothing half-written; reads are served from Postgres.
 */
import request from 'supertest';
import pino from 'pino';
import type { Express } from 'express';
import { Client, Connection } from '@temporalio/client';
import { freshDatabase, type TestDb } from '../helpers/db';
import { login, auth } from '../helpers/app';
import { createApp } from '../../api/app';
import { createTokenIssuer } from '../../platform/auth/authenticate';
import { freePort } from '../../tools/ports';
import { shanghaiDate, addDays } from '../../platform/calendar/workdays';
import { claimWorkflowId } from '../../nanxun/rules';
import { claimMaterials } from '../helpers/materials';
import { dataConverter } from '../../platform/crypto/payloadCodec';

let tdb: TestDb;
let app: Express;
let connection: Connection;

beforeAll(async () => {
  tdb = await freshDatabase();
  connection = Connection.lazy({ address: `127.0.0.1:${await freePort()}` });
  app = createApp({
    db: tdb.db,
    temporal: new Client({ connection, dataConverter: dataConverter() }),
    tokens: createTokenIssuer('test-secret-for-jest-only-0123456789'),
    log: pino({ level: 'silent' }),
    config: { devMode: true, taskQueue: 'nowhere', temporalDeadlineMs: 3000 },
  });
  // a claim whose workflow ran earlier: its rows are in Postgres
  const applicant = await tdb.db.selectFrom('app_user').selectAll().where('username', '=', 'applicant2').executeTakeFirstOrThrow();
  const now = new Date();
  await tdb.db
    .insertInto('claim')
    .values({
      id: 'c-outage',
      application_no: 'NX-ZS-2026-990001',
      kind: 'certificate',
      workflow_id: claimWorkflowId('NX-ZS-2026-990001'),
      applicant_user_id: applicant.id,
      applicant_name: applicant.display_name,
      applicant_id_number: applicant.id_number!,
      applicant_phone: '13800000000',
      employer_org_code: 'NX-E-JGJX',
      position: null,
      employer_nature: null,
      level: 'junior',
      amount_yuan: 1000,
      status: 'unit_verification',
      stage: 'unit_verification',
      rereview_org_code: 'NX-T-NXZ',
      form: JSON.stringify({}),
      submitted_at: now,
      updated_at: now,
    })
    .execute();
  await tdb.db
    .insertInto('task')
    .values({
      id: `${claimWorkflowId('NX-ZS-2026-990001')}~unit_verification`,
      kind: 'unit_verification',
      state: 'open',
      subject_type: 'nanxun_claim',
      subject_id: 'c-outage',
      subject_ref: 'NX-ZS-2026-990001',
      workflow_id: claimWorkflowId('NX-ZS-2026-990001'),
      org_code: 'NX-E-JGJX',
      role: 'unit_verifier',
      subject_person_id: applicant.id_number,
      opened_at: now,
      updated_at: now,
    })
    .execute();
});
afterAll(async () => {
  // the client's gRPC retry interceptor may still hold a backoff timer (≤ 6 s) from the last refused call;
  // closing the channel under it would throw from that timer
  await new Promise((r) => setTimeout(r, 7000));
  await connection?.close().catch(() => undefined);
  await tdb?.drop();
});

function expect503(res: request.Response, code: string) {
  expect({ status: res.status, code: res.body.code }).toEqual({ status: 503, code });
  expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
}

test('writes answer 503 TEMPORAL_UNAVAILABLE within the deadline and leave no claim behind', async () => {
  const applicant = await login(app, 'applicant1');
  const today = shanghaiDate(new Date());
  const before = await tdb.db
    .selectFrom('claim')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .executeTakeFirstOrThrow();
  const materials = await claimMaterials(app, applicant, 'certificate');
  let t0 = Date.now();
  const submit = await request(app)
    .post('/api/v1/nanxun/claims')
    .set(auth(applicant))
    .send({
      kind: 'certificate',
      employerOrgCode: 'NX-E-JGJX',
      certificate: { number: 'T1', level: 'senior', issuedOn: addDays(today, -20), receivedOn: addDays(today, -10) },
      materials,
    });
  expect503(submit, 'TEMPORAL_UNAVAILABLE');
  // the materials were not taken by the claim that was not made: they can be attached to the next attempt
  expect(await tdb.db.selectFrom('material').select('subject_id').where('id', 'in', materials).execute()).toEqual([{ subject_id: null }, { subject_id: null }]);
  expect(Date.now() - t0).toBeLessThan(8000);
  const after = await tdb.db
    .selectFrom('claim')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .executeTakeFirstOrThrow();
  expect(after.n).toBe(before.n);
  // the application number drawn before the refused start is spent (a gap in the numbering); no claim exists (above)

  const clerk = await login(app, 'unit.jgjx');
  t0 = Date.now();
  const decision = await request(app)
    .post(`/api/v1/tasks/${encodeURIComponent(`${claimWorkflowId('NX-ZS-2026-990001')}/unit_verification`)}/decision`)
    .set(auth(clerk))
    .send({ decision: 'approve', verdict: 'true' });
  expect503(decision, 'TEMPORAL_UNAVAILABLE');
  expect(Date.now() - t0).toBeLessThan(8000);
  const task = await tdb.db.selectFrom('task').selectAll().where('subject_id', '=', 'c-outage').executeTakeFirstOrThrow();
  expect(task.state).toBe('open');
});

test('reads are served from Postgres; /healthz says which dependency is down', async () => {
  const applicant = await login(app, 'applicant2');
  const clerk = await login(app, 'unit.jgjx');
  const claim = await request(app).get('/api/v1/nanxun/claims/c-outage').set(auth(applicant));
  expect(claim.status).toBe(200);
  expect(claim.body).toMatchObject({ id: 'c-outage', status: 'unit_verification' });
  expect((await request(app).get('/api/v1/nanxun/claims').set(auth(applicant))).status).toBe(200);
  const inbox = await request(app).get('/api/v1/tasks').set(auth(clerk));
  expect(inbox.status).toBe(200);
  expect(inbox.body.map((t: { subject: { id: string } }) => t.subject.id)).toContain('c-outage');
  const task = await request(app)
    .get(`/api/v1/tasks/${encodeURIComponent(inbox.body[0].id)}`)
    .set(auth(clerk));
  expect(task.status).toBe(200);
  const t0 = Date.now();
  const health = await request(app).get('/healthz');
  expect(health.status).toBe(503);
  expect(health.body).toEqual({ status: 'degraded', db: 'ok', temporal: { status: 'unavailable' } });
  expect(Date.now() - t0).toBeLessThan(5000);
});
