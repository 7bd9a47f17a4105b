/**
 * The codec endpoint (Temporal's codec-server protocol) decodes payloads for an admin only — by bearer token or by
 * the codec cookie of the admin's browser — for this deployment's namespace, answers CORS for the Web UI's origin
 * only, and leaves a row in the audit trail for every use.
 */
import pino from 'pino';
import request from 'supertest';
import { Client, Connection } from '@temporalio/client';
import { defaultPayloadConverter } from '@temporalio/common';
import { createApp } from '../../../api/app';
import { createTokenIssuer } from '../../auth/authenticate';
import { freshDatabase, type TestDb } from '../../../test/helpers/db';
import { login } from '../../../test/helpers/app';
import { dataConverter, Sm4PayloadCodec } from '../../crypto/payloadCodec';

const UI = 'http://localhost:8233';
let tdb: TestDb;
let app: ReturnType<typeof createApp>;
beforeAll(async () => {
  tdb = await freshDatabase();
  app = createApp({
    db: tdb.db,
    temporal: new Client({ connection: Connection.lazy({ address: '127.0.0.1:1' }), namespace: 'default', dataConverter: dataConverter() }),
    tokens: createTokenIssuer('test-secret-for-jest-only-0123456789'),
    log: pino({ level: 'silent' }),
    config: { devMode: true, taskQueue: 'unused', codecOrigins: [UI] },
  });
});
afterAll(async () => {
  await tdb?.drop();
});

const ID = '330503198001011234';
async function encryptedBody() {
  const [p] = await new Sm4PayloadCodec().encode([defaultPayloadConverter.toPayload({ applicantIdNumber: ID })]);
  const b64 = (u: Uint8Array) => Buffer.from(u).toString('base64');
  return { payloads: [{ metadata: Object.fromEntries(Object.entries(p!.metadata!).map(([k, v]) => [k, b64(v!)])), data: b64(p!.data!) }] };
}
const decodedValue = (body: { payloads: { data: string }[] }) => JSON.parse(Buffer.from(body.payloads[0]!.data, 'base64').toString('utf8'));

test('an admin decodes payloads with a bearer token; every use is audited', async () => {
  const token = await login(app, 'admin');
  const res = await request(app)
    .post('/api/v1/codec/decode')
    .set('authorization', `Bearer ${token}`)
    .set('x-namespace', 'default')
    .send(await encryptedBody());
  expect(res.status).toBe(200);
  expect(decodedValue(res.body)).toEqual({ applicantIdNumber: ID });
  expect(Buffer.from(res.body.payloads[0].metadata.encoding, 'base64').toString()).toBe('json/plain');
  // the protocol: only the last path segment counts
  const nested = await request(app)
    .post('/api/v1/codec/default/decode')
    .set('authorization', `Bearer ${token}`)
    .send(await encryptedBody());
  expect(decodedValue(nested.body)).toEqual({ applicantIdNumber: ID });
  const audit = await tdb.db.selectFrom('audit_log').selectAll().where('action', '=', 'codec.decode').execute();
  expect(audit).toHaveLength(2);
  expect(audit[0]).toMatchObject({ actor_username: 'admin', target_type: 'temporal_namespace', target_id: 'default' });
  expect(audit[0]!.details).toMatchObject({ payloads: 1, encrypted: 1 });
});

test('nobody else decodes: no login 401, another role 403, another namespace 403', async () => {
  const body = await encryptedBody();
  expect((await request(app).post('/api/v1/codec/decode').send(body)).status).toBe(401);
  const bureau = await login(app, 'bureau1');
  const other = await request(app).post('/api/v1/codec/decode').set('authorization', `Bearer ${bureau}`).send(body);
  expect(other.status).toBe(403);
  expect(JSON.stringify(other.body)).not.toContain(ID);
  const auditor = await login(app, 'auditor');
  expect((await request(app).post('/api/v1/codec/decode').set('authorization', `Bearer ${auditor}`).send(body)).status).toBe(403);
  const admin = await login(app, 'admin');
  expect((await request(app).post('/api/v1/codec/decode').set('authorization', `Bearer ${admin}`).set('x-namespace', 'other').send(body)).status).toBe(403);
  expect((await request(app).post('/api/v1/codec/decode').set('authorization', 'Bearer not-a-token').send(body)).status).toBe(401);
});

test("the admin's browser gets an HttpOnly, SameSite=Strict cookie for the codec path; it stops working at logout", async () => {
  const token = await login(app, 'admin');
  const s = await request(app).post('/api/v1/codec/session').set('authorization', `Bearer ${token}`);
  expect(s.status).toBe(204);
  const cookie = String(s.headers['set-cookie']);
  expect(cookie).toMatch(/^zj_codec=/);
  expect(cookie).toMatch(/HttpOnly/);
  expect(cookie).toMatch(/SameSite=Strict/);
  expect(cookie).toMatch(/Path=\/api\/v1\/codec/);
  const pair = cookie.split(';')[0]!;
  const res = await request(app)
    .post('/api/v1/codec/decode')
    .set('cookie', pair)
    .set('origin', UI)
    .set('x-namespace', 'default')
    .send(await encryptedBody());
  expect(res.status).toBe(200);
  expect(res.headers['access-control-allow-origin']).toBe(UI);
  expect(res.headers['access-control-allow-credentials']).toBe('true');
  expect(decodedValue(res.body)).toEqual({ applicantIdNumber: ID });
  // the cookie is not a login for the rest of the API
  expect((await request(app).get('/api/v1/auth/me').set('cookie', pair)).status).toBe(401);
  await request(app).post('/api/v1/auth/logout').set('authorization', `Bearer ${token}`);
  expect(
    (
      await request(app)
        .post('/api/v1/codec/decode')
        .set('cookie', pair)
        .send(await encryptedBody())
    ).status,
  ).toBe(401);
  // a non-admin cannot get the cookie
  const bureau = await login(app, 'bureau1');
  expect((await request(app).post('/api/v1/codec/session').set('authorization', `Bearer ${bureau}`)).status).toBe(403);
});

test("CORS: the Web UI's origin is answered (preflight too); any other origin gets no CORS headers", async () => {
  const pre = await request(app)
    .options('/api/v1/codec/decode')
    .set('origin', UI)
    .set('access-control-request-method', 'POST')
    .set('access-control-request-headers', 'content-type,x-namespace');
  expect(pre.status).toBe(204);
  expect(pre.headers['access-control-allow-origin']).toBe(UI);
  expect(pre.headers['access-control-allow-headers']).toMatch(/X-Namespace/i);
  const evil = await request(app).options('/api/v1/codec/decode').set('origin', 'http://evil.example').set('access-control-request-method', 'POST');
  expect(evil.headers['access-control-allow-origin']).toBeUndefined();
});
