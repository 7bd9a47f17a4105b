/**
 * Registration (issues 12.3, 12.6): no oracle on whether an ID number is bound, weak passwords refused
 * (422 WEAK_PASSWORD), usernames unique regardless of case, registration has its own per-address limit.
 */
import request from 'supertest';
import { makeIdNumber } from '../../identity/idNumber';
import { accountsWorld, bearer, loginAs, GOOD_PASSWORD } from './authHelpers';

jest.setTimeout(60_000);

let w: Awaited<ReturnType<typeof accountsWorld>>;
beforeAll(async () => {
  w = await accountsWorld();
});
afterAll(async () => {
  await w?.stop();
});

let n = 0;
const register = (over: Record<string, unknown> = {}, ip = `10.20.0.${++n}`) =>
  request(w.app)
    .post('/api/v1/auth/register')
    .set('X-Forwarded-For', ip)
    .send({
      username: `reg${n}`,
      password: GOOD_PASSWORD,
      name: '周一',
      idNumber: makeIdNumber(`3305031990010${String(100 + n).slice(-3)}1`),
      phone: '13700000001',
      ...over,
    });

test.each([
  ['12345678', 'digits in order'],
  ['password', 'the most common password'],
  ['        ', 'eight spaces'],
  ['1234567', 'seven characters'],
  ['qwertyui', 'a keyboard row'],
])('the weak password %j (%s) is refused with 422 WEAK_PASSWORD and no account is made', async (password) => {
  const username = `weak${++n}`;
  const r = await register({ username, password });
  expect(r.status).toBe(422);
  expect(r.body).toMatchObject({ code: 'WEAK_PASSWORD', field: 'password' });
  expect(r.headers['content-type']).toMatch(/application\/problem\+json/);
  expect(await w.tdb.db.selectFrom('app_user').select('id').where('username', '=', username).executeTakeFirst()).toBeUndefined();
});

test('a password made of the username is refused; a strong one is accepted', async () => {
  expect((await register({ username: 'zhouyi2026', password: 'zhouyi2026' })).body.code).toBe('WEAK_PASSWORD');
  expect((await register({ username: 'zhouyi2027', password: GOOD_PASSWORD })).status).toBe(201);
});

test('usernames are unique regardless of case, and login is case-insensitive', async () => {
  const first = await register({ username: 'Li.Ming', idNumber: makeIdNumber('33050319900202123') });
  expect(first.status).toBe(201);
  const clash = await register({ username: 'li.ming', idNumber: makeIdNumber('33050319900202124') });
  expect(clash.status).toBe(409);
  expect(clash.body.code).toBe('USERNAME_TAKEN');
  expect((await register({ username: 'ADMIN' })).body.code).toBe('USERNAME_TAKEN');
  const login = await loginAs(w.app, 'LI.MING', GOOD_PASSWORD);
  expect(login.status).toBe(200);
  expect(login.body.user.username).toBe('Li.Ming');
  expect((await loginAs(w.app, 'Admin')).status).toBe(200);
  // the database refuses a case-variant too, whoever inserts it
  await expect(
    w.tdb.db
      .insertInto('app_user')
      .values({ username: 'LI.MING', password_hash: 'x', display_name: 'x', roles: ['applicant'], org_code: null, id_number: null, phone: null })
      .execute(),
  ).rejects.toMatchObject({ code: '23505' });
});

test('registering with an ID number that already has an account answers exactly as with a fresh one', async () => {
  const taken = (await w.tdb.db.selectFrom('app_user').select('id_number').where('username', '=', 'applicant1').executeTakeFirstOrThrow()).id_number!;
  const fresh = makeIdNumber('33050319910303111');
  const timed = async (body: Record<string, unknown>) => {
    const t0 = process.hrtime.bigint();
    const r = await register(body);
    return { r, ms: Number(process.hrtime.bigint() - t0) / 1e6 };
  };
  const a = await timed({ username: 'fresh.person', name: '吴新', idNumber: fresh });
  const b = await timed({ username: 'taken.person', name: '吴新', idNumber: taken });
  for (const { r } of [a, b]) expect(r.status).toBe(201);
  const shape = (body: { user: Record<string, unknown> }) => ({ ...body, user: { ...body.user, username: '*' } });
  expect(shape(b.r.body)).toEqual(shape(a.r.body));
  expect(Object.keys(b.r.headers).sort()).toEqual(Object.keys(a.r.headers).sort());
  // both do the same work (the password hash dominates): within a factor of a few, never "instant" for one
  expect(Math.min(a.ms, b.ms) * 4).toBeGreaterThan(Math.max(a.ms, b.ms) - 50);
  // the newcomer does not become the person (applicant1 is the seeded, confirmed holder), yet their account reads
  // exactly like the fresh registrant's until the bureau decides: no oracle after registering either
  const newcomer = (await loginAs(w.app, 'taken.person', GOOD_PASSWORD)).body.token as string;
  const me = await request(w.app).get('/api/v1/auth/me').set(bearer(newcomer));
  const freshMe = await request(w.app)
    .get('/api/v1/auth/me')
    .set(bearer((await loginAs(w.app, 'fresh.person', GOOD_PASSWORD)).body.token as string));
  expect(me.body.identityStatus).toBe('provisional');
  const stateOf = (b: Record<string, unknown>) => ({ identityStatus: b.identityStatus, roles: b.roles, mustChangePassword: b.mustChangePassword });
  expect(stateOf(me.body)).toEqual(stateOf(freshMe.body));
  const holder = (await loginAs(w.app, 'applicant1')).body.token as string;
  expect((await request(w.app).get('/api/v1/auth/me').set(bearer(holder))).body.idNumber).toBe(taken);
  // the newcomer sees none of the holder's claims, and cannot claim as that person
  expect((await request(w.app).get('/api/v1/nanxun/claims').set(bearer(newcomer))).body).toEqual([]);
  // and the bureau sees the dispute
  const bureau = (await loginAs(w.app, 'bureau1')).body.token as string;
  const disputes = await request(w.app).get('/api/v1/admin/identity-disputes').set(bearer(bureau));
  expect(disputes.status).toBe(200);
  const d = disputes.body.find((x: { claimants: { username: string }[] }) => x.claimants.some((c) => c.username === 'taken.person'));
  expect(d.idNumber).not.toBe(taken);
  expect(d.claimants.map((c: { username: string }) => c.username).sort()).toEqual(['applicant1', 'taken.person']);
});

test('registration has its own limit per address (20 an hour), independent of logins', async () => {
  const ip = '10.99.0.1';
  const statuses: number[] = [];
  for (let i = 0; i < 21; i++) statuses.push((await register({ password: 'x' }, ip)).status);
  expect(statuses.slice(0, 20).every((s) => s === 422)).toBe(true);
  expect(statuses[20]).toBe(429);
  // logging in from that address still works
  expect((await loginAs(w.app, 'applicant2', 'demo', ip)).status).toBe(200);
});
