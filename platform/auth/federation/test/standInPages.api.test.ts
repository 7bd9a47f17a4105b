/**
 * The stand-ins' own pages (what a developer clicks in `npm start`): without login_hint 浙里办 lists the demo
 * applicants and the registered enterprises, 浙政钉 shows its QR page with a scan link per demo clerk; and the
 * production app has no /dev-idp at all.
 */
import request from 'supertest';
import pino from 'pino';
import { Client, Connection } from '@temporalio/client';
import { createApp } from '../../../../api/app';
import { createTokenIssuer } from '../../authenticate';
import { federationWorld, SECRET } from './federationHelpers';

let w: Awaited<ReturnType<typeof federationWorld>>;
beforeAll(async () => {
  w = await federationWorld();
});
afterAll(async () => {
  await w?.stop();
});

const page = async (provider: string) => {
  const start = await request(w.app).get(`/api/v1/auth/providers/${provider}/start`);
  const r = await fetch(start.headers.location!);
  return { status: r.status, html: await r.text() };
};

test('浙里办 lists the demo applicants and the enterprises; 浙政钉 shows its QR page with scan links', async () => {
  const person = await page('zlb-person');
  expect(person.status).toBe(200);
  for (const name of ['张伟', '王芳', '李娜']) expect(person.html).toContain(name);
  const legal = await page('zlb-legal');
  expect(legal.html).toContain('湖州双林建设工程有限公司');
  const zzd = await page('zzd');
  expect(zzd.html).toContain('请使用浙政钉 App 扫描二维码登录');
  expect(zzd.html).toMatch(/data-username="bureau1" href="\/dev-idp\/zzd\/scan\?qr=/);
});

test('in production there are no stand-ins', async () => {
  const prod = createApp({
    db: w.tdb.db,
    temporal: new Client({ connection: Connection.lazy({ address: '127.0.0.1:1' }) }),
    tokens: createTokenIssuer(SECRET),
    log: pino({ level: 'silent' }),
    config: { devMode: false, taskQueue: 'unused', federation: { providers: [], redirectOrigins: [] } },
  });
  // (a GET of a non-API path may answer the console's index.html when it is built: never the stand-in)
  const r = await request(prod).get('/dev-idp/zlb/authorize').query({ client_id: 'zj-approvals-dev', scope: 'person' });
  expect(r.text).not.toContain('本地替身');
  expect((await request(prod).post('/dev-idp/zlb/token').type('form').send({ code: 'x' })).status).toBe(404);
  expect((await request(prod).get('/dev-idp/zzd/gettoken.json')).text).not.toContain('accessToken');
  expect((await request(prod).get('/api/v1/auth/providers')).body).toEqual([]);
});
