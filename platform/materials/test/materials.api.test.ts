/**
 * Materials over HTTP (real app, Postgres, workflows): uploads judged by content and size, who may read a file,
 * the kinds each claim needs, the audit of downloads, a request for supplements naming what is missing and the
 * applicant answering with new files, and what each stage saw on the timeline.
 */
import request from 'supertest';
import type { Express } from 'express';
import { useTimeSkippingTestbed, eventually } from '../../../test/helpers/temporal';
import type { TestDb } from '../../../test/helpers/db';
import { testApp, login, auth } from '../../../test/helpers/app';
import { expectProblem, newApplicant } from '../../../test/helpers/titleReview';
import { claimMaterials, SAMPLE_JPEG, SAMPLE_PDF, SAMPLE_PNG, uploadKinds, uploadMaterial } from '../../../test/helpers/materials';
import { shanghaiDate, addDays } from '../../calendar/workdays';
import { MAX_FILE_BYTES } from '../requirements';

let tdb: TestDb;
let app: Express;
const t: Record<string, string> = {};

useTimeSkippingTestbed('materials', (bed) => {
  tdb = bed.tdb;
  app = testApp(bed.tdb.db, bed.env.client, bed.taskQueue);
});
beforeAll(async () => {
  for (const u of ['applicant1', 'applicant2', 'applicant3', 'unit.jgjx', 'unit.lsxc', 'bureau1', 'rereview.nxz', 'auditor']) t[u] = await login(app, u);
});

const today = () => shanghaiDate(new Date());
const claimBody = (level: string, materials?: string[], kind = 'certificate') => ({
  kind,
  employerOrgCode: 'NX-E-JGJX',
  certificate: { number: `ZM${Math.floor(Math.random() * 1e8)}`, level, issuedOn: addDays(today(), -40), receivedOn: addDays(today(), -30) },
  ...(kind === 'shortage_talent' ? { employment: { since: addDays(today(), -400), contractYears: 5, socialSecurityMonths: 13, firstIntroduction: true } } : {}),
  ...(materials ? { materials } : {}),
});
const upload = (token: string, kind: string, file: Buffer, name: string) =>
  request(app).post('/api/v1/materials').set(auth(token)).field('kind', kind).attach('file', file, name);
const download = (token: string, id: string) =>
  request(app)
    .get(`/api/v1/materials/${id}`)
    .set(auth(token))
    .buffer(true)
    .parse((res, cb) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => cb(null, Buffer.concat(chunks)));
    });
const taskOf = (token: string, claimId: string) =>
  eventually(
    async () => (await request(app).get('/api/v1/tasks').set(auth(token))).body.find((x: { subject: { id: string } }) => x.subject.id === claimId),
    'the task',
  );

