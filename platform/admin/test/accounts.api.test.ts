/**
 * Account administration (issues 15.3 and 19): the security administrator creates a staff account; its one-time
 * password goes to the person by SMS (the outbox), never back to the operator, and must be changed before anything
 * else; resets the same; the audit trail is readable by the audit administrator only; the committee office gives an
 * expert of the pool a login, whose password goes to the expert.
 */
import request from 'supertest';
import { sql } from 'kysely';
import { accountsWorld, bearer, loginAs, GOOD_PASSWORD } from '../../auth/test/authHelpers';
import { dispatchSmsOnce } from '../../notifications/dispatcher';
import type { SmsMessage } from '../../notifications/sms';
import { ERASED_PLACEHOLDER } from '../../notifications/sealedBody';

jest.setTimeout(60_000);

let w: Awaited<ReturnType<typeof accountsWorld>>;
let admin: string;
beforeAll(async () => {
  w = await accountsWorld();
  admin = (await loginAs(w.app, 'secadmin')).body.token;
});

/**
 * The one-time password as the person receives it: the SMS the dispatcher sends for the newest one-time-password
 * message of their outbox. At rest the message holds no password: only its sealed body (issue 19, finding 5).
 */
async function smsPasswordOf(username: string): Promise<string> {
  const row = await w.tdb.db
    .selectFrom('notification')
    .innerJoin('app_user', 'app_user.id', 'notification.recipient_user_id')
    .select(['notification.id', 'notification.body', 'notification.body_sealed', 'notification.sms_state'])
    .where('app_user.username', '=', username)
    .where('notification.kind', '=', 'one_time_password')
    .orderBy('notification.created_at', 'desc')
    .orderBy('notification.id', 'desc')
    .executeTakeFirstOrThrow();
  expect(row.sms_state).toBe('pending');
  expect(row.body).not.toMatch(/一次性密码：/);
  expect(row.body_sealed).not.toBeNull();
  const sent: SmsMessage[] = [];
  await dispatchSmsOnce(w.tdb.db, { name: 'test', send: async (m) => void sent.push(m) });
  const sms = sent.find((m) => m.idempotencyKey === row.id);
  expect(sms).toBeDefined();
  const otp = /一次性密码：([A-Za-z0-9_-]+)/.exec(sms!.text)![1]!;
  // a scan of the whole notification table (every column, as text) finds the password nowhere
  const dump = await sql<{ t: string }>`select n::text as t from notification n`.execute(w.tdb.db);
  expect(dump.rows.length).toBeGreaterThan(0);
  expect(dump.rows.filter((r) => r.t.includes(otp))).toEqual([]);
  expect(dump.rows.filter((r) => r.t.includes(Buffer.from(otp).toString('hex')))).toEqual([]);
  return otp;
}
afterAll(async () => {
  await w?.stop();
});

const post = (path: string, token: string, body?: unknown) =>
  request(w.app)
    .post(path)
    .set(bearer(token))
    .send(body as object);

