/**
 * Sessions (issue 12.5): the token names a server-side session and carries no personal data; logout, a role change
 * and deactivation end it at once in the process that made the change and, within SESSION_CHECK_MS, in any other.
 */
import request from 'supertest';
import { accountsWorld, bearer, loginAs } from './authHelpers';

jest.setTimeout(60_000);

let w: Awaited<ReturnType<typeof accountsWorld>>;
beforeAll(async () => {
  w = await accountsWorld();
});
afterAll(async () => {
  await w?.stop();
});

const me = (token: string, app = w.app) => request(app).get('/api/v1/auth/me').set(bearer(token));

test('the token carries a session id and the username, never the ID number or phone', async () => {
  const u = await w.tdb.db.selectFrom('app_user').selectAll().where('username', '=', 'applicant1').executeTakeFirstOrThrow();
  expect(u.id_number).toBeTruthy();
  const res = await loginAs(w.app, 'applicant1');
  expect(res.status).toBe(200);
  const token: string = res.body.token;
  const payload = JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString('utf8'));
  expect(Object.keys(payload).sort()).toEqual(['exp', 'iat', 'iss', 'sid', 'sub', 'uid']);
  expect(payload.sub).toBe('applicant1');
  const raw = Buffer.from(token.split('.')[1]!, 'base64url').toString('utf8');
  for (const secret of [u.id_number!, u.id_number!.slice(-6), u.phone!]) expect(raw).not.toContain(secret);
  // the person still acts as themselves: the identity comes from the account
  const mine = await me(token);
  expect(mine.status).toBe(200);
  expect(mine.body.idNumber).toBe(u.id_number);
  const session = await w.tdb.db.selectFrom('auth_session').selectAll().where('id', '=', payload.sid).executeTakeFirstOrThrow();
  expect(session.user_id).toBe(u.id);
});

