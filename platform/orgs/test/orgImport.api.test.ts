/**
 * The CSV import of organisations over HTTP: UTF-8 with a BOM and GBK, the dry run's row-by-row report, all or
 * nothing (an invalid row, or a failure while writing, leaves no organisation behind), and bodies that are not CSV.
 */
import request from 'supertest';
import iconv from 'iconv-lite';
import type { Express } from 'express';
import { freshDatabase, type TestDb } from '../../../test/helpers/db';
import { timeSkippingEnv } from '../../../test/helpers/temporal';
import { testApp, auth } from '../../../test/helpers/app';
import { tokenFor } from '../../../test/helpers/titleReview';
import { makeCreditCode } from '../creditCode';
import { sql } from 'kysely';
import type { TestWorkflowEnvironment } from '@temporalio/testing';

let env: TestWorkflowEnvironment;
let tdb: TestDb;
let app: Express;
let admin: string;
beforeAll(async () => {
  [env, tdb] = await Promise.all([timeSkippingEnv(), freshDatabase()]);
  app = testApp(tdb.db, env.client, 'org-import-no-worker');
  admin = await tokenFor(tdb.db, 'admin');
});
afterAll(async () => {
  await env?.teardown();
  await tdb?.drop();
});

const importCsv = (body: Buffer | string, query: string, contentType = 'text/csv; charset=utf-8', token = admin) =>
  request(app)
    .post(`/api/v1/admin/orgs/import?${query}`)
    .set(auth(token))
    .set('content-type', contentType)
    .send(Buffer.isBuffer(body) ? body : Buffer.from(body, 'utf8'));
function expectProblem(res: request.Response, status: number, code: string) {
  expect({ status: res.status, code: res.body.code }).toEqual({ status, code });
  expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
}
const orgCount = async () =>
  Number(
    (
      await tdb.db
        .selectFrom('org')
        .select((eb) => eb.fn.countAll<string>().as('n'))
        .executeTakeFirstOrThrow()
    ).n,
  );
const cc = (n: number) => makeCreditCode(`91330503MA2C${String(n).padStart(5, '0')}`);
const BOM = Buffer.from([0xef, 0xbb, 0xbf]);

test('a mixed UTF-8 (BOM) file: dry run report row by row, refused as a whole, then imported with skipInvalid', async () => {
  const existing = await request(app)
    .post('/api/v1/admin/orgs')
    .set(auth(admin))
    .send({ type: 'enterprise', name: '湖州旧馆纺织有限公司', creditCode: cc(1), townCode: 'NX-T-JGZ', regulatorCode: 'NX-FGJXJ' });
  expect(existing.status).toBe(201);
  const csv = [
    'type,name,creditCode,townCode,regulatorCode,certRereviewBy,address',
    `enterprise,湖州千金电子有限公司,${cc(2)},千金镇,NX-FGJXJ,,千金镇工业区1号`, // 2 created (town by name)
    `enterprise,湖州旧馆纺织股份有限公司,${cc(1)},NX-T-JGZ,NX-SCJGJ,regulator,`, // 3 updated (renamed, new regulator)
    `enterprise,校验位错误公司,${cc(3).slice(0, 17)}${cc(3).endsWith('A') ? 'B' : 'A'},NX-T-NXZ,NX-FGJXJ,,`, // 4 refused
    `enterprise,未知镇公司,${cc(4)},NX-T-XXX,NX-FGJXJ,,`, // 5 refused
    `institution,"湖州石淙农业技术推广中心, 事业单位",${makeCreditCode('12330503MB0000001')},NX-T-SCZ,NX-KJJ,,`, // 6 created
    `enterprise,重复一行,${cc(2)},NX-T-QJZ,NX-FGJXJ,,`, // 7 refused: duplicate of row 2
  ].join('\r\n');
  const before = await orgCount();
  const dry = await importCsv(Buffer.concat([BOM, Buffer.from(csv)]), 'dryRun=true');
  expect(dry.status).toBe(200);
  expect(dry.body).toMatchObject({ dryRun: true, imported: false, encoding: 'utf-8', total: 6, counts: { created: 2, updated: 1, unchanged: 0, refused: 3 } });
  expect(dry.body.rows.map((r: { row: number; action: string; reasons: { code: string }[] }) => [r.row, r.action, r.reasons.map((x) => x.code)])).toEqual([
    [2, 'created', []],
    [3, 'updated', []],
    [4, 'refused', ['INVALID_CREDIT_CODE']],
    [5, 'refused', ['UNKNOWN_TOWN']],
    [6, 'created', []],
    [7, 'refused', ['DUPLICATE_IN_FILE']],
  ]);
  expect(dry.body.rows[0]).toMatchObject({ name: '湖州千金电子有限公司', code: `NX-E-${cc(2)}` });
  expect(dry.body.rows[1].code).toBe(existing.body.code);
  expect(dry.body.rows[5].reasons[0]).toMatchObject({ field: 'creditCode', value: '2', message: expect.stringContaining('重复') });
  expect(await orgCount()).toBe(before);

  // a real import with refused rows imports nothing, and says which rows
  const refused = await importCsv(Buffer.concat([BOM, Buffer.from(csv)]), 'dryRun=false');
  expectProblem(refused, 422, 'IMPORT_HAS_INVALID_ROWS');
  expect(refused.body.report.counts.refused).toBe(3);
  expect(await orgCount()).toBe(before);
  expect((await tdb.db.selectFrom('org').select('name').where('code', '=', existing.body.code).executeTakeFirstOrThrow()).name).toBe('湖州旧馆纺织有限公司');

  const done = await importCsv(Buffer.concat([BOM, Buffer.from(csv)]), 'dryRun=false&skipInvalid=true');
  expect(done.status).toBe(200);
  expect(done.body).toMatchObject({ imported: true, counts: { created: 2, updated: 1, refused: 3 } });
  expect(await orgCount()).toBe(before + 2);
  const updated = await tdb.db.selectFrom('org').selectAll().where('code', '=', existing.body.code).executeTakeFirstOrThrow();
  expect(updated).toMatchObject({ name: '湖州旧馆纺织股份有限公司', regulator_code: 'NX-SCJGJ', cert_rereview_org_code: 'NX-SCJGJ', updated_by: 'admin' });
  const inst = await tdb.db.selectFrom('org').selectAll().where('credit_code', '=', makeCreditCode('12330503MB0000001')).executeTakeFirstOrThrow();
  expect(inst).toMatchObject({ type: 'institution', name: '湖州石淙农业技术推广中心, 事业单位', town_code: 'NX-T-SCZ', in_district: true });
  expect(await tdb.db.selectFrom('zj_unit').selectAll().where('org_code', '=', inst.code).executeTakeFirst()).toMatchObject({ competent_org_code: 'HZ-YJJ' });
  const audit = await tdb.db.selectFrom('audit_log').selectAll().where('action', '=', 'org.import').execute();
  expect(audit).toHaveLength(1);
  expect(audit[0]!.details).toMatchObject({ counts: { created: 2, updated: 1, refused: 3 }, refusedRows: [4, 5, 7] });

  // the same file again: nothing new
  const again = await importCsv(Buffer.concat([BOM, Buffer.from(csv)]), 'dryRun=true');
  expect(again.body.counts).toMatchObject({ created: 0, updated: 0, unchanged: 3, refused: 3 });
});

