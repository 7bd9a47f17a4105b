/**
 * Materials against the issue-19 assessment (findings 2 and 3), over HTTP with Postgres (no workflow is involved):
 * stored bytes encrypted and addressed by a keyed hash per owner, names that cannot lie about their type, downloads
 * that never render, PDFs with active content and image bombs refused, files stored in plain before still read and
 * sealed by the key rotation (which afterwards re-wraps data keys, not files).
 */
import { deflateSync } from 'node:zlib';
import { randomUUID } from 'node:crypto';
import request from 'supertest';
import pino from 'pino';
import { sql } from 'kysely';
import type { Express } from 'express';
import { Client, Connection } from '@temporalio/client';
import { createApp } from '../../../api/app';
import { createTokenIssuer } from '../../auth/authenticate';
import { freshDatabase, type TestDb } from '../../../test/helpers/db';
import { auth, login } from '../../../test/helpers/app';
import { expectProblem } from '../../../test/helpers/titleReview';
import { SAMPLE_PDF, SAMPLE_PNG } from '../../../test/helpers/materials';
import { addKeyVersions, keyring, Keyring, resetKeyring, retireOldVersions } from '../../crypto/keys';
import { rotateStoredData } from '../../crypto/rotation';
import { sha256Hex } from '../blobStore';
import { makeIdNumber } from '../../identity/idNumber';

let tdb: TestDb;
let app: Express;
const t: Record<string, string> = {};
const ID = makeIdNumber('33050319880808123');

beforeAll(async () => {
  tdb = await freshDatabase();
  app = createApp({
    db: tdb.db,
    temporal: new Client({ connection: Connection.lazy({ address: '127.0.0.1:1' }) }),
    tokens: createTokenIssuer('test-secret-for-jest-only-0123456789'),
    log: pino({ level: 'silent' }),
    config: { devMode: true, taskQueue: 'unused' },
  });
  for (const u of ['applicant1', 'applicant2']) t[u] = await login(app, u);
});
afterAll(async () => {
  resetKeyring();
  await tdb?.drop();
});

const upload = (who: string, file: Buffer, name: string, kind = 'certificate') =>
  request(app).post('/api/v1/materials').set(auth(t[who]!)).field('kind', kind).attach('file', file, name);
const download = (who: string, id: string, query = '') =>
  request(app)
    .get(`/api/v1/materials/${id}${query}`)
    .set(auth(t[who]!))
    .buffer(true)
    .parse((res, cb) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => cb(null, Buffer.concat(chunks)));
    });
const pdf = (body: string) => Buffer.from(`%PDF-1.7\n${body}\ntrailer <</Root 1 0 R>>\n%%EOF\n`);
const allBlobBytes = async () => Buffer.concat((await tdb.db.selectFrom('material_blob').select('content').execute()).map((r) => Buffer.from(r.content)));

test('the stored bytes are sealed, the content address is keyed per owner: the same file from two people is not visibly the same', async () => {
  const secret = Buffer.concat([SAMPLE_PDF, Buffer.from(`% 身份证号 ${ID} 手机 13912345678\n`)]);
  const a = await upload('applicant1', secret, 'scan.pdf');
  expect(a.status).toBe(201);
  expect(a.body.sha256).toBe(sha256Hex(secret)); // the uploader can still check what arrived
  const again = await upload('applicant1', secret, 'scan-again.pdf');
  const b = await upload('applicant2', secret, 'mine.pdf');
  expect(b.status).toBe(201);

  const blobs = await allBlobBytes();
  expect(blobs.includes(Buffer.from(ID))).toBe(false);
  expect(blobs.includes(Buffer.from('13912345678'))).toBe(false);
  expect(blobs.includes(Buffer.from('%PDF-'))).toBe(false);
  const rows = await tdb.db
    .selectFrom('material')
    .select(['id', 'sha256', 'content_address'])
    .where('id', 'in', [a.body.id, again.body.id, b.body.id])
    .execute();
  const addr = Object.fromEntries(rows.map((r) => [r.id, r.content_address]));
  expect(rows.every((r) => r.sha256 === null)).toBe(true);
  // nowhere is the plain sha256 stored
  const dump = (await sql<{ r: string }>`select string_agg(x::text, ' ') as r from (select * from material) x`.execute(tdb.db)).rows[0]!.r;
  expect(dump).not.toContain(sha256Hex(secret));
  // one person's re-upload is one blob; another person's same file is another address and another ciphertext
  expect(addr[again.body.id]).toBe(addr[a.body.id]);
  expect(addr[b.body.id]).not.toBe(addr[a.body.id]);
  const sealed = await tdb.db.selectFrom('material_blob').select(['address', 'content']).where('address', 'in', [addr[a.body.id]!, addr[b.body.id]!]).execute();
  expect(sealed).toHaveLength(2);
  expect(Buffer.compare(Buffer.from(sealed[0]!.content), Buffer.from(sealed[1]!.content))).not.toBe(0);

  for (const [who, id] of [
    ['applicant1', a.body.id],
    ['applicant2', b.body.id],
  ]) {
    const got = await download(who!, id);
    expect(got.status).toBe(200);
    expect(Buffer.compare(got.body as Buffer, secret)).toBe(0);
  }
  // a tampered ciphertext is refused, not served
  await sql`update material_blob set content = overlay(content placing '\\x00'::bytea from 40 for 1) where address = ${addr[b.body.id]}`.execute(tdb.db);
  expect((await download('applicant2', b.body.id)).status).toBe(500);
});

