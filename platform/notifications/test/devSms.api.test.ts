/**
 * The SMS stand-in's phone (`GET /api/v1/dev/sms?username=…`, development mode only, API.md "Added in the third
 * round"): a one-time password goes to the person, never back to the operator; in development the person's phone is
 * this route. It shows the text the SMS gateway is handed (the sealed body opened for it), and nothing in production.
 */
import request from 'supertest';
import pino from 'pino';
import { Client, Connection } from '@temporalio/client';
import { accountsWorld, bearer, loginAs } from '../../auth/test/authHelpers';
import { dispatchSmsOnce } from '../dispatcher';
import { createApp } from '../../../api/app';
import { createTokenIssuer } from '../../auth/authenticate';
import { createSessionStore } from '../../auth/sessions';

let w: Awaited<ReturnType<typeof accountsWorld>>;
beforeAll(async () => {
  w = await accountsWorld({ devMode: true });
});
afterAll(async () => {
  await w?.stop();
});

test('a reset password reaches the person’s stand-in phone, and only there; the person signs in with it', async () => {
  const secadmin = (await loginAs(w.app, 'secadmin')).body.token as string;
  const reset = await request(w.app).post('/api/v1/admin/users/applicant2/reset-password').set(bearer(secadmin)).send({});
  expect(reset.status).toBe(200);
  expect(JSON.stringify(reset.body)).not.toMatch(/一次性密码：/);

  // queued for the gateway: the phone already shows it as pending, then as sent once the dispatcher ran
  const pending = await request(w.app).get('/api/v1/dev/sms?username=applicant2');
  expect(pending.status).toBe(200);
  const message = pending.body.find((m: { text: string }) => /一次性密码：/.test(m.text));
  expect(message).toMatchObject({ state: 'pending', to: expect.stringMatching(/^\d{3}\*{4}\d{4}$/), text: expect.stringMatching(/^【浙里审批】/) });
  await dispatchSmsOnce(w.tdb.db, { name: 'test', send: async () => undefined });
  const sent = (await request(w.app).get('/api/v1/dev/sms?username=applicant2')).body.find((m: { id: string }) => m.id === message.id);
  expect(sent.state).toBe('sent');
  expect(sent.sentAt).not.toBeNull();

  const otp = /一次性密码：([A-Za-z0-9_-]+)/.exec(sent.text)![1]!;
  const login = await loginAs(w.app, 'applicant2', otp);
  expect(login.status).toBe(200);
  expect(login.body.mustChangePassword).toBe(true);
  // someone else's phone does not show it
  const other = (await request(w.app).get('/api/v1/dev/sms?username=applicant1')).body as { text: string }[];
  expect(other.some((m) => m.text.includes(otp))).toBe(false);
});

test('bad input is a 400; in production the route does not exist', async () => {
  const bad = await request(w.app).get('/api/v1/dev/sms');
  expect(bad.status).toBe(400);
  expect(bad.body.code).toBe('VALIDATION_FAILED');
  const production = createApp({
    db: w.tdb.db,
    temporal: new Client({ connection: Connection.lazy({ address: '127.0.0.1:1' }) }),
    tokens: createTokenIssuer('test-secret-for-jest-only-0123456789'),
    sessions: createSessionStore(w.tdb.db),
    log: pino({ level: 'silent' }),
    config: { devMode: false, taskQueue: 'unused' },
  });
  const r = await request(production).get('/api/v1/dev/sms?username=applicant2');
  expect(r.status).toBe(404);
  expect(r.headers['content-type']).toMatch(/problem\+json/);
});