test('logout answers 204 and the token is refused from then on, here and in another API process', async () => {
  const token = (await loginAs(w.app, 'applicant2')).body.token as string;
  const other = w.otherProcess();
  expect((await me(token)).status).toBe(200);
  expect((await me(token, other)).status).toBe(200); // the other process now remembers the session
  const out = await request(w.app).post('/api/v1/auth/logout').set(bearer(token));
  expect(out.status).toBe(204);
  const again = await me(token);
  expect(again.status).toBe(401);
  expect(again.body.code).toBe('UNAUTHENTICATED');
  // another process notices within SESSION_CHECK_MS (2 s by default)
  const t0 = Date.now();
  let status = 200;
  while (Date.now() - t0 < 5000) {
    status = (await me(token, other)).status;
    if (status === 401) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  expect(status).toBe(401);
  expect(Date.now() - t0).toBeLessThan(3000);
  // a fresh process never accepts it
  expect((await me(token, w.otherProcess())).status).toBe(401);
  // logging out twice: the token is already refused
  expect((await request(w.app).post('/api/v1/auth/logout').set(bearer(token))).status).toBe(401);
});

test('API processes that listen for account changes refuse a revoked token at once (no waiting for SESSION_CHECK_MS)', async () => {
  const [b, c] = [await w.listeningProcess(), await w.listeningProcess()];
  const admin = (await loginAs(w.app, 'secadmin')).body.token as string;
  const token = (await loginAs(w.app, 'applicant3')).body.token as string;
  const clerk = (await loginAs(w.app, 'bureau1')).body.token as string;
  // both processes remember the sessions now
  for (const p of [b, c]) {
    expect((await me(token, p)).status).toBe(200);
    expect((await me(clerk, p)).status).toBe(200);
  }
  // logout through process b: process c refuses the token on its very next request
  expect((await request(b).post('/api/v1/auth/logout').set(bearer(token))).status).toBe(204);
  await new Promise((r) => setTimeout(r, 200)); // the notification travels after the commit
  expect((await me(token, c)).status).toBe(401);
  // a role change made through the first process: the others see it at once too
  expect(
    (
      await request(w.app)
        .patch('/api/v1/admin/users/bureau1')
        .set(bearer(admin))
        .send({ roles: ['auditor'] })
    ).status,
  ).toBe(200);
  await new Promise((r) => setTimeout(r, 200));
  for (const p of [b, c]) expect((await me(clerk, p)).status).toBe(401);
  const back = await request(w.app)
    .patch('/api/v1/admin/users/bureau1')
    .set(bearer(admin))
    .send({ roles: ['bureau_reviewer'] });
  expect(back.status).toBe(200);
});

test("a role change ends the user's sessions at once; a new login has the new roles", async () => {
  const admin = (await loginAs(w.app, 'secadmin')).body.token as string;
  const token = (await loginAs(w.app, 'bureau2')).body.token as string;
  expect((await request(w.app).get('/api/v1/tasks').set(bearer(token))).status).toBe(200);
  const patched = await request(w.app)
    .patch('/api/v1/admin/users/bureau2')
    .set(bearer(admin))
    .send({ roles: ['auditor'] });
  expect(patched.status).toBe(200);
  expect(patched.body.roles).toEqual(['auditor']);
  const refused = await request(w.app).get('/api/v1/tasks').set(bearer(token));
  expect(refused.status).toBe(401);
  const fresh = await loginAs(w.app, 'bureau2');
  expect(fresh.body.user.roles).toEqual(['auditor']);
  expect((await request(w.app).get('/api/v1/admin/audit').set(bearer(fresh.body.token))).status).toBe(200);
  // changing only the display name keeps the session, and the new name shows at once
  const renamed = await request(w.app).patch('/api/v1/admin/users/bureau2').set(bearer(admin)).send({ displayName: '审计员二' });
  expect(renamed.status).toBe(200);
  const mine = await me(fresh.body.token);
  expect(mine.status).toBe(200);
  expect(mine.body.displayName).toBe('审计员二');
});

test('a deactivated account can neither log in nor use its token; reactivated, it logs in again', async () => {
  const admin = (await loginAs(w.app, 'secadmin')).body.token as string;
  const token = (await loginAs(w.app, 'rereview.nxz')).body.token as string;
  const other = w.otherProcess();
  expect((await me(token, other)).status).toBe(200);
  const off = await request(w.app).patch('/api/v1/admin/users/rereview.nxz').set(bearer(admin)).send({ active: false });
  expect(off.status).toBe(200);
  expect(off.body.active).toBe(false);
  expect((await me(token)).status).toBe(401);
  const login = await loginAs(w.app, 'rereview.nxz');
  expect(login.status).toBe(401);
  expect(login.body.code).toBe('UNAUTHENTICATED');
  await new Promise((r) => setTimeout(r, 2100));
  expect((await me(token, other)).status).toBe(401);
  const auditor = (await loginAs(w.app, 'auditor')).body.token as string;
  const audit = await request(w.app).get('/api/v1/admin/audit?action=user.deactivated').set(bearer(auditor));
  expect(audit.body).toEqual([expect.objectContaining({ actor: 'secadmin', action: 'user.deactivated', target: { type: 'user', id: 'rereview.nxz' } })]);
  expect((await request(w.app).patch('/api/v1/admin/users/rereview.nxz').set(bearer(admin)).send({ active: true })).status).toBe(200);
  expect((await loginAs(w.app, 'rereview.nxz')).status).toBe(200);
  // the old token stays dead
  expect((await me(token)).status).toBe(401);
  // the security administrator cannot lock themselves out
  const self = await request(w.app).patch('/api/v1/admin/users/secadmin').set(bearer(admin)).send({ active: false });
  expect(self.status).toBe(400);
});

test('a token signed for a session that does not exist is refused', async () => {
  const { createTokenIssuer } = await import('../authenticate');
  const forged = await createTokenIssuer('test-secret-for-jest-only-0123456789').sign({ sessionId: 'no-such-session', userId: 1, username: 'admin' });
  expect((await me(forged)).status).toBe(401);
});