test('a GBK file with Chinese headers (as Excel saves it) is read as GBK', async () => {
  const csv = [
    '类型,单位名称,统一社会信用代码,所属镇（开发区）,行业监管部门,地址',
    `企业,湖州练市智造有限公司,${cc(20)},练市镇,南浔区住房和城乡建设局,练市镇花园路9号`,
    `事业单位,练市镇安全生产服务中心,${makeCreditCode('12330503MB0000020')},NX-T-LSZ,NX-ZJJ,`,
  ].join('\n');
  const gbk = iconv.encode(csv, 'gbk');
  expect(() => new TextDecoder('utf-8', { fatal: true }).decode(gbk)).toThrow();
  const dry = await importCsv(gbk, 'dryRun=true', 'text/csv');
  expect(dry.status).toBe(200);
  expect(dry.body).toMatchObject({ encoding: 'gbk', counts: { created: 2, refused: 0 } });
  expect(dry.body.rows.map((r: { name: string }) => r.name)).toEqual(['湖州练市智造有限公司', '练市镇安全生产服务中心']);
  const done = await importCsv(gbk, 'dryRun=false', 'text/csv');
  expect(done.body).toMatchObject({ imported: true, counts: { created: 2 } });
  expect(await tdb.db.selectFrom('org').select(['name', 'address', 'regulator_code']).where('credit_code', '=', cc(20)).executeTakeFirstOrThrow()).toEqual({
    name: '湖州练市智造有限公司',
    address: '练市镇花园路9号',
    regulator_code: 'NX-ZJJ',
  });
});