test('the security administrator creates an account → the person gets the one-time password by SMS → every route refuses until it is changed', async () => {
  const created = await post('/api/v1/admin/users', admin, {
    username: 'unit.new',
    displayName: '嘉宏机械·新经办人',
    orgCode: 'NX-E-JGJX',
    roles: ['unit_verifier'],
    phone: '13711112222',
  });
  expect(created.status).toBe(201);
  expect(created.body.user).toMatchObject({
    username: 'unit.new',
    roles: ['unit_verifier'],
    orgCode: 'NX-E-JGJX',
    active: true,
    mustChangePassword: true,
    createdBy: 'secadmin',
  });
  // the operator learns where it went, never the password
  expect(created.body.oneTimePasswordSent).toEqual({ channel: 'sms', to: '137****2222' });
  expect(created.body.oneTimePassword).toBeUndefined();
  const otp = await smsPasswordOf('unit.new');
  expect(otp.length).toBeGreaterThanOrEqual(12);
  expect(JSON.stringify(created.body)).not.toContain(otp);
  // the password is stored hashed only
  const row = await w.tdb.db.selectFrom('app_user').select('password_hash').where('username', '=', 'unit.new').executeTakeFirstOrThrow();
  expect(row.password_hash).not.toContain(otp);

  const login = await loginAs(w.app, 'unit.new', otp);
  expect(login.status).toBe(200);
  expect(login.body.mustChangePassword).toBe(true);
  const token: string = login.body.token;
  for (const [method, path] of [
    ['get', '/api/v1/tasks'],
    ['get', '/api/v1/nanxun/claims'],
    ['post', '/api/v1/nanxun/claims'],
  ] as const) {
    const r = await request(w.app)[method](path).set(bearer(token)).send({});
    expect({ path, status: r.status, code: r.body.code }).toEqual({ path, status: 403, code: 'PASSWORD_CHANGE_REQUIRED' });
  }
  const me = await request(w.app).get('/api/v1/auth/me').set(bearer(token));
  expect(me.body.mustChangePassword).toBe(true);

  expect((await post('/api/v1/auth/password', token, { oldPassword: 'not-it', newPassword: GOOD_PASSWORD })).body.code).toBe('WRONG_PASSWORD');
  const weak = await post('/api/v1/auth/password', token, { oldPassword: otp, newPassword: 'password' });
  expect(weak.status).toBe(422);
  expect(weak.body).toMatchObject({ code: 'WEAK_PASSWORD', field: 'newPassword' });
  expect((await post('/api/v1/auth/password', token, { oldPassword: otp, newPassword: otp })).body.code).toBe('WEAK_PASSWORD');
  expect((await post('/api/v1/auth/password', token, { oldPassword: otp, newPassword: GOOD_PASSWORD })).status).toBe(204);
  // the password changed, the one-time password is erased from the person's messages (not even sealed any more)
  const msgs = await request(w.app).get('/api/v1/notifications').set(bearer(token));
  expect(msgs.status).toBe(200);
  const otpMsg = (msgs.body as { kind: string; body: string }[]).find((m) => m.kind === 'one_time_password');
  expect(otpMsg?.body).toBe(ERASED_PLACEHOLDER);
  const stored = await w.tdb.db
    .selectFrom('notification')
    .innerJoin('app_user', 'app_user.id', 'notification.recipient_user_id')
    .select(['notification.body_sealed'])
    .where('app_user.username', '=', 'unit.new')
    .execute();
  expect(stored.map((r) => r.body_sealed)).toEqual(stored.map(() => null));
  // the same session goes on, now unrestricted
  expect((await request(w.app).get('/api/v1/tasks').set(bearer(token))).status).toBe(200);
  expect((await loginAs(w.app, 'unit.new', otp)).status).toBe(401);
  const again = await loginAs(w.app, 'unit.new', GOOD_PASSWORD);
  expect(again.body.mustChangePassword).toBe(false);
});

test('creating an account: roles from the fixed list (400 naming the field), a known organisation (422), a free username (409)', async () => {
  const badRole = await post('/api/v1/admin/users', admin, {
    username: 'x.role',
    displayName: 'x',
    orgCode: 'NX-E-JGJX',
    roles: ['superuser'],
    phone: '13700000001',
  });
  expect(badRole.status).toBe(400);
  expect(badRole.body.code).toBe('VALIDATION_FAILED');
  expect(badRole.body.errors[0].path).toBe('roles.0');
  const badOrg = await post('/api/v1/admin/users', admin, {
    username: 'x.org',
    displayName: 'x',
    orgCode: 'NO-SUCH-ORG',
    roles: ['unit_verifier'],
    phone: '13700000001',
  });
  expect(badOrg.status).toBe(422);
  expect(badOrg.body).toMatchObject({ code: 'UNKNOWN_ORG', field: 'orgCode' });
  expect(
    (await post('/api/v1/admin/users', admin, { username: 'Bureau1', displayName: 'x', orgCode: null, roles: ['auditor'], phone: '13700000001' })).body.code,
  ).toBe('USERNAME_TAKEN');
  const bureau = (await loginAs(w.app, 'bureau1')).body.token as string;
  expect((await post('/api/v1/admin/users', bureau, { username: 'x.forbidden', displayName: 'x', orgCode: null, roles: ['admin'] })).status).toBe(403);
  expect(await w.tdb.db.selectFrom('app_user').select('id').where('username', 'in', ['x.role', 'x.org', 'x.forbidden']).execute()).toEqual([]);
});

