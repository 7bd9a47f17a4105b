/** An app over a fresh database with a Temporal client that is never reached (account routes need no workflow). */
import pino from 'pino';
import request from 'supertest';
import type { Express } from 'express';
import { Client, Connection } from '@temporalio/client';
import { createApp } from '../../../api/app';
import { createTokenIssuer } from '../../auth/authenticate';
import { createSessionStore } from '../../auth/sessions';
import { freshDatabase, type TestDb } from '../../../test/helpers/db';
import { dataConverter } from '../../../platform/crypto/payloadCodec';

export const SECRET = 'test-secret-for-jest-only-0123456789';
/** strong enough for the password policy */
export const GOOD_PASSWORD = 'Tide-Lantern-4827';

export async function accountsWorld(opts: { devMode?: boolean } = {}) {
  const tdb: TestDb = await freshDatabase();
  const temporal = new Client({ connection: Connection.lazy({ address: '127.0.0.1:1' }), dataConverter: dataConverter() });
  const stops: (() => Promise<void>)[] = [];
  const make = (sessions = createSessionStore(tdb.db)) =>
    createApp({
      db: tdb.db,
      temporal,
      tokens: createTokenIssuer(SECRET),
      sessions,
      log: pino({ level: 'silent' }),
      config: { devMode: opts.devMode ?? true, taskQueue: 'unused' },
    });
  const app = make();
  return {
    tdb,
    app,
    /** a second API process over the same database (its own caches) */
    otherProcess: () => make(),
    /** another API process that listens for account changes (as runtime/api.ts does) */
    async listeningProcess() {
      const sessions = createSessionStore(tdb.db);
      stops.push(await sessions.listenForChanges(tdb.url));
      return make(sessions);
    },
    async stop() {
      for (const s of stops) await s();
      await temporal.connection.close().catch(() => undefined);
      await tdb.drop();
    },
  };
}

export async function loginAs(app: Express, username: string, password = 'demo', ip?: string) {
  const r = request(app).post('/api/v1/auth/login');
  if (ip) r.set('X-Forwarded-For', ip);
  return r.send({ username, password });
}

export const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });
