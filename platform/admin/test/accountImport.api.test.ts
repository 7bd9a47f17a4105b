/**
 * The account CSV import (issue 21): the security administrator imports clerk accounts with their 浙政钉 account
 * ids. A dry run reports each row's problems and creates nothing; a file with refused rows is refused as a whole
 * (or imported without them with skipInvalid); a GBK file is read as GBK and a row with undecodable bytes refused on
 * its own. Each one-time password goes to the person's outbox, never into the operator's answer; the import is
 * audited; and an imported clerk signs in at once by the 浙政钉 QR (the stand-in), without a password to change.
 */
import iconv from 'iconv-lite';
import request from 'supertest';
import { newestSealedMessage } from '../../../test/helpers/sealedMessages';
import { demoZzdAccountId } from '../../auth/federation/seed';
import { bearer, federationWorld, signIn, walk } from '../../auth/federation/test/federationHelpers';

jest.setTimeout(120_000);

let w: Awaited<ReturnType<typeof federationWorld>>;
let secadmin: string;
let auditor: string;
let sysadmin: string;
beforeAll(async () => {
  w = await federationWorld();
  const login = async (username: string) => (await request(w.app).post('/api/v1/auth/login').send({ username, password: 'demo' })).body.token as string;
  secadmin = await login('secadmin');
  auditor = await login('auditor');
  sysadmin = await login('admin');
});
afterAll(async () => {
  await w?.stop();
});

const importCsv = (body: Buffer | string, query: string, token = secadmin, contentType = 'text/csv; charset=utf-8') =>
  request(w.app)
    .post(`/api/v1/admin/accounts/import?${query}`)
    .set(bearer(token))
    .set('content-type', contentType)
    .send(Buffer.isBuffer(body) ? body : Buffer.from(body, 'utf8'));

const userCount = async () =>
  Number(
    (
      await w.tdb.db
        .selectFrom('app_user')
        .select((eb) => eb.fn.countAll<string>().as('n'))
        .executeTakeFirstOrThrow()
    ).n,
  );

/** the one-time password as the person receives it: the newest message in their outbox */
async function smsPasswordOf(username: string): Promise<string> {
  const m = await newestSealedMessage(w.tdb.db, username, 'one_time_password');
  expect(m.smsState).toBe('pending');
  expect(m.sealed).toBe(true);
  expect(m.atRest).not.toMatch(/一次性密码：/);
  return /一次性密码：([A-Za-z0-9_-]+)/.exec(m.received)![1]!;
}

const HEADER = 'username,displayName,orgCode,roles,phone,zzdAccountId';