test('uploads are judged by their bytes and size: a text file named x.pdf is 415, too large 413, empty 400', async () => {
  expectProblem(await upload(t.applicant1!, 'certificate', Buffer.from('just some text, not a PDF\n'), 'x.pdf'), 415, 'UNSUPPORTED_MEDIA_TYPE');
  // a GIF with a .png name is not accepted either
  expectProblem(await upload(t.applicant1!, 'certificate', Buffer.from('GIF89a\x01\x00\x01\x00'), 'photo.png'), 415, 'UNSUPPORTED_MEDIA_TYPE');
  const big = Buffer.concat([SAMPLE_PDF, Buffer.alloc(MAX_FILE_BYTES + 1 - SAMPLE_PDF.length, 0x20), Buffer.from('x')]);
  expectProblem(await upload(t.applicant1!, 'certificate', big, 'big.pdf'), 413, 'PAYLOAD_TOO_LARGE');
  expectProblem(await upload(t.applicant1!, 'certificate', Buffer.alloc(0), 'empty.pdf'), 400, 'VALIDATION_FAILED');
  expectProblem(await request(app).post('/api/v1/materials').set(auth(t.applicant1!)).field('kind', 'certificate'), 400, 'VALIDATION_FAILED');
  expectProblem(await upload(t.applicant1!, 'diploma', SAMPLE_PDF, 'a.pdf'), 400, 'VALIDATION_FAILED');
  expectProblem(await request(app).post('/api/v1/materials').set(auth(t.applicant1!)).send({ kind: 'certificate' }), 400, 'VALIDATION_FAILED');
  // clerks do not upload an applicant's materials
  expectProblem(await upload(t['unit.jgjx']!, 'certificate', SAMPLE_PDF, 'a.pdf'), 403, 'FORBIDDEN');
  // nothing of the refused uploads was stored
  expect(await tdb.db.selectFrom('material').select('id').execute()).toHaveLength(0);

  // the name says PDF, the bytes PNG: it is stored as what it is, and named so
  const png = await upload(t.applicant1!, 'id_card', SAMPLE_PNG, '身份证.pdf');
  expect(png.status).toBe(201);
  expect(png.body).toMatchObject({
    kind: 'id_card',
    fileName: '身份证.png',
    contentType: 'image/png',
    size: SAMPLE_PNG.length,
    sha256: expect.stringMatching(/^[0-9a-f]{64}$/),
  });
  const jpeg = await upload(t.applicant1!, 'id_card', SAMPLE_JPEG, 'id.jpg');
  expect(jpeg.body.contentType).toBe('image/jpeg');
  // the same content uploaded twice by one person is stored once (by two people: see materialSecurity.api.test.ts)
  const again = await upload(t.applicant1!, 'id_card', SAMPLE_PNG, 'mine.png');
  expect(again.body.sha256).toBe(png.body.sha256);
  expect(again.body.id).not.toBe(png.body.id);
  const addresses = await tdb.db.selectFrom('material').select('content_address').where('id', 'in', [png.body.id, again.body.id]).execute();
  expect(new Set(addresses.map((a) => a.content_address)).size).toBe(1);

  // the owner gets the bytes back; another applicant is told nothing exists
  const own = await download(t.applicant1!, png.body.id);
  expect(own.status).toBe(200);
  expect(own.headers['content-type']).toBe('image/png');
  expect(Buffer.compare(own.body as Buffer, SAMPLE_PNG)).toBe(0);
  expect(own.headers['content-disposition']).toContain("filename*=UTF-8''%E8%BA%AB%E4%BB%BD%E8%AF%81.png");
  expectProblem(await request(app).get(`/api/v1/materials/${png.body.id}`).set(auth(t.applicant2!)), 404, 'NOT_FOUND');
  expectProblem(await request(app).get(`/api/v1/materials/${png.body.id}`).set(auth(t['unit.jgjx']!)), 404, 'NOT_FOUND');
  expectProblem(await request(app).get('/api/v1/materials/not-a-uuid').set(auth(t.applicant1!)), 404, 'NOT_FOUND');
  // removed before submitting: gone for its owner, and nobody else can remove it
  expectProblem(await request(app).delete(`/api/v1/materials/${jpeg.body.id}`).set(auth(t.applicant2!)), 404, 'NOT_FOUND');
  expect((await request(app).delete(`/api/v1/materials/${jpeg.body.id}`).set(auth(t.applicant1!))).status).toBe(204);
  expectProblem(await request(app).get(`/api/v1/materials/${jpeg.body.id}`).set(auth(t.applicant1!)), 404, 'NOT_FOUND');
});

test("a claim without its materials is refused with the list of what is missing; another applicant's file cannot be attached", async () => {
  const none = await request(app).post('/api/v1/nanxun/claims').set(auth(t.applicant3!)).send(claimBody('junior'));
  expectProblem(none, 422, 'MATERIALS_MISSING');
  expect(none.body.missing).toEqual(['id_card', 'certificate']);
  const [idCard] = await uploadKinds(app, t.applicant3!, ['id_card']);
  const partial = await request(app)
    .post('/api/v1/nanxun/claims')
    .set(auth(t.applicant3!))
    .send(claimBody('junior', [idCard!]));
  expectProblem(partial, 422, 'MATERIALS_MISSING');
  expect(partial.body.missing).toEqual(['certificate']);
  const shortage = await request(app)
    .post('/api/v1/nanxun/claims')
    .set(auth(t.applicant3!))
    .send(claimBody('intermediate', [idCard!], 'shortage_talent'));
  expectProblem(shortage, 422, 'MATERIALS_MISSING');
  expect(shortage.body.missing).toEqual(['certificate', 'contract', 'social_insurance', 'tax']);
  // applicant2's certificate copy is not applicant3's to attach
  const [theirs] = await uploadKinds(app, t.applicant2!, ['certificate']);
  const stolen = await request(app)
    .post('/api/v1/nanxun/claims')
    .set(auth(t.applicant3!))
    .send(claimBody('junior', [idCard!, theirs!]));
  expectProblem(stolen, 422, 'MATERIAL_UNAVAILABLE');
  expect(stolen.body.ids).toEqual([theirs]);
  // none of the refusals left a claim behind or took the materials
  expect(await tdb.db.selectFrom('claim').select('id').where('applicant_name', '=', '李娜').execute()).toHaveLength(0);
  expect(await tdb.db.selectFrom('material').select('id').where('subject_id', 'is not', null).execute()).toHaveLength(0);
});

