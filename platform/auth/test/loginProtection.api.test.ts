/**
 * Login protection (issues 12.4 and 19): failures only are counted, per account and address. Clerks behind one NAT
 * address who log in successfully are never refused; wrong passwords lock the guessing address out of the account
 * (429 ACCOUNT_LOCKED, Retry-After), never the account for its user elsewhere; an account-wide measure only after
 * 100 failures in a row, sparing addresses the account logged in from. Locks are audited and visible to the
 * security administrator, who can lift them.
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

test('wrong guesses lock the guessing address out of the account, not the account: its user logs in from elsewhere (429 ACCOUNT_LOCKED, Retry-After, audited, unlocked by the security administrator)', async () => {
  const attacker = '198.51.100.66';
  const answers: { status: number; code?: string; retryAfter?: string }[] = [];
  for (let i = 0; i < 7; i++) {
    const r = await loginAs(w.app, 'unit.lsxc', `guess-${i}`, attacker);
    answers.push({ status: r.status, code: r.body.code, retryAfter: r.headers['retry-after'] });
  }
  // the fifth failure locks the address out; later attempts from it are refused without trying the password
  expect(answers.map((a) => a.status)).toEqual([401, 401, 401, 401, 401, 429, 429]);
  expect(answers[5]!.code).toBe('ACCOUNT_LOCKED');
  expect(Number(answers[5]!.retryAfter)).toBeGreaterThan(0);
  expect(Number(answers[5]!.retryAfter)).toBeLessThanOrEqual(60);
  // even the right password, from the attacking address, while the lock lasts
  const fromAttacker = await loginAs(w.app, 'unit.lsxc', 'demo', attacker);
  expect(fromAttacker.status).toBe(429);
  expect(fromAttacker.headers['content-type']).toMatch(/application\/problem\+json/);
  // the rightful user, from their own address, is not locked out by someone else's guessing
  expect((await loginAs(w.app, 'unit.lsxc', 'demo', '198.51.100.4')).status).toBe(200);
  // and a success elsewhere does not free the attacker's address
  expect((await loginAs(w.app, 'unit.lsxc', 'guess-x', attacker)).status).toBe(429);
  // other accounts from the attacking address are not affected
  expect((await loginAs(w.app, 'unit.jgjx', 'demo', attacker)).status).toBe(200);

  const sec = (await loginAs(w.app, 'secadmin')).body.token as string;
  const auditor = (await loginAs(w.app, 'auditor')).body.token as string;
  const audit = await request(w.app).get('/api/v1/admin/audit?action=account.locked').set(bearer(auditor));
  expect(audit.status).toBe(200);
  expect(audit.body[0]).toMatchObject({
    actor: 'login-protection',
    action: 'account.locked',
    target: { type: 'user', id: 'unit.lsxc' },
    details: { failures: 5, scope: 'address', address: attacker, addresses: [attacker] },
  });
  const locks = await request(w.app).get('/api/v1/admin/lockouts').set(bearer(sec));
  expect(locks.body).toEqual([expect.objectContaining({ username: 'unit.lsxc', failures: 5, scope: 'address', address: attacker })]);
  // the account itself is not locked
  const listed = await request(w.app).get('/api/v1/admin/users?q=unit.lsxc').set(bearer(sec));
  expect(listed.body.items[0]).toMatchObject({ username: 'unit.lsxc' });
  expect(listed.body.items[0].lockedUntil ?? null).toBeNull();

  expect((await request(w.app).post('/api/v1/admin/lockouts/unit.lsxc/unlock').set(bearer(sec))).status).toBe(204);
  expect((await loginAs(w.app, 'unit.lsxc', 'demo', attacker)).status).toBe(200);
  const unlocked = await request(w.app).get('/api/v1/admin/audit?action=account.unlocked').set(bearer(auditor));
  expect(unlocked.body[0]).toMatchObject({ actor: 'secadmin', target: { id: 'unit.lsxc' } });
  expect((await request(w.app).post('/api/v1/admin/lockouts/unit.lsxc/unlock').set(bearer(sec))).status).toBe(404);
});

test('30 wrong passwords from 3 addresses lock each address after its own fifth failure', async () => {
  const addresses = ['198.51.100.1', '198.51.100.2', '198.51.100.3'];
  const statuses: number[] = [];
  for (let i = 0; i < 30; i++) statuses.push((await loginAs(w.app, 'unit.jgjx', `guess-${i}`, addresses[i % 3])).status);
  expect(statuses).toEqual([...Array(15).fill(401), ...Array(15).fill(429)]);
  expect((await loginAs(w.app, 'unit.jgjx', 'demo', '198.51.100.9')).status).toBe(200);
});

test('NIST SP 800-63B §5.2.2: no account-wide measure before 100 failures in a row; then only addresses it never logged in from are kept out', async () => {
  const home = '10.20.30.40';
  expect((await loginAs(w.app, 'bureau2', 'demo', home)).status).toBe(200);
  // 99 failures from 25 addresses (4 each at most: no address reaches its own lock)
  const from = (i: number) => `100.64.${Math.floor(i / 4)}.9`;
  for (let i = 0; i < 99; i++) expect((await loginAs(w.app, 'bureau2', `guess-${i}`, from(i))).status).toBe(401);
  const sec = (await loginAs(w.app, 'secadmin')).body.token as string;
  expect((await request(w.app).get('/api/v1/admin/lockouts').set(bearer(sec))).body.filter((l: { username: string }) => l.username === 'bureau2')).toEqual([]);
  // the 100th in a row: the account-wide measure
  expect((await loginAs(w.app, 'bureau2', 'guess-99', from(99))).status).toBe(401);
  const newcomer = await loginAs(w.app, 'bureau2', 'demo', '100.64.200.1');
  expect(newcomer.status).toBe(429);
  expect(newcomer.body.code).toBe('ACCOUNT_LOCKED');
  // the user, from the address they logged in from before, still gets in
  expect((await loginAs(w.app, 'bureau2', 'demo', home)).status).toBe(200);
  const locks = (await request(w.app).get('/api/v1/admin/lockouts').set(bearer(sec))).body.filter((l: { username: string }) => l.username === 'bureau2');
  expect(locks).toEqual([expect.objectContaining({ scope: 'account', address: null, failures: 100 })]);
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
