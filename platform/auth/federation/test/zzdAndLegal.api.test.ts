/**
 * 浙政钉 (clerks) and 浙里办 法人 (enterprises) against the stand-ins. Clerks sign in only to the account an
 * administrator linked to their 浙政钉 account id (an unmapped one is refused, naming who to ask; no role comes from
 * the provider); the QR page's "scan" signs in as the phone would. Once the security administrator switches a role's
 * password login off, its password is refused (audited; admin keeps it). An enterprise's legal person signs in by
 * the registered 统一社会信用代码 and designates a unit verifier, who then signs in with their own 浙里办 identity.
 */
import request from 'supertest';
import express from 'express';
import { makeIdNumber } from '../../../identity/idNumber';
import { demoZzdAccountId } from '../seed';
import { bearer, counts, exchange, federationWorld, listen, providersAt, signIn, walk } from './federationHelpers';

jest.setTimeout(120_000);

let w: Awaited<ReturnType<typeof federationWorld>>;
let admin: string;
let auditor: string;
beforeAll(async () => {
  w = await federationWorld();
  // 三员分立: the security administrator links identities and switches password login; the auditor reads the trail
  const r = await request(w.app).post('/api/v1/auth/login').send({ username: 'secadmin', password: 'demo' });
  admin = r.body.token;
  auditor = (await request(w.app).post('/api/v1/auth/login').send({ username: 'auditor', password: 'demo' })).body.token;
});
afterAll(async () => {
  await w?.stop();
});

const me = async (token: string) => (await request(w.app).get('/api/v1/auth/me').set(bearer(token))).body;

describe('浙政钉', () => {
  test('a demo clerk signs in by the 浙政钉 account id an administrator linked; the second time to the same account', async () => {
    const dev = await request(w.app).get('/api/v1/dev/accounts');
    const bureau1 = dev.body.find((a: { username: string }) => a.username === 'bureau1');
    expect(bureau1.zzdAccountId).toBe(demoZzdAccountId('bureau1'));
    const first = await signIn(w.app, 'zzd', bureau1.zzdAccountId);
    expect(first).toMatchObject({ username: 'bureau1', roles: ['bureau_reviewer'] });
    const second = await signIn(w.app, 'zzd', bureau1.zzdAccountId);
    expect(second.username).toBe('bureau1');
    expect((await me(second.token)).orgCode).toBe('NX-YJGLJ');
  });

  test('an unmapped 浙政钉 account is refused with 403 NOT_LINKED naming who to ask, and nothing is created', async () => {
    const before = await counts(w.tdb);
    const r = await walk(w.app, 'zzd', '87654321');
    expect(r.callback.status).toBe(403);
    expect(r.callback.body.code).toBe('NOT_LINKED');
    expect(r.callback.body.detail).toMatch(/系统管理员/);
    expect(r.callback.body.accountId).toBe('87654321');
    expect(await counts(w.tdb)).toEqual(before);
  });

  test('the administrator links a clerk by 浙政钉 id (audited); the clerk then signs in with it', async () => {
    expect((await walk(w.app, 'zzd', '55500011')).callback.status).toBe(403);
    const put = await request(w.app).put('/api/v1/admin/users/bureau2/identities/zzd').set(bearer(admin)).send({ subject: '55500011' });
    expect(put.status).toBe(204);
    expect((await signIn(w.app, 'zzd', '55500011')).username).toBe('bureau2');
    // the same 浙政钉 id cannot be given to a second account
    const twice = await request(w.app).put('/api/v1/admin/users/bureau1/identities/zzd').set(bearer(admin)).send({ subject: '55500011' });
    expect(twice.status).toBe(400);
    const audit = await request(w.app).get('/api/v1/admin/audit').query({ action: 'identity.linked' }).set(bearer(auditor));
    expect(audit.body[0]).toMatchObject({ actor: 'secadmin', target: { type: 'user', id: 'bureau2' } });
  });

  test('the QR page offers a scan per clerk; the scan signs in as the phone would', async () => {
    const start = await request(w.app).get('/api/v1/auth/providers/zzd/start').query({ returnTo: '/tasks' });
    const cookie = ([] as string[]).concat(start.headers['set-cookie'] ?? []).map((c) => c.split(';')[0]!);
    const authorize = new URL(start.headers.location!);
    expect(Object.fromEntries(authorize.searchParams)).toMatchObject({ response_type: 'code', scope: 'get_user_info', authType: 'QRCODE' });
    const qrPage = await (await fetch(authorize)).text();
    expect(qrPage).toContain('扫码登录');
    const href = /data-username="bureau1" href="([^"]+)"/.exec(qrPage)![1]!.replace(/&#38;/g, '&');
    const atIdp = await fetch(new URL(href, w.idp.url), { redirect: 'manual' });
    const cb = new URL(atIdp.headers.get('location')!);
    const callback = await request(w.app).get(`${cb.pathname}${cb.search}`).set('Cookie', cookie);
    expect(callback.status).toBe(302);
    const code = new URLSearchParams(new URL(callback.headers.location!).hash.slice(1)).get('code')!;
    const r = await exchange(w.app, code);
    expect(r.body.user.username).toBe('bureau1');
  });

  test('a 浙政钉 that is down or answers garbage: 503, nothing created', async () => {
    const dead = await listen(express());
    await dead.close();
    const garbage = await listen(express().use((_req, res) => void res.json({ success: true, content: { success: true, data: { nothing: 1 } } })));
    try {
      const before = await counts(w.tdb);
      for (const app of [w.make(providersAt(w.idp.url, { token: dead.url })), w.make(providersAt(w.idp.url, { userInfo: garbage.url }))]) {
        const r = await walk(app, 'zzd', demoZzdAccountId('bureau1'));
        expect(r.callback.status).toBe(503);
        expect(r.callback.body.code).toBe('IDP_UNAVAILABLE');
      }
      expect(await counts(w.tdb)).toEqual(before);
    } finally {
      await garbage.close();
    }
  });

  test('with password login off for bureau reviewers, bureau1 password login is refused; 浙政钉 still works; admin keeps it', async () => {
    const off = await request(w.app)
      .put('/api/v1/admin/login-policy/bureau_reviewer')
      .set(bearer(admin))
      .send({ passwordLogin: false, reason: '全员已开通浙政钉' });
    expect(off.status).toBe(204);
    const refused = await request(w.app).post('/api/v1/auth/login').send({ username: 'bureau1', password: 'demo' });
    expect(refused.status).toBe(403);
    expect(refused.body.code).toBe('PASSWORD_LOGIN_DISABLED');
    // a wrong password answers as any wrong password (the policy tells nothing before the password matched)
    expect((await request(w.app).post('/api/v1/auth/login').send({ username: 'bureau1', password: 'nope' })).status).toBe(401);
    expect((await signIn(w.app, 'zzd', demoZzdAccountId('bureau1'))).username).toBe('bureau1');
    const policy = await request(w.app).get('/api/v1/auth/password-login');
    expect(policy.body.find((p: { role: string }) => p.role === 'bureau_reviewer').passwordLogin).toBe(false);
    const adminOff = await request(w.app).put('/api/v1/admin/login-policy/admin').set(bearer(admin)).send({ passwordLogin: false, reason: '试一下' });
    expect(adminOff.status).toBe(400);
    const audit = await request(w.app).get('/api/v1/admin/audit').query({ action: 'login_policy.changed' }).set(bearer(auditor));
    expect(audit.body[0]).toMatchObject({ actor: 'secadmin', target: { type: 'role', id: 'bureau_reviewer' }, details: { passwordLogin: false } });
    await request(w.app).put('/api/v1/admin/login-policy/bureau_reviewer').set(bearer(admin)).send({ passwordLogin: true, reason: '恢复' });
    expect((await request(w.app).post('/api/v1/auth/login').send({ username: 'bureau1', password: 'demo' })).status).toBe(200);
  });
});