test('the unit verifier of the claim reads its materials (audited), a clerk of another organisation gets 404; a supplement names what is missing and the applicant sends it', async () => {
  const ids = await claimMaterials(app, t.applicant1!, 'certificate');
  const created = await request(app).post('/api/v1/nanxun/claims').set(auth(t.applicant1!)).send(claimBody('intermediate', ids));
  expect(created.status).toBe(201);
  const claimId = created.body.id as string;
  // attached: the claim lists them, and they cannot be attached again
  const view = await request(app).get(`/api/v1/nanxun/claims/${claimId}`).set(auth(t.applicant1!));
  expect(view.body.materials.map((m: { id: string; kind: string }) => [m.id, m.kind])).toEqual([
    [ids[0], 'id_card'],
    [ids[1], 'certificate'],
  ]);
  expect(view.body.materials[0]).toMatchObject({ fileName: expect.any(String), size: expect.any(Number) });
  expectProblem(await request(app).post('/api/v1/nanxun/claims').set(auth(t.applicant1!)).send(claimBody('junior', ids)), 422, 'MATERIAL_UNAVAILABLE');

  const unitTask = await taskOf(t['unit.jgjx']!, claimId);
  // the task page lists them to the clerk whose task it is
  const page = await request(app)
    .get(`/api/v1/tasks/${encodeURIComponent(unitTask.id)}`)
    .set(auth(t['unit.jgjx']!));
  expect(page.body.materials.map((m: { kind: string }) => m.kind)).toEqual(['id_card', 'certificate']);
  const got = await download(t['unit.jgjx']!, ids[1]!);
  expect(got.status).toBe(200);
  expect(got.headers['content-type']).toBe('application/pdf');
  expect((got.body as Buffer).subarray(0, 5).toString()).toBe('%PDF-');
  // another enterprise's clerk, the bureau before it has a task, another applicant: nothing
  for (const who of ['unit.lsxc', 'bureau1', 'rereview.nxz', 'applicant2']) {
    expectProblem(await request(app).get(`/api/v1/materials/${ids[1]}`).set(auth(t[who]!)), 404, 'NOT_FOUND');
  }
  // the download is on the claim's audit trail: who, which organisation
  const audit = await request(app).get('/api/v1/materials/audit').query({ subjectType: 'nanxun_claim', subjectId: claimId }).set(auth(t.auditor!));
  expect(audit.status).toBe(200);
  expect(audit.body).toEqual([expect.objectContaining({ materialId: ids[1], kind: 'certificate', username: 'unit.jgjx', orgCode: 'NX-E-JGJX', via: 'task' })]);
  expectProblem(
    await request(app).get('/api/v1/materials/audit').query({ subjectType: 'nanxun_claim', subjectId: claimId }).set(auth(t['unit.jgjx']!)),
    403,
    'FORBIDDEN',
  );

  // the copy is illegible: the unit asks for a new certificate copy
  const asked = await request(app)
    .post(`/api/v1/tasks/${encodeURIComponent(unitTask.id)}/decision`)
    .set(auth(t['unit.jgjx']!))
    .send({ decision: 'request_supplement', comment: '证书复印件不清晰，请重新上传', missingKinds: ['certificate'] });
  expect(asked.status).toBe(200);
  const paused = await request(app).get(`/api/v1/nanxun/claims/${claimId}`).set(auth(t.applicant1!));
  expect(paused.body.timeline.find((e: { event: string }) => e.event === 'supplement_requested')).toMatchObject({ details: { missingKinds: ['certificate'] } });
  // answering without the file asked for is refused, with what is missing
  const empty = await request(app).post(`/api/v1/nanxun/claims/${claimId}/supplement`).set(auth(t.applicant1!)).send({ comment: '已补充' });
  expectProblem(empty, 422, 'MATERIALS_MISSING');
  expect(empty.body.missing).toEqual(['certificate']);
  const [fresh] = await uploadKinds(app, t.applicant1!, ['certificate']);
  const answered = await request(app)
    .post(`/api/v1/nanxun/claims/${claimId}/supplement`)
    .set(auth(t.applicant1!))
    .send({ comment: '已重新上传', materials: [fresh] });
  expect(answered.status).toBe(200);
  // the clerk decides; the decision's timeline entry lists the materials it saw (the new copy included)
  const approved = await request(app)
    .post(`/api/v1/tasks/${encodeURIComponent(unitTask.id)}/decision`)
    .set(auth(t['unit.jgjx']!))
    .send({ decision: 'approve', verdict: 'true', comment: '原件已核' });
  expect(approved.status).toBe(200);
  const after = await request(app).get(`/api/v1/nanxun/claims/${claimId}`).set(auth(t.applicant1!));
  expect(after.body.materials.map((m: { id: string }) => m.id)).toEqual([...ids, fresh]);
  const decided = after.body.timeline.find((e: { event: string; stage: string }) => e.event === 'decided' && e.stage === 'unit_verification');
  expect(decided.details.materials).toEqual([
    { id: ids[0], kind: 'id_card' },
    { id: ids[1], kind: 'certificate' },
    { id: fresh, kind: 'certificate' },
  ]);
  // now the bureau has a task on the claim: it can read the materials
  await taskOf(t.bureau1!, claimId);
  expect((await download(t.bureau1!, fresh!)).status).toBe(200);
  expectProblem(await request(app).get(`/api/v1/materials/${fresh}`).set(auth(t['unit.lsxc']!)), 404, 'NOT_FOUND');
});

