/**
 * The standard OpenID Connect path against a real OpenID provider (the `oidc-provider` package, run locally as a
 * child process): discovery, the authorization code flow with PKCE (S256), state and nonce, the ID token checked by
 * openid-client. A clerk whose subject an administrator linked signs in (twice, same account); an unlinked subject
 * is NOT_LINKED; a wrong state and a replayed callback are refused; a provider that is down is 503; nothing is
 * created by any failure.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import type { IncomingMessage, ServerResponse } from 'node:http';
import path from 'node:path';
import readline from 'node:readline';
import request from 'supertest';
import type { Express } from 'express';
import { OidcProviderConfig, type ProviderConfig } from '../providers';
import { bearer, counts, federationWorld, listen } from './federationHelpers';

jest.setTimeout(120_000);

let w: Awaited<ReturnType<typeof federationWorld>>;
let child: ChildProcess;
let _app: Express;
let appUrl: string;
let closeApp: () => Promise<void>;
let admin: string;
const CLIENT_ID = 'zj-approvals';
const CLIENT_SECRET_ENV = 'OIDC_TEST_CLIENT_SECRET';
process.env[CLIENT_SECRET_ENV] = 'a-client-secret-for-the-test-0123456789';

const oidcConfig = (issuer: string): ProviderConfig =>
  OidcProviderConfig.parse({
    id: 'gov-oidc',
    name: '政务 OIDC',
    audience: 'clerk',
    kind: 'oidc',
    issuer,
    clientId: CLIENT_ID,
    clientSecretEnv: CLIENT_SECRET_ENV,
    allowInsecureRequests: true,
    fields: { subject: 'sub', name: 'name' },
  });

beforeAll(async () => {
  w = await federationWorld();
  // the app on a fixed address first: the provider must know its redirect URI
  let handler: Express | undefined;
  const server = await listen((req: IncomingMessage, res: ServerResponse) => handler!(req, res));
  appUrl = server.url;
  closeApp = server.close;
  const script = path.join(__dirname, 'oidcProviderServer.mjs');
  child = spawn(process.execPath, [script, CLIENT_ID, process.env[CLIENT_SECRET_ENV]!, `${appUrl}/api/v1/auth/providers/gov-oidc/callback`], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const first = await new Promise<string>((resolve, reject) => {
    readline.createInterface({ input: child.stdout! }).once('line', resolve);
    child.once('exit', (c) => reject(new Error(`oidc-provider exited ${c}`)));
  });
  const { issuer } = JSON.parse(first) as { issuer: string };
  _app = handler = w.make([oidcConfig(issuer)]);
  admin = (await request(appUrl).post('/api/v1/auth/login').send({ username: 'secadmin', password: 'demo' })).body.token;
});
afterAll(async () => {
  child?.kill();
  await closeApp?.();
  await w?.stop();
});

/** a cookie jar per "browser" (the provider's session cookies) */
async function follow(url: string, jar: Map<string, string>): Promise<URL> {
  let next = new URL(url);
  for (let i = 0; i < 10; i++) {
    if (next.origin === appUrl) return next;
    const res = await fetch(next, { redirect: 'manual', headers: { Cookie: [...jar].map(([k, v]) => `${k}=${v}`).join('; ') } });
    for (const c of res.headers.getSetCookie()) {
      const [kv] = c.split(';');
      const eq = kv!.indexOf('=');
      jar.set(kv!.slice(0, eq), kv!.slice(eq + 1));
    }
    const loc = res.headers.get('location');
    if (!loc) throw new Error(`the provider answered ${res.status} without a redirect: ${await res.text()}`);
    next = new URL(loc, next);
  }
  throw new Error('too many redirects');
}

async function walkOidc(subject: string, opts: { state?: string } = {}) {
  const start = await request(appUrl).get('/api/v1/auth/providers/gov-oidc/start').query({ login_hint: subject, returnTo: '/tasks' });
  expect(start.status).toBe(302);
  const cookie = ([] as string[]).concat(start.headers['set-cookie'] ?? []).map((c) => c.split(';')[0]!);
  const authorize = new URL(start.headers.location!);
  const cb = await follow(authorize.toString(), new Map());
  if (opts.state) cb.searchParams.set('state', opts.state);
  const callback = await request(appUrl).get(`${cb.pathname}${cb.search}`).set('Cookie', cookie);
  return { authorize, callback, cookie, callbackPath: `${cb.pathname}${cb.search}` };
}