test('a UTF-8 file with one stray byte is read as UTF-8: that row alone is refused (ENCODING) in the dry run, the others keep their Chinese', async () => {
  const lines = [
    'type,name,creditCode,townCode,regulatorCode,certRereviewBy,address',
    `enterprise,浙江南浔新材料有限公司,${cc(30)},南浔镇,NX-FGJXJ,,南浔镇适园路1号`,
    `enterprise,湖州善琏湖笔有限公司,${cc(31)},善琏镇,NX-FGJXJ,,善琏镇`,
  ];
  const body = Buffer.concat([
    Buffer.from(`${lines[0]}\n${lines[1]}\n`),
    Buffer.from('enterprise,湖州善琏'),
    Buffer.from([0xff]), // one stray byte, as a bad copy and paste leaves it
    Buffer.from(`湖笔有限公司,${cc(31)},善琏镇,NX-FGJXJ,,善琏镇\n`),
  ]);
  const dry = await importCsv(body, 'dryRun=true', 'text/csv');
  expect(dry.status).toBe(200);
  expect(dry.body).toMatchObject({ encoding: 'utf-8', counts: { created: 1, refused: 1 } });
  expect(dry.body.rows[0]).toMatchObject({ row: 2, action: 'created', name: '浙江南浔新材料有限公司' });
  expect(dry.body.rows[1]).toMatchObject({ row: 3, action: 'refused', reasons: [expect.objectContaining({ code: 'ENCODING', field: '(row)' })] });
  // imported as a whole it is refused; nothing is written in mojibake
  const before = await orgCount();
  expectProblem(await importCsv(body, 'dryRun=false', 'text/csv'), 422, 'IMPORT_HAS_INVALID_ROWS');
  expect(await orgCount()).toBe(before);
  // a GBK file with a byte GB 18030 cannot decode: that row refused, the rest read as GBK
  const gbk = Buffer.concat([
    iconv.encode(`${lines[0]}\n${lines[1]}\n`, 'gbk'),
    iconv.encode('enterprise,湖州', 'gbk'),
    Buffer.from([0x81, 0x20]),
    iconv.encode(`善琏,${cc(32)},善琏镇,NX-FGJXJ,,\n`, 'gbk'),
  ]);
  const gbkDry = await importCsv(gbk, 'dryRun=true', 'text/csv');
  expect(gbkDry.body).toMatchObject({ encoding: 'gbk', counts: { created: 1, refused: 1 } });
  expect(gbkDry.body.rows[0].name).toBe('浙江南浔新材料有限公司');
  expect(gbkDry.body.rows[1].reasons.map((r: { code: string }) => r.code)).toContain('ENCODING');
});

test('a body that is not CSV is refused with a problem, and nothing changes', async () => {
  const before = await orgCount();
  const png = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d]), Buffer.from('IHDR')]);
  expectProblem(await importCsv(png, 'dryRun=true', 'text/csv'), 400, 'INVALID_CSV');
  expectProblem(await importCsv('{"name":"x"}', 'dryRun=true', 'application/json'), 415, 'UNSUPPORTED_MEDIA_TYPE');
  expectProblem(await importCsv(png, 'dryRun=false', 'image/png'), 415, 'UNSUPPORTED_MEDIA_TYPE');
  expectProblem(await importCsv('{"name":"x","creditCode":"y"}', 'dryRun=false'), 400, 'INVALID_CSV'); // no header
  expectProblem(await importCsv('name,creditCode\n"unterminated,quote\n', 'dryRun=false'), 400, 'INVALID_CSV');
  expectProblem(await importCsv('', 'dryRun=false'), 400, 'INVALID_CSV');
  expectProblem(await importCsv(`name,creditCode\nx,${cc(30)}\n`, 'dryRun=false', 'text/csv', await tokenFor(tdb.db, 'auditor')), 403, 'FORBIDDEN');
  expect(await orgCount()).toBe(before);
});

test('never half done: a failure while writing row 1,500 of 2,000 leaves none of them', async () => {
  const rows = Array.from({ length: 2000 }, (_, i) => `enterprise,批量企业${i},${cc(1000 + i)},NX-T-NXZ,NX-FGJXJ`);
  const csv = ['type,name,creditCode,townCode,regulatorCode', ...rows].join('\n');
  const dry = await importCsv(csv, 'dryRun=true');
  expect(dry.body.counts).toMatchObject({ created: 2000, refused: 0 });
  const before = await orgCount();
  // the database refuses one row in the middle (as a constraint or a lost connection would)
  await sql`create function refuse_row() returns trigger language plpgsql as $$ begin if new.name = '批量企业1500' then raise exception 'simulated failure'; end if; return new; end $$`.execute(
    tdb.db,
  );
  await sql`create trigger refuse_row before insert on org for each row execute function refuse_row()`.execute(tdb.db);
  const failed = await importCsv(csv, 'dryRun=false');
  expect(failed.status).toBe(500);
  expect(failed.headers['content-type']).toMatch(/application\/problem\+json/);
  expect(await orgCount()).toBe(before);
  expect(
    await tdb.db
      .selectFrom('audit_log')
      .select('id')
      .where('action', '=', 'org.import')
      .where('details', '@>', sql<string>`'{"counts":{"created":2000}}'::jsonb`)
      .execute(),
  ).toEqual([]);
  await sql`drop trigger refuse_row on org`.execute(tdb.db);
  const ok = await importCsv(csv, 'dryRun=false');
  expect(ok.body).toMatchObject({ imported: true, counts: { created: 2000 } });
  expect(await orgCount()).toBe(before + 2000);
});