test('a dry run reports every refused row with its reasons and creates nothing; committing it is refused as a whole', async () => {
  const csv = [
    HEADER,
    'imp.bureau9,王初审,NX-YJGLJ,bureau_reviewer,13700000009,60000009', // 2 fine
    'x,短名,NX-YJGLJ,bureau_reviewer,13700000010,', // 3 bad username
    'IMP.BUREAU9,重复,NX-YJGLJ,bureau_reviewer,13700000011,', // 4 same username as row 2 (case-insensitive)
    'bureau1,已存在,NX-YJGLJ,bureau_reviewer,13700000012,', // 5 taken
    'imp.nowhere,无单位,NX-NOPE,bureau_reviewer,13700000013,', // 6 unknown org
    'imp.misfit,错角色,NX-E-JGJX,bureau_reviewer,13700000014,', // 7 a bureau role in an enterprise
    'imp.boss,管理员,NX-YJGLJ,security_admin,13700000015,', // 8 an administrator's role is never imported
    'imp.nophone,无手机,NX-YJGLJ,bureau_reviewer,call-me,', // 9 bad phone
    `imp.zzdtaken,占用,NX-YJGLJ,bureau_reviewer,13700000016,${demoZzdAccountId('bureau1')}`, // 10 浙政钉 id of bureau1
    'imp.zzddup,重复钉,NX-YJGLJ,bureau_reviewer,13700000017,60000009', // 11 浙政钉 id of row 2
  ].join('\n');
  const before = await userCount();
  const dry = await importCsv(csv, 'dryRun=true');
  expect(dry.status).toBe(200);
  expect(dry.body).toMatchObject({ dryRun: true, imported: false, encoding: 'utf-8', provider: 'zzd', total: 10, counts: { created: 1, refused: 9 } });
  const reasons = Object.fromEntries(
    dry.body.rows.map((r: { row: number; reasons: { code: string; field: string }[] }) => [r.row, r.reasons.map((x) => `${x.field}:${x.code}`)]),
  );
  expect(reasons).toEqual({
    2: [],
    3: ['username:INVALID_USERNAME'],
    4: ['username:DUPLICATE_IN_FILE'],
    5: ['username:USERNAME_TAKEN'],
    6: ['orgCode:UNKNOWN_ORG'],
    7: ['roles:ROLE_NOT_FOR_ORG'],
    8: ['roles:ROLE_NOT_IMPORTABLE'],
    9: ['phone:INVALID_PHONE'],
    10: ['zzdAccountId:ZZD_ID_TAKEN'],
    11: ['zzdAccountId:DUPLICATE_IN_FILE'],
  });
  // every reason carries a message for the operator
  expect(dry.body.rows[5].reasons[0]).toMatchObject({ value: 'bureau_reviewer', message: '该角色与单位类型（企业）不符' });
  expect(await userCount()).toBe(before);

  const commit = await importCsv(csv, 'dryRun=false');
  expect(commit.status).toBe(422);
  expect(commit.body.code).toBe('IMPORT_HAS_INVALID_ROWS');
  expect(commit.body.report.counts).toEqual({ created: 1, refused: 9 });
  expect(await userCount()).toBe(before);
  // 浙政钉 60000009 was not linked either
  expect((await walk(w.app, 'zzd', '60000009')).callback.body.code).toBe('NOT_LINKED');
});

test('a GBK file is read as GBK; a row with undecodable bytes is refused on its own; a header without the columns is 400', async () => {
  const gbk = iconv.encode(['用户名,姓名,单位代码,角色,手机号,浙政钉账号ID', 'imp.gbk1,钱复审,NX-T-NXZ,rereviewer,13700000021,60000021'].join('\r\n'), 'gbk');
  const r = await importCsv(gbk, 'dryRun=true', secadmin, 'text/csv');
  expect(r.status).toBe(200);
  expect(r.body).toMatchObject({ encoding: 'gbk', counts: { created: 1, refused: 0 } });
  expect(r.body.rows[0]).toMatchObject({ displayName: '钱复审', roles: ['rereviewer'], zzdAccountId: '60000021' });

  const mixed = Buffer.concat([
    Buffer.from(`${HEADER}\nimp.ok1,孙经办,NX-YJGLJ,bureau_reviewer,13700000031,\nimp.bad1,`, 'utf8'),
    Buffer.from([0xff, 0xfe]),
    Buffer.from(',NX-YJGLJ,bureau_reviewer,13700000032,\n', 'utf8'),
  ]);
  const m = await importCsv(mixed, 'dryRun=true');
  expect(m.body.encoding).toBe('utf-8');
  expect(m.body.rows.map((x: { reasons: { code: string }[] }) => x.reasons.map((y) => y.code))).toEqual([[], ['ENCODING']]);

  const noHeader = await importCsv('name,phone\n张三,13700000000\n', 'dryRun=true');
  expect(noHeader.status).toBe(400);
  expect(noHeader.body.code).toBe('INVALID_CSV');
  const notCsv = await importCsv(Buffer.from('{}'), 'dryRun=true', secadmin, 'application/json');
  expect(notCsv.status).toBe(415);
});

test('only the security administrator imports accounts (三员分立)', async () => {
  for (const token of [sysadmin, auditor]) {
    const r = await importCsv(`${HEADER}\n`, 'dryRun=true', token);
    expect(r.status).toBe(403);
  }
  const bureau = (await request(w.app).post('/api/v1/auth/login').send({ username: 'bureau1', password: 'demo' })).body.token;
  expect((await importCsv(`${HEADER}\n`, 'dryRun=true', bureau)).status).toBe(403);
});