test('the authorization request carries PKCE (S256), state and nonce', async () => {
  const start = await request(appUrl).get('/api/v1/auth/providers/gov-oidc/start');
  const q = new URL(start.headers.location!).searchParams;
  expect(q.get('code_challenge_method')).toBe('S256');
  expect(q.get('code_challenge')).toMatch(/^[A-Za-z0-9_-]{43}$/);
  expect(q.get('state')).toBeTruthy();
  expect(q.get('nonce')).toBeTruthy();
  expect(q.get('redirect_uri')).toBe(`${appUrl}/api/v1/auth/providers/gov-oidc/callback`);
});

test('a linked clerk signs in through the real OpenID provider, twice to the same account', async () => {
  expect((await request(appUrl).put('/api/v1/admin/users/bureau2/identities/gov-oidc').set(bearer(admin)).send({ subject: 'oidc-clerk-7' })).status).toBe(204);
  for (let i = 0; i < 2; i++) {
    const r = await walkOidc('oidc-clerk-7');
    expect(r.callback.status).toBe(302);
    const code = new URLSearchParams(new URL(r.callback.headers.location!).hash.slice(1)).get('code')!;
    const ex = await request(appUrl).post('/api/v1/auth/exchange').send({ code });
    expect(ex.status).toBe(200);
    expect(ex.body.user.username).toBe('bureau2');
    expect((await request(appUrl).get('/api/v1/auth/me').set(bearer(ex.body.token))).body.username).toBe('bureau2');
  }
});

test('an unlinked subject, a wrong state and a replayed callback are refused; nothing is created', async () => {
  const before = await counts(w.tdb);
  const unlinked = await walkOidc('nobody-here');
  expect(unlinked.callback.status).toBe(403);
  expect(unlinked.callback.body.code).toBe('NOT_LINKED');

  const wrong = await walkOidc('oidc-clerk-7', { state: 'not-the-state-we-issued' });
  expect(wrong.callback.status).toBe(400);
  expect(wrong.callback.body.code).toBe('SIGN_IN_EXPIRED');

  const ok = await walkOidc('oidc-clerk-7');
  expect(ok.callback.status).toBe(302);
  const replay = await request(appUrl).get(ok.callbackPath).set('Cookie', ok.cookie);
  expect(replay.status).toBe(400);
  const after = await counts(w.tdb);
  expect(after.users).toBe(before.users);
  expect(after.links).toBe(before.links);
});

test('an OpenID provider that is down: 503 IDP_UNAVAILABLE at the start, nothing stored', async () => {
  const dead = await listen((_req: IncomingMessage, res: ServerResponse) => res.end());
  await dead.close();
  const downApp = w.make([oidcConfig(dead.url)]);
  const flows = async () =>
    Number(
      (
        await w.tdb.db
          .selectFrom('auth_flow')
          .select((eb) => eb.fn.countAll<string>().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );
  const before = await flows();
  const r = await request(downApp).get('/api/v1/auth/providers/gov-oidc/start');
  expect(r.status).toBe(503);
  expect(r.body.code).toBe('IDP_UNAVAILABLE');
  expect(await flows()).toBe(before);
});

test('an OpenID provider that answers garbage (HTML, or metadata for another issuer): 503, nothing stored', async () => {
  const bodies = ['<html>维护中</html>', JSON.stringify({ issuer: 'https://someone-else.example', authorization_endpoint: 'https://x/a' })];
  let body = bodies[0]!;
  const garbage = await listen((_req: IncomingMessage, res: ServerResponse) => res.setHeader('Content-Type', 'application/json').end(body));
  try {
    for (const b of bodies) {
      body = b;
      const r = await request(w.make([oidcConfig(garbage.url)])).get('/api/v1/auth/providers/gov-oidc/start');
      expect(r.status).toBe(503);
      expect(r.body.code).toBe('IDP_UNAVAILABLE');
    }
  } finally {
    await garbage.close();
  }
});
