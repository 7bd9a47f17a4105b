/**
 * 浙里办 (person) sign-in against the stand-in: the verified ID number is the identity. First sign-in makes a
 * confirmed applicant account, the second finds it; a self-registered account with that number is linked only after
 * its password is given (a wrong one links nothing), or the person declines and a dispute is opened as today.
 * A replayed code or callback, a wrong state, a callback in another browser, a provider that is down or answers
 * garbage: each a problem, and nothing created.
 */
import request from 'supertest';
import express from 'express';
import { makeIdNumber } from '../../../identity/idNumber';
import { bearer, counts, exchange, federationWorld, listen, providersAt, signIn, walk } from './federationHelpers';

jest.setTimeout(120_000);

let w: Awaited<ReturnType<typeof federationWorld>>;
beforeAll(async () => {
  w = await federationWorld();
});
afterAll(async () => {
  await w?.stop();
});

const me = async (token: string) => (await request(w.app).get('/api/v1/auth/me').set(bearer(token))).body;
let seq = 0;
const newId = () => makeIdNumber(`33050319900101${String(100 + ++seq).padStart(3, '0')}`);
const GOOD_PASSWORD = 'Tide-Lantern-4827';
const register = (username: string, idNumber: string) =>
  request(w.app).post('/api/v1/auth/register').send({ username, password: GOOD_PASSWORD, name: '郑真', idNumber, phone: '13611112222' });

test('first sign-in creates a confirmed applicant account; the second signs in to the same one', async () => {
  const id = newId();
  const first = await signIn(w.app, 'zlb-person', id);
  expect(first.roles).toEqual(['applicant']);
  const m = await me(first.token);
  expect(m).toMatchObject({ idNumber: id, identityStatus: 'confirmed', roles: ['applicant'] });
  expect(m.displayName).toBe(`居民${id.slice(-4)}`);

  const before = await counts(w.tdb);
  const second = await signIn(w.app, 'zlb-person', id);
  expect(second.username).toBe(first.username);
  expect((await counts(w.tdb)).users).toBe(before.users);
  // the two sessions are separate: logging out of one leaves the other
  expect((await request(w.app).post('/api/v1/auth/logout').set(bearer(first.token))).status).toBe(204);
  expect((await request(w.app).get('/api/v1/auth/me').set(bearer(first.token))).status).toBe(401);
  expect((await request(w.app).get('/api/v1/auth/me').set(bearer(second.token))).status).toBe(200);
});

test('the callback lands on the console with a one-time code that works once, within 60 s', async () => {
  const r = await walk(w.app, 'zlb-person', newId(), '/claims/new');
  expect(r.callback.status).toBe(302);
  const to = new URL(r.callback.headers.location!);
  expect(to.pathname).toBe('/login/callback');
  expect(r.fragment!.get('returnTo')).toBe('/claims/new');
  const code = r.fragment!.get('code')!;
  expect((await exchange(w.app, code)).status).toBe(200);
  const again = await exchange(w.app, code);
  expect(again.status).toBe(400);
  expect(again.body.code).toBe('SIGN_IN_EXPIRED');
  expect(again.headers['content-type']).toMatch(/application\/problem\+json/);

  // a code older than 60 s is refused (its expiry moved back, as the clock would)
  const r2 = await walk(w.app, 'zlb-person', newId());
  await w.tdb.db
    .updateTable('auth_exchange_code')
    .set({ expires_at: new Date(Date.now() - 1000) })
    .where('used_at', 'is', null)
    .execute();
  expect((await exchange(w.app, r2.fragment!.get('code')!)).body.code).toBe('SIGN_IN_EXPIRED');
});

test('a replayed callback, a wrong state and a callback in another browser create nothing', async () => {
  const id = newId();
  const r = await walk(w.app, 'zlb-person', id);
  expect(r.callback.status).toBe(302);
  const before = await counts(w.tdb);
  const replay = await request(w.app).get(r.callbackPath).set('Cookie', r.cookie);
  expect(replay.status).toBe(400);
  expect(replay.body.code).toBe('SIGN_IN_EXPIRED');

  // wrong state: the provider's answer with another state than the one this server issued
  const start = await request(w.app).get('/api/v1/auth/providers/zlb-person/start').query({ login_hint: newId() });
  const cookie = ([] as string[]).concat(start.headers['set-cookie'] ?? []).map((c) => c.split(';')[0]!);
  const atIdp = await fetch(start.headers.location!, { redirect: 'manual' });
  const cb = new URL(atIdp.headers.get('location')!);
  cb.searchParams.set('state', 'forged-state-0123456789');
  const wrong = await request(w.app).get(`${cb.pathname}${cb.search}`).set('Cookie', cookie);
  expect(wrong.status).toBe(400);
  expect(wrong.body.code).toBe('SIGN_IN_EXPIRED');

  // the right state, but in a browser that did not start the sign-in (no binding cookie): login CSRF refused
  const start2 = await request(w.app).get('/api/v1/auth/providers/zlb-person/start').query({ login_hint: newId() });
  const atIdp2 = await fetch(start2.headers.location!, { redirect: 'manual' });
  const cb2 = new URL(atIdp2.headers.get('location')!);
  const planted = await request(w.app).get(`${cb2.pathname}${cb2.search}`);
  expect(planted.status).toBe(400);
  expect(planted.body.code).toBe('SIGN_IN_EXPIRED');
  expect(await counts(w.tdb)).toEqual(before);
});