test('imported: the passwords go to the people, the operator sees masked numbers, audited; the clerk signs in by 浙政钉 at once', async () => {
  const csv = [
    HEADER,
    'imp.zhao,赵初审,NX-YJGLJ,bureau_reviewer,13700000041,60000041',
    'imp.qian,钱复审,NX-T-NXZ,rereviewer,13700000042,60000042',
    'imp.sun,孙经办,NX-E-JGJX,unit_verifier,13700000043,',
  ].join('\n');
  const before = await userCount();
  const r = await importCsv(csv, 'dryRun=false');
  expect(r.status).toBe(200);
  expect(r.body).toMatchObject({ dryRun: false, imported: true, counts: { created: 3, refused: 0 } });
  expect(r.body.rows.map((x: { oneTimePasswordSentTo: string }) => x.oneTimePasswordSentTo)).toEqual(['137****0041', '137****0042', '137****0043']);
  expect(await userCount()).toBe(before + 3);

  // the one-time password reached the person's outbox, and the operator's answer does not hold it
  const otp = await smsPasswordOf('imp.zhao');
  expect(JSON.stringify(r.body)).not.toContain(otp);

  // the clerk scans the 浙政钉 QR: signed in to the imported account, with its roles, and can work at once
  const zzd = await signIn(w.app, 'zzd', '60000041');
  expect(zzd).toMatchObject({ username: 'imp.zhao', roles: ['bureau_reviewer'] });
  expect((await request(w.app).get('/api/v1/tasks').set(bearer(zzd.token))).status).toBe(200);
  expect((await signIn(w.app, 'zzd', '60000042')).username).toBe('imp.qian');

  // with the one-time password instead, it must be changed first (as for any account the administrator creates)
  const pw = await request(w.app)
    .post('/api/v1/auth/login')
    .send({ username: 'imp.sun', password: await smsPasswordOf('imp.sun') });
  expect(pw.status).toBe(200);
  expect(pw.body.mustChangePassword).toBe(true);
  expect((await request(w.app).get('/api/v1/tasks').set(bearer(pw.body.token))).status).toBe(403);

  // the same file again: every row refused (usernames and 浙政钉 ids taken)
  const again = await importCsv(csv, 'dryRun=true');
  expect(again.body.counts).toEqual({ created: 0, refused: 3 });

  const audit = await request(w.app).get('/api/v1/admin/audit').query({ action: 'user.import' }).set(bearer(auditor));
  expect(audit.status).toBe(200);
  expect(audit.body[0]).toMatchObject({ actor: 'secadmin', details: { counts: { created: 3, refused: 0 }, created: ['imp.zhao', 'imp.qian', 'imp.sun'] } });
  const created = await request(w.app).get('/api/v1/admin/audit').query({ action: 'user.created', targetId: 'imp.zhao' }).set(bearer(auditor));
  expect(created.body[0].details).toMatchObject({ via: 'import', identity: { provider: 'zzd', subject: '60000041' }, oneTimePasswordSentTo: '137****0041' });
});

test('skipInvalid imports the valid rows and reports the refused ones', async () => {
  const csv = [HEADER, 'imp.li,李初审,NX-YJGLJ,bureau_reviewer,13700000051,60000051', 'imp.li2,李二,NX-NOPE,bureau_reviewer,13700000052,'].join('\n');
  const r = await importCsv(csv, 'dryRun=false&skipInvalid=true');
  expect(r.status).toBe(200);
  expect(r.body).toMatchObject({ imported: true, counts: { created: 1, refused: 1 } });
  expect(r.body.rows[1]).toMatchObject({ action: 'refused', oneTimePasswordSentTo: null });
  expect((await signIn(w.app, 'zzd', '60000051')).username).toBe('imp.li');
});