test('the stored name is a label: bidi and control characters go, digit runs are masked, the extension is that of the content', async () => {
  const cases: [Buffer, string, string, string][] = [
    [SAMPLE_PDF, 'evil.html', 'evil.pdf', 'application/pdf'],
    [SAMPLE_PDF, '证书.pdf.bat', '证书.pdf', 'application/pdf'],
    [SAMPLE_PDF, '证书\u202efdp.exe', '证书fdp.pdf', 'application/pdf'],
    [SAMPLE_PNG, `身份证_${ID}.jpg`, '身份证_###.png', 'image/png'],
    [SAMPLE_PNG, 'a\u200bb\u2066c\u00ad.png', 'abc.png', 'image/png'],
    [SAMPLE_PDF, '../../etc/passwd', 'passwd.pdf', 'application/pdf'],
  ];
  for (const [bytes, name, stored, type] of cases) {
    const res = await upload('applicant1', Buffer.concat([bytes, Buffer.from(name)]), name);
    expect([name, res.status]).toEqual([name, 201]);
    expect(res.body).toMatchObject({ fileName: stored, contentType: type });
    const got = await download('applicant1', res.body.id, '?inline=true');
    expect(got.status).toBe(200);
    // always a download, never sniffed into something else, whatever the query says
    expect(got.headers['content-disposition']).toMatch(/^attachment; /);
    expect(got.headers['content-disposition']).toContain(`filename*=UTF-8''${encodeURIComponent(stored)}`);
    expect(got.headers['x-content-type-options']).toBe('nosniff');
    expect(got.headers['content-type']).toBe(type);
  }
});

test('a PDF with JavaScript, /Launch, /EmbeddedFile or /OpenAction is refused with 415 ACTIVE_CONTENT, also when escaped or compressed', async () => {
  const active = [
    pdf('1 0 obj <</Type /Catalog /OpenAction 2 0 R>> endobj\n2 0 obj <</S /JavaScript /JS (app.alert(1))>> endobj'),
    pdf('1 0 obj <</Type /Catalog>> endobj\n2 0 obj <</Type /Action /S /Launch /F (cmd.exe)>> endobj'),
    pdf('1 0 obj <</Type /Catalog /Names <</EmbeddedFiles 3 0 R>> >> endobj'),
    pdf('1 0 obj <</Type /Catalog /AA <</O <</S /J#61vaScript /J#53 (x)>> >> >> endobj'),
  ];
  const hidden = deflateSync(Buffer.from('<</Type /Catalog /OpenAction <</S /JavaScript /JS (app.launchURL("http://x"))>> >>'));
  active.push(
    Buffer.concat([
      Buffer.from('%PDF-1.7\n1 0 obj <</Type /ObjStm /N 1 /First 4 /Filter /FlateDecode /Length '),
      Buffer.from(`${hidden.length}>>\nstream\n`),
      hidden,
      Buffer.from('\nendstream\nendobj\n%%EOF\n'),
    ]),
  );
  for (const [i, body] of active.entries()) {
    const res = await upload('applicant1', body, `active-${i}.pdf`);
    expectProblem(res, 415, 'ACTIVE_CONTENT');
  }
  // a plain PDF with a compressed content stream is fine
  const text = deflateSync(Buffer.from('BT /F1 12 Tf (hello) Tj ET'));
  const plain = Buffer.concat([
    Buffer.from('%PDF-1.7\n4 0 obj <</Length '),
    Buffer.from(`${text.length} /Filter /FlateDecode>>\nstream\n`),
    text,
    Buffer.from('\nendstream\nendobj\n%%EOF\n'),
  ]);
  expect((await upload('applicant1', plain, 'plain.pdf')).status).toBe(201);
});

