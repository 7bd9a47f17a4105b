/**
 * Linking a self-registered account to 浙里办 by an SMS code instead of its password: the code goes to the mobile
 * stored on the account (through the notification outbox), is stored only as its HMAC-SM3, and links once. A wrong
 * code, an expired one, a replayed one, one tried too often, or an account under another ID number link nothing.
 */
import request from 'supertest';
import { newestSealedMessage } from '../../../../test/helpers/sealedMessages';
import { makeIdNumber } from '../../../identity/idNumber';
import { bearer, counts, federationWorld, walk } from './federationHelpers';

jest.setTimeout(120_000);

let w: Awaited<ReturnType<typeof federationWorld>>;
beforeAll(async () => {
  w = await federationWorld();
});
afterAll(async () => {
  await w?.stop();
});

let seq = 0;
const newId = () => makeIdNumber(`33050319910202${String(100 + ++seq).padStart(3, '0')}`);
const register = async (username: string, idNumber: string, phone: string) => {
  const r = await request(w.app).post('/api/v1/auth/register').send({ username, password: 'Tide-Lantern-4827', name: '郑真', idNumber, phone });
  expect(r.status).toBe(201);
};
/** 浙里办 sign-in of the person whose number has a self-registered account: the link ticket */
const ticketFor = async (idNumber: string) => {
  const r = await walk(w.app, 'zlb-person', idNumber);
  const ticket = r.fragment?.get('link');
  if (!ticket) throw new Error(`no link ticket: ${r.callback.status} ${JSON.stringify(r.callback.body)}`);
  return ticket;
};
const sendCode = (ticket: string, username: string) => request(w.app).post('/api/v1/auth/link/sms-code').send({ ticket, username });
const link = (ticket: string, username: string, smsCode: string) => request(w.app).post('/api/v1/auth/link').send({ ticket, username, smsCode });

/** the code as the person receives it: the newest verification message in the account's outbox */
async function codeOf(username: string): Promise<string> {
  const m = await newestSealedMessage(w.tdb.db, username, 'verification_code');
  expect(m.smsState).toBe('pending');
  // at rest the message holds no code: only its sealed body
  expect(m.sealed).toBe(true);
  expect(m.atRest).not.toMatch(/验证码：/);
  return /验证码：(\d{6})/.exec(m.received)![1]!;
}
const wrong = (code: string) => String((Number(code) + 1) % 1_000_000).padStart(6, '0');

test('the code goes to the account’s own mobile, is kept only as a MAC, and links the account once', async () => {
  const id = newId();
  await register('sms.one', id, '13622223333');
  const ticket = await ticketFor(id);
  const sent = await sendCode(ticket, 'sms.one');
  expect(sent.status).toBe(200);
  expect(sent.body).toEqual({ channel: 'sms', to: '136****3333', expiresInSeconds: 300 });
  const code = await codeOf('sms.one');
  const stored = await w.tdb.db.selectFrom('auth_link_sms_code').select(['code_mac']).orderBy('id', 'desc').executeTakeFirstOrThrow();
  expect(stored.code_mac).not.toContain(code);
  expect(stored.code_mac).toMatch(/^[a-z0-9]{1,16}\.[0-9a-f]{64}$/);

  // a wrong code links nothing and says how many attempts are left
  const before = await counts(w.tdb);
  const bad = await link(ticket, 'sms.one', wrong(code));
  expect(bad.status).toBe(422);
  expect(bad.body).toMatchObject({ code: 'SMS_CODE_INVALID', attemptsLeft: 4 });
  expect(bad.headers['content-type']).toMatch(/application\/problem\+json/);
  expect(await counts(w.tdb)).toEqual(before);

  const ok = await link(ticket, 'sms.one', code);
  expect(ok.status).toBe(200);
  expect(ok.body.user.username).toBe('sms.one');
  const me = await request(w.app).get('/api/v1/auth/me').set(bearer(ok.body.token));
  expect(me.body).toMatchObject({ username: 'sms.one', identityStatus: 'confirmed' });
  expect((await counts(w.tdb)).links).toBe(before.links + 1);

  // replayed: the same ticket and code again are refused
  const replay = await link(ticket, 'sms.one', code);
  expect(replay.status).toBe(400);
  expect(replay.body.code).toBe('SIGN_IN_EXPIRED');
  // the next 浙里办 sign-in goes straight to the linked account
  const again = await walk(w.app, 'zlb-person', id);
  expect(again.fragment?.get('code')).toBeTruthy();

  const audit = await w.tdb.db
    .selectFrom('audit_log')
    .select(['details'])
    .where('action', '=', 'signin.linked')
    .where('target_id', '=', 'sms.one')
    .executeTakeFirstOrThrow();
  expect(audit.details).toMatchObject({ how: 'sms_code' });
});