test('an existing self-registered account is linked only with its password; a wrong one links nothing', async () => {
  const id = newId();
  expect((await register('zhengzhen1', id)).status).toBe(201);
  const r = await walk(w.app, 'zlb-person', id);
  expect(r.callback.status).toBe(302);
  expect(r.fragment!.get('code')).toBeNull();
  const ticket = r.fragment!.get('link')!;
  expect(ticket).toBeTruthy();

  const before = await counts(w.tdb);
  const wrong = await request(w.app).post('/api/v1/auth/link').send({ ticket, username: 'zhengzhen1', password: 'not-the-password' });
  expect(wrong.status).toBe(422);
  expect(wrong.body.code).toBe('WRONG_PASSWORD');
  // another person's account, even with its right password, is not this identity's
  expect((await register('someone.else', newId())).status).toBe(201);
  const other = await request(w.app).post('/api/v1/auth/link').send({ ticket, username: 'someone.else', password: GOOD_PASSWORD });
  expect(other.body.code).toBe('WRONG_PASSWORD');
  expect((await counts(w.tdb)).links).toBe(before.links);

  const ok = await request(w.app).post('/api/v1/auth/link').send({ ticket, username: 'zhengzhen1', password: GOOD_PASSWORD });
  expect(ok.status).toBe(200);
  expect(ok.body.user.username).toBe('zhengzhen1');
  expect(await me(ok.body.token)).toMatchObject({ identityStatus: 'confirmed', idNumber: id });
  // the ticket was used
  expect((await request(w.app).post('/api/v1/auth/link').send({ ticket, username: 'zhengzhen1', password: GOOD_PASSWORD })).body.code).toBe('SIGN_IN_EXPIRED');
  // from now on the provider signs in to it directly
  expect((await signIn(w.app, 'zlb-person', id)).username).toBe('zhengzhen1');
});

test('declining the link makes a new account and opens a dispute, as a second registration would', async () => {
  const id = newId();
  expect((await register('zhengzhen2', id)).status).toBe(201);
  const r = await walk(w.app, 'zlb-person', id);
  const ticket = r.fragment!.get('link')!;
  const before = await counts(w.tdb);
  const declined = await request(w.app).post('/api/v1/auth/link').send({ ticket, decline: true });
  expect(declined.status).toBe(200);
  expect(declined.body.user.username).not.toBe('zhengzhen2');
  const after = await counts(w.tdb);
  expect(after.users).toBe(before.users + 1);
  expect(after.disputes).toBe(before.disputes + 1);
  expect((await me(declined.body.token)).identityStatus).toBe('provisional');
});

test('a provider that is down: 503 IDP_UNAVAILABLE and nothing created', async () => {
  const dead = await listen(express());
  const deadUrl = dead.url;
  await dead.close();
  const app = w.make(providersAt(w.idp.url, { token: deadUrl }));
  const before = await counts(w.tdb);
  const r = await walk(app, 'zlb-person', newId());
  expect(r.callback.status).toBe(503);
  expect(r.callback.body.code).toBe('IDP_UNAVAILABLE');
  expect(r.callback.headers['content-type']).toMatch(/application\/problem\+json/);
  expect(await counts(w.tdb)).toEqual(before);
});

test('a provider that answers garbage: a problem (503 or 4xx), never a 500, and nothing created', async () => {
  let answer: (res: express.Response) => void = (res) => void res.type('html').send('<html>维护中</html>');
  const garbage = await listen(express().use((_req, res) => answer(res)));
  try {
    const app = w.make(providersAt(w.idp.url, { userInfo: garbage.url }));
    const before = await counts(w.tdb);
    const cases: ((res: express.Response) => void)[] = [
      (res) => void res.type('html').send('<html>维护中</html>'),
      (res) => void res.json({ result: '0' }), // no subject, no name
      (res) => void res.json({ result: '0', userid: 'u1', username: '某人', idnum: '123' }), // not an ID number
      (res) => void res.json([1, 2, 3]),
      (res) => void res.status(502).send('bad gateway'),
      (res) => void res.status(401).json({ result: '6001', errmsg: 'token 无效' }),
      (res) => void res.json({ result: '1', errmsg: '失败' }),
    ];
    for (const c of cases) {
      answer = c;
      const r = await walk(app, 'zlb-person', newId());
      expect([400, 401, 403, 503]).toContain(r.callback.status);
      expect(r.callback.body.code).toMatch(/^IDP_(UNAVAILABLE|REFUSED)$/);
    }
    expect(await counts(w.tdb)).toEqual(before);
  } finally {
    await garbage.close();
  }
});

test('returnTo must be a path of the console, and an unknown provider is 404', async () => {
  for (const bad of ['https://evil.example/', '//evil.example/x', '/\\evil', 'javascript:alert(1)']) {
    const r = await request(w.app).get('/api/v1/auth/providers/zlb-person/start').query({ returnTo: bad });
    expect(r.status).toBe(400);
    expect(r.body.code).toBe('INVALID_RETURN_TO');
  }
  expect((await request(w.app).get('/api/v1/auth/providers/nope/start')).body.code).toBe('UNKNOWN_PROVIDER');
  const list = await request(w.app).get('/api/v1/auth/providers');
  expect(list.body.map((p: { id: string; audience: string }) => [p.id, p.audience])).toEqual([
    ['zlb-person', 'applicant'],
    ['zlb-legal', 'enterprise'],
    ['zzd', 'clerk'],
  ]);
});
