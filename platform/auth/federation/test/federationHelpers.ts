/**
 * A world for federated sign-in tests: an app over a fresh database, the 浙里办 / 浙政钉 stand-ins on a server of
 * their own (so a provider can be "down" or answer garbage), and a browser-like walk through start → provider →
 * callback (with the binding cookie) → console fragment.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import express, { type Express } from 'express';
import pino from 'pino';
import request from 'supertest';
import { Client, Connection } from '@temporalio/client';
import { createApp } from '../../../../api/app';
import { createTokenIssuer } from '../../authenticate';
import { freshDatabase, type TestDb } from '../../../../test/helpers/db';
import { standInRoutes } from '../standIns';
import { standInProviders, type FederationSettings, type ProviderConfig } from '../providers';

export const SECRET = 'test-secret-for-jest-only-0123456789';

export async function listen(app: express.Express | http.RequestListener): Promise<{ url: string; close: () => Promise<void> }> {
  const server = http.createServer(app as http.RequestListener);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    close: () =>
      new Promise((r) => {
        server.close(() => r());
        server.closeAllConnections();
      }),
  };
}

/** the stand-in providers with their URLs on `base` (and optionally the token / user-info calls elsewhere) */
export function providersAt(base: string, over: { token?: string; userInfo?: string } = {}): ProviderConfig[] {
  return standInProviders().map((p) => {
    if (p.kind !== 'code') return p;
    return {
      ...p,
      authorizeUrl: `${base}${p.authorizeUrl}`,
      token: { ...p.token, url: over.token ? `${over.token}${p.token.url}` : `${base}${p.token.url}` },
      userInfo: { ...p.userInfo, url: over.userInfo ? `${over.userInfo}${p.userInfo.url}` : `${base}${p.userInfo.url}` },
      ...(p.logoutUrl ? { logoutUrl: `${base}${p.logoutUrl}` } : {}),
    };
  });
}

export async function federationWorld() {
  const tdb: TestDb = await freshDatabase();
  const temporal = new Client({ connection: Connection.lazy({ address: '127.0.0.1:1' }) });
  const idp = await listen(express().use(standInRoutes(tdb.db)));
  const make = (providers: ProviderConfig[] = providersAt(idp.url), extra: Partial<FederationSettings> = {}): Express =>
    createApp({
      db: tdb.db,
      temporal,
      tokens: createTokenIssuer(SECRET),
      log: pino({ level: 'silent' }),
      config: { devMode: true, taskQueue: 'unused', standIns: false, federation: { providers, redirectOrigins: [], ...extra } },
    });
  return {
    tdb,
    idp,
    app: make(),
    make,
    async stop() {
      await idp.close();
      await temporal.connection.close().catch(() => undefined);
      await tdb.drop();
    },
  };
}

export interface Walk {
  /** the callback's answer (302 to the console, or a problem) */
  callback: request.Response;
  /** the console fragment's parameters (code or link, returnTo) when the callback redirected */
  fragment: URLSearchParams | null;
  /** the callback URL the provider sent the browser to, and the binding cookie */
  callbackPath: string;
  cookie: string[];
}

/** start → provider (login_hint approves at once) → callback, as a browser would */
export async function walk(app: Express, provider: string, hint: string, returnTo = '/claims'): Promise<Walk> {
  const start = await request(app).get(`/api/v1/auth/providers/${provider}/start`).query({ returnTo, login_hint: hint });
  if (start.status !== 302) throw new Error(`start ${provider}: ${start.status} ${JSON.stringify(start.body)}`);
  const cookie = ([] as string[]).concat(start.headers['set-cookie'] ?? []).map((c) => c.split(';')[0]!);
  const atIdp = await fetch(start.headers.location!, { redirect: 'manual' });
  if (atIdp.status !== 302) throw new Error(`provider ${provider}: ${atIdp.status} ${await atIdp.text()}`);
  const cb = new URL(atIdp.headers.get('location')!);
  const callbackPath = `${cb.pathname}${cb.search}`;
  const callback = await request(app).get(callbackPath).set('Cookie', cookie);
  const fragment = callback.status === 302 ? new URLSearchParams(new URL(callback.headers.location!).hash.slice(1)) : null;
  return { callback, fragment, callbackPath, cookie };
}

export async function exchange(app: Express, code: string) {
  return request(app).post('/api/v1/auth/exchange').send({ code });
}

/** a full sign-in that must succeed: the session token and who it is */
export async function signIn(app: Express, provider: string, hint: string): Promise<{ token: string; username: string; roles: string[] }> {
  const w = await walk(app, provider, hint);
  const code = w.fragment?.get('code');
  if (!code) throw new Error(`sign-in ${provider} ${hint}: ${w.callback.status} ${JSON.stringify(w.callback.body)} ${w.fragment}`);
  const r = await exchange(app, code);
  if (r.status !== 200) throw new Error(`exchange: ${r.status} ${JSON.stringify(r.body)}`);
  return { token: r.body.token, username: r.body.user.username, roles: r.body.user.roles };
}

export const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });

export async function counts(tdb: TestDb) {
  const n = async (t: 'app_user' | 'federated_identity' | 'auth_exchange_code' | 'identity_dispute') =>
    Number(
      (
        await tdb.db
          .selectFrom(t)
          .select((eb) => eb.fn.countAll<string>().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );
  return { users: await n('app_user'), links: await n('federated_identity'), codes: await n('auth_exchange_code'), disputes: await n('identity_dispute') };
}