describe('浙里办 法人', () => {
  const creditCodeOf = async (orgCode: string) =>
    (await w.tdb.db.selectFrom('org').select('credit_code').where('code', '=', orgCode).executeTakeFirstOrThrow()).credit_code!;

  test('the legal person signs in for a registered enterprise, designates a verifier, who signs in with 浙里办 个人', async () => {
    const cc = await creditCodeOf('NX-E-JGJX');
    const legal = await signIn(w.app, 'zlb-legal', cc);
    expect(legal.roles).toEqual(['legal_person']);
    expect((await me(legal.token)).orgCode).toBe('NX-E-JGJX');
    expect((await signIn(w.app, 'zlb-legal', cc)).username).toBe(legal.username);

    const idNumber = makeIdNumber('33050319850505123');
    const designated = await request(w.app).post('/api/v1/enterprise/verifiers').set(bearer(legal.token)).send({ name: '钱审核', idNumber });
    expect(designated.status).toBe(201);
    expect(designated.body.signsInWithPassword).toBe(false);
    const list = await request(w.app).get('/api/v1/enterprise/verifiers').set(bearer(legal.token));
    expect(list.body.map((v: { username: string }) => v.username)).toContain(designated.body.username);

    const verifier = await signIn(w.app, 'zlb-person', idNumber);
    expect(verifier.username).toBe(designated.body.username);
    expect(verifier.roles).toEqual(['unit_verifier']);
    expect((await me(verifier.token)).orgCode).toBe('NX-E-JGJX');

    // another enterprise's legal person cannot withdraw them; their own can, and the verifier's session ends
    const other = await signIn(w.app, 'zlb-legal', await creditCodeOf('NX-E-LHWL'));
    expect((await request(w.app).delete(`/api/v1/enterprise/verifiers/${designated.body.username}`).set(bearer(other.token))).status).toBe(404);
    expect((await request(w.app).delete(`/api/v1/enterprise/verifiers/${designated.body.username}`).set(bearer(legal.token))).status).toBe(204);
    expect((await request(w.app).get('/api/v1/auth/me').set(bearer(verifier.token))).status).toBe(401);
    // a clerk or applicant cannot designate
    expect((await request(w.app).post('/api/v1/enterprise/verifiers').set(bearer(verifier.token)).send({ name: '某人', idNumber })).status).toBe(401);
  });

  test('an unknown or deactivated enterprise is refused, nothing created', async () => {
    const before = await counts(w.tdb);
    const unknown = await walk(w.app, 'zlb-legal', '91330503MA2B3C4D5X');
    expect(unknown.callback.status).toBe(403);
    expect(unknown.callback.body.code).toBe('ENTERPRISE_NOT_REGISTERED');
    await w.tdb.db.updateTable('org').set({ active: false }).where('code', '=', 'NX-E-LHWL').execute();
    const inactive = await walk(w.app, 'zlb-legal', await creditCodeOf('NX-E-LHWL'));
    expect(inactive.callback.body.code).toBe('ENTERPRISE_NOT_REGISTERED');
    await w.tdb.db.updateTable('org').set({ active: true }).where('code', '=', 'NX-E-LHWL').execute();
    expect(await counts(w.tdb)).toEqual(before);
  });
});
