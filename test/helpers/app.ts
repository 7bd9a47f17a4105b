import request from 'supertest';
import pino from 'pino';
import type { Express } from 'express';
import { Client } from '@temporalio/client';
import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema';
import { createApp } from '../../api/app';
import { createTokenIssuer } from '../../platform/auth/authenticate';
import { dataConverter } from '../../platform/crypto/payloadCodec';

/**
 * The real app. Its Temporal client is a plain one on the test server's connection: the time-skipping wrapper
 * would let time jump whenever the API awaits a workflow result; in these tests time moves only on env.sleep().
 */
export function testApp(db: Kysely<Database>, temporal: Client, taskQueue: string, opts: { devMode?: boolean; plainPayloads?: boolean } = {}): Express {
  return createApp({
    db,
    temporal: new Client({
      connection: temporal.connection,
      namespace: temporal.options.namespace,
      ...(opts.plainPayloads ? {} : { dataConverter: dataConverter() }),
    }),
    tokens: createTokenIssuer('test-secret-for-jest-only-0123456789'),
    log: pino({ level: 'silent' }),
    config: { devMode: opts.devMode ?? true, taskQueue },
  });
}

export async function login(app: Express, username: string, password = 'demo'): Promise<string> {
  const res = await request(app).post('/api/v1/auth/login').send({ username, password });
  if (res.status !== 200) throw new Error(`login ${username}: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.token as string;
}

export const auth = (token: string) => ({ Authorization: `Bearer ${token}` });