test('an expired code links nothing; a new code replaces the old one, whose replay is refused', async () => {
  const id = newId();
  await register('sms.two', id, '13622224444');
  const ticket = await ticketFor(id);
  expect((await sendCode(ticket, 'sms.two')).status).toBe(200);
  const first = await codeOf('sms.two');
  // five minutes later (the code's expiry moved back, as the clock would)
  await w.tdb.db
    .updateTable('auth_link_sms_code')
    .set({ expires_at: new Date(Date.now() - 1000) })
    .where('used_at', 'is', null)
    .execute();
  const before = await counts(w.tdb);
  const expired = await link(ticket, 'sms.two', first);
  expect(expired.status).toBe(422);
  expect(expired.body.code).toBe('SMS_CODE_INVALID');
  expect(await counts(w.tdb)).toEqual(before);

  // a second code at once is refused (one a minute); a minute later it is sent and the first one is dead
  const tooSoon = await sendCode(ticket, 'sms.two');
  expect(tooSoon.status).toBe(429);
  expect(tooSoon.body.code).toBe('RATE_LIMITED');
  await w.tdb.db
    .updateTable('auth_link_sms_code')
    .set({ created_at: new Date(Date.now() - 61_000) })
    .execute();
  expect((await sendCode(ticket, 'sms.two')).status).toBe(200);
  const second = await codeOf('sms.two');
  if (second !== first) expect((await link(ticket, 'sms.two', first)).body.code).toBe('SMS_CODE_INVALID');
  expect((await link(ticket, 'sms.two', second)).status).toBe(200);
});

test('five wrong codes kill the code; an account under another ID number gets no code', async () => {
  const id = newId();
  await register('sms.three', id, '13622225555');
  await register('sms.other', newId(), '13622226666');
  const ticket = await ticketFor(id);

  const notMine = await sendCode(ticket, 'sms.other');
  expect(notMine.status).toBe(422);
  expect(notMine.body.code).toBe('NOT_A_CLAIMANT');
  const otherMessages = await w.tdb.db
    .selectFrom('notification')
    .innerJoin('app_user', 'app_user.id', 'notification.recipient_user_id')
    .select('notification.id')
    .where('app_user.username', '=', 'sms.other')
    .where('notification.kind', '=', 'verification_code')
    .execute();
  expect(otherMessages).toEqual([]);

  expect((await sendCode(ticket, 'sms.three')).status).toBe(200);
  const code = await codeOf('sms.three');
  const left: number[] = [];
  for (let i = 0; i < 5; i++) left.push((await link(ticket, 'sms.three', wrong(code))).body.attemptsLeft);
  expect(left).toEqual([4, 3, 2, 1, 0]);
  const dead = await link(ticket, 'sms.three', code);
  expect(dead.status).toBe(422);
  expect(dead.body.code).toBe('SMS_CODE_INVALID');
  // the password path still works for the same ticket
  const pw = await request(w.app).post('/api/v1/auth/link').send({ ticket, username: 'sms.three', password: 'Tide-Lantern-4827' });
  expect(pw.status).toBe(200);
});