test('a password reset ends the sessions and sends the person a one-time password that must be changed', async () => {
  const old = (await loginAs(w.app, 'applicant3')).body.token as string;
  const reset = await post('/api/v1/admin/users/applicant3/reset-password', admin);
  expect(reset.status).toBe(200);
  expect(reset.body.user.mustChangePassword).toBe(true);
  expect(reset.body.oneTimePassword).toBeUndefined();
  expect(reset.body.oneTimePasswordSent).toMatchObject({ channel: 'sms', to: expect.stringMatching(/^\d{3}\*{4}\d{4}$/) });
  expect((await request(w.app).get('/api/v1/auth/me').set(bearer(old))).status).toBe(401);
  expect((await loginAs(w.app, 'applicant3')).status).toBe(401);
  const login = await loginAs(w.app, 'applicant3', await smsPasswordOf('applicant3'));
  expect(login.body.mustChangePassword).toBe(true);
  expect((await request(w.app).get('/api/v1/nanxun/claims').set(bearer(login.body.token))).body.code).toBe('PASSWORD_CHANGE_REQUIRED');
  expect((await post('/api/v1/admin/users/nobody-here/reset-password', admin)).status).toBe(404);
});

test('the user list filters by organisation and text, paged', async () => {
  const page = await request(w.app).get('/api/v1/admin/users?orgCode=NX-E-JGJX&limit=2').set(bearer(admin));
  expect(page.status).toBe(200);
  expect(page.body.items).toHaveLength(2);
  expect(page.body.total).toBeGreaterThanOrEqual(2);
  expect(page.body.items.every((u: { orgCode: string }) => u.orgCode === 'NX-E-JGJX')).toBe(true);
  const next = await request(w.app).get(`/api/v1/admin/users?orgCode=NX-E-JGJX&limit=2&offset=2`).set(bearer(admin));
  expect(next.body.items.map((u: { username: string }) => u.username)).not.toContain(page.body.items[0].username);
  const q = await request(w.app).get('/api/v1/admin/users?q=APPLICANT').set(bearer(admin));
  expect(q.body.items.map((u: { username: string }) => u.username)).toEqual(expect.arrayContaining(['applicant1', 'applicant2']));
  const auditor = (await loginAs(w.app, 'auditor')).body.token as string;
  expect((await request(w.app).get('/api/v1/admin/users').set(bearer(auditor))).status).toBe(200);
  expect((await request(w.app).patch('/api/v1/admin/users/applicant1').set(bearer(auditor)).send({ active: false })).status).toBe(403);
});

test('the audit trail: every administrative action, filterable; readable by the audit administrator only', async () => {
  const auditor = (await loginAs(w.app, 'auditor')).body.token as string;
  const all = await request(w.app).get('/api/v1/admin/audit').set(bearer(auditor));
  expect(all.status).toBe(200);
  const actions = new Set(all.body.map((e: { action: string }) => e.action));
  for (const a of ['user.created', 'user.password_reset']) expect(actions).toContain(a);
  const byAdmin = await request(w.app).get('/api/v1/admin/audit?actor=secadmin&action=user.created').set(bearer(auditor));
  expect(byAdmin.body.map((e: { target: { id: string } }) => e.target.id)).toContain('unit.new');
  const from = new Date(Date.now() + 3600_000).toISOString();
  expect(
    (
      await request(w.app)
        .get(`/api/v1/admin/audit?from=${encodeURIComponent(from)}`)
        .set(bearer(auditor))
    ).body,
  ).toEqual([]);
  expect((await request(w.app).get('/api/v1/admin/audit?from=not-a-date').set(bearer(auditor))).status).toBe(400);
  for (const who of ['applicant1', 'unit.jgjx', 'bureau1', 'admin', 'secadmin']) {
    const t = (await loginAs(w.app, who)).body.token as string;
    const r = await request(w.app).get('/api/v1/admin/audit').set(bearer(t));
    expect({ who, status: r.status, code: r.body.code }).toEqual({ who, status: 403, code: 'FORBIDDEN' });
  }
  // the trail cannot be rewritten
  await expect(w.tdb.db.deleteFrom('audit_log').execute()).rejects.toThrow(/append-only/);
  await expect(w.tdb.db.updateTable('audit_log').set({ actor_username: 'someone' }).execute()).rejects.toThrow(/append-only/);
});