test('per application at most 50 MB in all (413)', async () => {
  const { token } = await newApplicant(tdb.db, '周大');
  const ids: string[] = [];
  // six different files of 9 MB each: each is within the per-file limit
  for (let i = 0; i < 6; i++) {
    const body = Buffer.concat([SAMPLE_PDF, Buffer.alloc(9 * 1024 * 1024, 0x20 + i)]);
    ids.push((await uploadMaterial(app, token, i === 0 ? 'id_card' : 'certificate', body)).id);
  }
  expectProblem(await request(app).post('/api/v1/nanxun/claims').set(auth(token)).send(claimBody('junior', ids)), 413, 'PAYLOAD_TOO_LARGE');
  expect(
    (
      await request(app)
        .post('/api/v1/nanxun/claims')
        .set(auth(token))
        .send(claimBody('junior', ids.slice(0, 5)))
    ).status,
  ).toBe(201);
});

test('a title application needs at least one achievement file; the file goes with it and its read lists it', async () => {
  const office = await login(app, 'office1');
  const session = await request(app).post('/api/v1/zhejiang/sessions').set(auth(office)).send({ year: 2031, level: 'senior', meetingDate: '2031-06-10' });
  expect(session.status).toBe(201);
  const { token } = await newApplicant(tdb.db, '严业绩');
  const body = { sessionId: session.body.id, category: 'safety_science', channel: 'standard', employerOrgCode: 'NX-E-JGJX', commitment: true };
  const none = await request(app)
    .post('/api/v1/zhejiang/applications')
    .set(auth(token))
    .send({ ...body, materials: { summary: '主持完成双重预防机制建设' } });
  expectProblem(none, 422, 'MATERIALS_MISSING');
  expect(none.body.missing).toEqual(['achievement']);
  const [idCard] = await uploadKinds(app, token, ['id_card']);
  expect(
    (
      await request(app)
        .post('/api/v1/zhejiang/applications')
        .set(auth(token))
        .send({ ...body, materials: [idCard] })
    ).body.missing,
  ).toEqual(['achievement']);
  const [achievement] = await uploadKinds(app, token, ['achievement']);
  const created = await request(app)
    .post('/api/v1/zhejiang/applications')
    .set(auth(token))
    .send({ ...body, materials: { summary: '主持完成双重预防机制建设', files: [achievement] } });
  expect(created.status).toBe(201);
  const read = await request(app).get(`/api/v1/zhejiang/applications/${created.body.id}`).set(auth(token));
  expect(read.body.materials).toEqual({ summary: '主持完成双重预防机制建设', files: [achievement] });
  expect(read.body.materialFiles).toEqual([
    expect.objectContaining({ id: achievement, kind: 'achievement', fileName: expect.any(String), size: expect.any(Number) }),
  ]);
  // the employer's clerk, whose unit recommendation it is, reads it; another enterprise's clerk does not
  await eventually(() => tdb.db.selectFrom('task').select('id').where('subject_id', '=', created.body.id).executeTakeFirst(), 'unit recommendation');
  expect((await download(t['unit.jgjx']!, achievement!)).status).toBe(200);
  expectProblem(await request(app).get(`/api/v1/materials/${achievement}`).set(auth(t['unit.lsxc']!)), 404, 'NOT_FOUND');
});
