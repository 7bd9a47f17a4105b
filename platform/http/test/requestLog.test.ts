/**
 * The request log never holds a credential: neither the bearer token of the Authorization header nor one sent in
 * the URL (`?access_token=`, as some clients and the Temporal Web UI's links do), nor an ID-number search.
 */
import { Writable } from 'node:stream';
import pino from 'pino';
import request from 'supertest';
import { Client, Connection } from '@temporalio/client';
import { createApp } from '../../../api/app';
import { createTokenIssuer } from '../../auth/authenticate';
import { freshDatabase, type TestDb } from '../../../test/helpers/db';
import { login } from '../../../test/helpers/app';
import { dataConverter } from '../../crypto/payloadCodec';
import { redactRequestUrl } from '../logRedaction';

let tdb: TestDb;
beforeAll(async () => {
  tdb = await freshDatabase();
});
afterAll(async () => {
  await tdb?.drop();
});

test('bearer tokens and access_token parameters are not written to the request log', async () => {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk, _enc, done) {
      lines.push(String(chunk));
      done();
    },
  });
  const app = createApp({
    db: tdb.db,
    temporal: new Client({ connection: Connection.lazy({ address: '127.0.0.1:1' }), dataConverter: dataConverter() }),
    tokens: createTokenIssuer('test-secret-for-jest-only-0123456789'),
    log: pino({ level: 'info' }, sink),
    config: { devMode: true, taskQueue: 'unused' },
  });
  const token = await login(app, 'admin');
  await request(app).get('/api/v1/auth/me').set('authorization', `Bearer ${token}`).expect(200);
  await request(app).get(`/api/v1/auth/me?access_token=${token}`);
  await request(app).get(`/api/v1/auth/me?foo=1&access_token=${encodeURIComponent(token)}&bar=2`);
  await request(app).get(`/api/v1/nanxun/claims?token=${token}`);
  const log = lines.join('');
  expect(log).toContain('/api/v1/auth/me?access_token=***');
  expect(log).toContain('foo=1&access_token=***&bar=2');
  const signature = token.split('.')[2]!;
  expect(log).not.toContain(signature);
  expect(log).not.toContain(token.split('.')[1]!);
});

test('a JWT is redacted wherever it appears in a URL', () => {
  const jwt = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl';
  expect(redactRequestUrl(`/x/${jwt}/y?a=1`)).toBe('/x/***/y?a=1');
  expect(redactRequestUrl('/x?idLast6=12345X&q=330501')).toBe('/x?idLast6=***&q=***');
});