test('the committee office gives an expert of the pool a login; the expert changes the one-time password and is the linked voter', async () => {
  await w.tdb.db
    .insertInto('zj_expert')
    .values({
      id: 'EXP-S-NEWONE',
      pool: 'senior',
      name: '孙专家',
      specialty: 'safety_science',
      title: 'senior',
      title_since: '2015-01-01',
      org_name: '浙江大学',
      user_id: null,
      added_by: 'office1',
    })
    .execute();
  const office = (await loginAs(w.app, 'office1')).body.token as string;
  // the expert's mobile number is needed: the password goes there, not to the office
  expect((await post('/api/v1/zhejiang/experts/EXP-S-NEWONE/account', office, {})).status).toBe(400);
  const r = await post('/api/v1/zhejiang/experts/EXP-S-NEWONE/account', office, { phone: '13655556666' });
  expect(r.status).toBe(201);
  expect(r.body.user).toMatchObject({ username: 'expert.exp-s-newone', roles: ['expert'], mustChangePassword: true });
  expect(r.body.oneTimePassword).toBeUndefined();
  expect(r.body.oneTimePasswordSent).toEqual({ channel: 'sms', to: '136****6666' });
  expect((await post('/api/v1/zhejiang/experts/EXP-S-NEWONE/account', office, { username: 'sun.expert', phone: '13655556666' })).body.code).toBe(
    'EXPERT_HAS_ACCOUNT',
  );
  expect((await post('/api/v1/zhejiang/experts/EXP-NONE/account', office, { phone: '13655556666' })).status).toBe(404);
  expect((await post('/api/v1/zhejiang/experts/EXP-S-NEWONE/account', admin, { phone: '13655556666' })).status).toBe(403);
  const otp = await smsPasswordOf('expert.exp-s-newone');
  const login = await loginAs(w.app, 'expert.exp-s-newone', otp);
  expect(login.body.mustChangePassword).toBe(true);
  expect((await post('/api/v1/auth/password', login.body.token, { oldPassword: otp, newPassword: GOOD_PASSWORD })).status).toBe(204);
  const pool = await request(w.app).get('/api/v1/zhejiang/experts').set(bearer(office));
  expect(pool.body.find((e: { id: string }) => e.id === 'EXP-S-NEWONE').username).toBe('expert.exp-s-newone');
  const auditor = (await loginAs(w.app, 'auditor')).body.token as string;
  const audit = await request(w.app).get('/api/v1/admin/audit?action=expert.account_created').set(bearer(auditor));
  expect(audit.body[0]).toMatchObject({ actor: 'office1', target: { id: 'expert.exp-s-newone' }, details: { expertId: 'EXP-S-NEWONE' } });
});