test('an image that declares more than 12,000 px a side or 80 megapixels is refused with 415 IMAGE_TOO_LARGE', async () => {
  const png = (w: number, h: number) => {
    const b = Buffer.from(SAMPLE_PNG);
    b.writeUInt32BE(w, 16);
    b.writeUInt32BE(h, 20);
    return b;
  };
  const jpeg = (w: number, h: number) =>
    Buffer.concat([
      Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10]),
      Buffer.from('JFIF\0'),
      Buffer.alloc(9, 1),
      Buffer.from([0xff, 0xc0, 0x00, 0x11, 0x08, h >> 8, h & 0xff, w >> 8, w & 0xff, 0x03]),
      Buffer.alloc(9, 1),
      Buffer.from([0xff, 0xd9]),
    ]);
  for (const [body, name] of [
    [png(100_000, 100_000), 'bomb.png'],
    [png(12_001, 10), 'wide.png'],
    [png(10_000, 9_000), '90mp.png'],
    [jpeg(13_000, 100), 'wide.jpg'],
    [jpeg(9_500, 9_500), '90mp.jpg'],
  ] as const) {
    const res = await upload('applicant1', body, name, 'id_card');
    expectProblem(res, 415, 'IMAGE_TOO_LARGE');
  }
  expect((await upload('applicant1', png(4000, 3000), 'photo.png', 'id_card')).status).toBe(201);
  expect((await upload('applicant1', jpeg(4000, 3000), 'photo.jpg', 'id_card')).status).toBe(201);
});

test('a file stored in plain before stays readable; the key rotation seals it and then re-wraps data keys without touching the files', async () => {
  // as migration 0025 stored it: a plain blob under its sha256
  const legacy = Buffer.concat([SAMPLE_PDF, Buffer.from(`% legacy ${ID}\n`)]);
  const sha = sha256Hex(legacy);
  const owner = (await tdb.db.selectFrom('app_user').select('id').where('username', '=', 'applicant1').executeTakeFirstOrThrow()).id;
  const id = randomUUID();
  await tdb.db.insertInto('material_blob').values({ address: sha, size: legacy.length, content: legacy }).execute();
  await tdb.db
    .insertInto('material')
    .values({
      id,
      owner_user_id: owner,
      kind: 'certificate',
      file_name: `证书_${ID}.pdf`,
      content_type: 'application/pdf',
      size: legacy.length,
      sha256: sha,
      content_address: null,
    })
    .execute();
  const before = await download('applicant1', id);
  expect(Buffer.compare(before.body as Buffer, legacy)).toBe(0);
  // the old name is cleaned on the way out
  expect(before.headers['content-disposition']).not.toContain(ID);

  const blobsBefore = new Map(
    (await tdb.db.selectFrom('material_blob').select(['address', 'content']).execute()).map((r) => [r.address, Buffer.from(r.content)]),
  );
  const rotated = addKeyVersions(keyring().json);
  const ring = new Keyring(rotated);
  resetKeyring(ring);
  const report = await rotateStoredData(tdb.db, ring);
  expect(report.materialsSealed).toBe(1);
  expect(report.materialKeys).toBeGreaterThan(0);
  expect(report.remaining).toBe(0);
  // the plain copy is gone; every sealed file is byte for byte what it was (only keys were re-wrapped)
  expect(await tdb.db.selectFrom('material_blob').select('address').where('address', '=', sha).executeTakeFirst()).toBeUndefined();
  expect((await allBlobBytes()).includes(Buffer.from(ID))).toBe(false);
  for (const r of await tdb.db.selectFrom('material_blob').select(['address', 'content']).execute()) {
    if (blobsBefore.has(r.address)) expect(Buffer.compare(blobsBefore.get(r.address)!, Buffer.from(r.content))).toBe(0);
  }
  const kek = (await tdb.db.selectFrom('material_content').select('kek_id').distinct().execute()).map((r) => r.kek_id);
  expect(kek).toEqual([rotated.pii!.current]);
  // with only the new key versions left, the old file and a sealed one both read
  resetKeyring(new Keyring(retireOldVersions(rotated)));
  const after = await download('applicant1', id);
  expect(after.status).toBe(200);
  expect(Buffer.compare(after.body as Buffer, legacy)).toBe(0);
});
