/**
 * Login protection (issue 12.4): failures only are counted, per account and per address. Clerks behind one NAT
 * address who log in successfully are never refused; many wrong passwords on one account from several addresses
 * lock it (429 ACCOUNT_LOCKED, Retry-After), on the audit trail and visible to an admin, who can lift the lock.
 */
import request from 'supertest';
import { hashPassword } from '../passwords';
import { accountsWorld, bearer, loginAs, GOOD_PASSWORD } from './authHelpers';

jest.setTimeout(120_000);

let w: Awaited<ReturnType<typeof accountsWorld>>;
beforeAll(async () => {
  w = await accountsWorld();
});
afterAll(async () => {
  await w?.stop();
});

test('25 clerks behind one NAT address all log in (twice each), even after a few of them mistype', async () => {
  const hash = await hashPassword(GOOD_PASSWORD);
  const names = Array.from({ length: 25 }, (_, i) => `nat.clerk${i}`);
  await w.tdb.db
    .insertInto('app_user')
    .values(
      names.map((username, i) => ({
        username,
        password_hash: hash,
        display_name: `经办人${i}`,
        roles: ['unit_verifier'],
        org_code: 'NX-E-JGJX',
        id_number: null,
        phone: null,
      })),
    )
    .execute();
  const NAT = '203.0.113.7';
  // three of them mistype their password once first
  for (const n of names.slice(0, 3)) expect((await loginAs(w.app, n, 'wrong-password', NAT)).status).toBe(401);
  const statuses: number[] = [];
  for (const round of [1, 2]) {
    for (const n of names) {
      const r = await loginAs(w.app, n, GOOD_PASSWORD, NAT);
      statuses.push(r.status);
      if (r.status !== 200) throw new Error(`round ${round} ${n}: ${r.status} ${JSON.stringify(r.body)}`);
    }
  }
  expect(statuses).toEqual(Array(50).fill(200));
});

test('30 wrong passwords on one account from 3 addresses: locked (429 ACCOUNT_LOCKED, Retry-After), audited, shown to the admin, unlocked by the admin', async () => {
  const addresses = ['198.51.100.1', '198.51.100.2', '198.51.100.3'];
  const answers: { status: number; code?: string; retryAfter?: string }[] = [];
  for (let i = 0; i < 30; i++) {
    const r = await loginAs(w.app, 'unit.lsxc', `guess-${i}`, addresses[i % 3]);
    answers.push({ status: r.status, code: r.body.code, retryAfter: r.headers['retry-after'] });
  }
  expect(answers.slice(0, 4).map((a) => a.status)).toEqual([401, 401, 401, 401]);
  // the fifth failure locks the account; every later attempt is refused without trying the password
  expect(answers[4]!.status).toBe(401);
  const refused = answers.slice(5);
  expect(refused.every((a) => a.status === 429 && a.code === 'ACCOUNT_LOCKED')).toBe(true);
  expect(Number(refused[0]!.retryAfter)).toBeGreaterThan(0);
  expect(Number(refused[0]!.retryAfter)).toBeLessThanOrEqual(60);
  // even the right password, from a fourth address, while the lock lasts
  const right = await loginAs(w.app, 'unit.lsxc', 'demo', '198.51.100.4');
  expect(right.status).toBe(429);
  expect(right.body.code).toBe('ACCOUNT_LOCKED');
  expect(right.headers['content-type']).toMatch(/application\/problem\+json/);
  // other accounts from the same addresses are not affected
  expect((await loginAs(w.app, 'unit.jgjx', 'demo', addresses[0])).status).toBe(200);

  const admin = (await loginAs(w.app, 'admin')).body.token as string;
  const audit = await request(w.app).get('/api/v1/admin/audit?action=account.locked').set(bearer(admin));
  expect(audit.status).toBe(200);
  expect(audit.body[0]).toMatchObject({
    actor: 'login-protection',
    action: 'account.locked',
    target: { type: 'user', id: 'unit.lsxc' },
    details: { failures: 5 },
  });
  expect([...audit.body[0].details.addresses].sort()).toEqual(addresses.slice(0, 3).sort());
  const locks = await request(w.app).get('/api/v1/admin/lockouts').set(bearer(admin));
  expect(locks.body).toEqual([expect.objectContaining({ username: 'unit.lsxc', failures: 5 })]);
  const listed = await request(w.app).get('/api/v1/admin/users?q=unit.lsxc').set(bearer(admin));
  expect(listed.body.items[0]).toMatchObject({ username: 'unit.lsxc' });
  expect(listed.body.items[0].lockedUntil).toBeTruthy();

  expect((await request(w.app).post('/api/v1/admin/lockouts/unit.lsxc/unlock').set(bearer(admin))).status).toBe(204);
  expect((await loginAs(w.app, 'unit.lsxc', 'demo', addresses[1])).status).toBe(200);
  const unlocked = await request(w.app).get('/api/v1/admin/audit?action=account.unlocked').set(bearer(admin));
  expect(unlocked.body[0]).toMatchObject({ actor: 'admin', target: { id: 'unit.lsxc' } });
  expect((await request(w.app).post('/api/v1/admin/lockouts/unit.lsxc/unlock').set(bearer(admin))).status).toBe(404);
});

test('the lock is per account name, case-insensitively, and an unknown name behaves like a known one', async () => {
  for (let i = 0; i < 5; i++) expect((await loginAs(w.app, i % 2 ? 'NO-SUCH-USER' : 'no-such-user', 'x', '192.0.2.9')).status).toBe(401);
  const r = await loginAs(w.app, 'No-Such-User', 'x', '192.0.2.9');
  expect(r.status).toBe(429);
  expect(r.body.code).toBe('ACCOUNT_LOCKED');
  // a name with no account is kept only as a hash: a password typed into the username field is never stored
  await loginAs(w.app, 'My-Secret-Pa55word!', 'x', '192.0.2.9');
  const stored = JSON.stringify([
    await w.tdb.db.selectFrom('login_failure').selectAll().execute(),
    await w.tdb.db.selectFrom('login_lockout').selectAll().execute(),
    await w.tdb.db.selectFrom('audit_log').selectAll().execute(),
  ]).toLowerCase();
  expect(stored).not.toContain('no-such-user');
  expect(stored).not.toContain('my-secret-pa55word!');
  expect(stored).toContain('unknown:');
});

test('a successful login clears the failures: four mistakes, a success, four more mistakes do not lock', async () => {
  for (let i = 0; i < 4; i++) expect((await loginAs(w.app, 'bureau1', 'nope', '192.0.2.20')).status).toBe(401);
  expect((await loginAs(w.app, 'bureau1', 'demo', '192.0.2.20')).status).toBe(200);
  for (let i = 0; i < 4; i++) expect((await loginAs(w.app, 'bureau1', 'nope', '192.0.2.20')).status).toBe(401);
  expect((await loginAs(w.app, 'bureau1', 'demo', '192.0.2.20')).status).toBe(200);
});