test("三员分立: no account holds two administrators' roles, nobody changes their own roles, a role fits its organisation", async () => {
  const make = (username: string, orgCode: string | null, roles: string[]) =>
    post('/api/v1/admin/users', admin, { username, displayName: username, orgCode, roles, phone: '13700000002' });
  for (const [name, org, roles, code] of [
    ['x.dual1', null, ['admin', 'auditor'], 'SEPARATION_OF_DUTIES'],
    ['x.dual2', null, ['security_admin', 'auditor'], 'SEPARATION_OF_DUTIES'],
    ['x.dual3', 'NX-YJGLJ', ['auditor', 'bureau_reviewer'], 'SEPARATION_OF_DUTIES'],
    // a bureau role in an enterprise, a unit role in the bureau, a rereviewer without an organisation
    ['x.org1', 'NX-E-JGJX', ['bureau_reviewer'], 'ROLE_NOT_FOR_ORG'],
    ['x.org2', 'NX-YJGLJ', ['unit_verifier'], 'ROLE_NOT_FOR_ORG'],
    ['x.org3', null, ['rereviewer'], 'ROLE_NOT_FOR_ORG'],
    // an expert login only from the expert pool
    ['x.expert', null, ['expert'], 'ROLE_NOT_FOR_ORG'],
  ] as const) {
    const r = await make(name, org, [...roles]);
    expect({ name, status: r.status, code: r.body.code }).toEqual({ name, status: 422, code });
  }
  expect(await w.tdb.db.selectFrom('app_user').select('id').where('username', 'like', 'x.%').execute()).toEqual([]);
  expect((await make('bureau.new', 'NX-YJGLJ', ['bureau_reviewer'])).status).toBe(201);

  // the security administrator cannot make themselves auditor or bureau reviewer, nor reset their own password
  const self = await request(w.app)
    .patch('/api/v1/admin/users/secadmin')
    .set(bearer(admin))
    .send({ roles: ['security_admin', 'auditor'] });
  expect(self.status).toBe(422);
  expect(self.body.code).toBe('SEPARATION_OF_DUTIES');
  expect((await post('/api/v1/admin/users/secadmin/reset-password', admin)).body.code).toBe('SEPARATION_OF_DUTIES');
  // nor give an enterprise account a bureau role, nor a second administrator's role to another
  const ent = await request(w.app)
    .patch('/api/v1/admin/users/unit.lsxc')
    .set(bearer(admin))
    .send({ roles: ['unit_verifier', 'bureau_reviewer'] });
  expect(ent.body.code).toBe('ROLE_NOT_FOR_ORG');
  const two = await request(w.app)
    .patch('/api/v1/admin/users/auditor')
    .set(bearer(admin))
    .send({ roles: ['auditor', 'admin'] });
  expect(two.body.code).toBe('SEPARATION_OF_DUTIES');
  // the system administrator does not administer accounts at all
  const sys = (await loginAs(w.app, 'admin')).body.token as string;
  expect(
    (
      await request(w.app)
        .patch('/api/v1/admin/users/admin')
        .set(bearer(sys))
        .send({ roles: ['admin', 'auditor'] })
    ).status,
  ).toBe(403);
  expect(
    (await post('/api/v1/admin/users', sys, { username: 'x.sys', displayName: 'x', orgCode: null, roles: ['auditor'], phone: '13700000003' })).status,
  ).toBe(403);
  // every refused change left the roles as they were; the accepted role change is on the trail
  const roles = await w.tdb.db
    .selectFrom('app_user')
    .select(['username', 'roles'])
    .where('username', 'in', ['secadmin', 'unit.lsxc', 'auditor', 'admin'])
    .execute();
  expect(Object.fromEntries(roles.map((r) => [r.username, r.roles]))).toEqual({
    secadmin: ['security_admin'],
    'unit.lsxc': ['unit_verifier'],
    auditor: ['auditor'],
    admin: ['admin'],
  });
});

test('every demo account holds roles that fit its organisation and keep the administrators apart', async () => {
  const { demoAccounts } = await import('../../../db/seed');
  const { assertRolesFit } = await import('../duties');
  const types = new Map((await w.tdb.db.selectFrom('org').select(['code', 'type']).execute()).map((o) => [o.code, o.type as string]));
  for (const a of demoAccounts()) {
    expect(() => assertRolesFit(a.roles, a.orgCode ? types.get(a.orgCode)! : null, { expertLogin: a.roles.includes('expert') })).not.toThrow();
  }
});
