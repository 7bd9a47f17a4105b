/**
 * Personal data at rest, end to end: after registering, claiming (its task and claim view), a title application,
 * a ban, a grant and a blacklist entry, neither a dump of the database nor any raw page of any table or index holds
 * an ID number or a phone number in clear — yet the API shows them to whom it should, and the rules' equality
 * lookups (blacklist, bans, one registration per ID) still work. Then the keys are rotated and the old versions
 * retired: everything is still readable and found.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import request from 'supertest';
import { sql } from 'kysely';
import type { Express } from 'express';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { timeSkippingEnv, startWorker, uniqueTaskQueue, eventually } from '../../../test/helpers/temporal';
import { freshDatabase, type TestDb } from '../../../test/helpers/db';
import { testApp, login, auth } from '../../../test/helpers/app';
import { startCertificateClaim } from '../../../test/helpers/claims';
import { demoAccounts } from '../../../db/seed';
import { titleReviewDemoAccounts } from '../../../titleReview/seed';
import { makeIdNumber } from '../../identity/idNumber';
import { addKeyVersions, keyring, Keyring, resetKeyring, retireOldVersions } from '../keys';
import { rotateStoredData } from '../rotation';
import { installDomains } from '../../plugins/registry';
import { DOMAINS } from '../../../domains';
import { isCiphertext } from '../personalData';

let env: TestWorkflowEnvironment;
let tdb: TestDb;
let app: Express;
let taskQueue: string;
let stopWorker: () => Promise<void>;

beforeAll(async () => {
  [env, tdb] = await Promise.all([timeSkippingEnv(), freshDatabase()]);
  taskQueue = uniqueTaskQueue('pii');
  ({ stop: stopWorker } = await startWorker(env, tdb.db, taskQueue));
  app = testApp(tdb.db, env.client, taskQueue);
  await sql`create extension if not exists pageinspect`.execute(tdb.db);
});
afterAll(async () => {
  await stopWorker?.();
  await env?.teardown();
  await tdb?.drop();
});

const NEW_ID = makeIdNumber('33050319870707123');
const NEW_PHONE = '13912345678';
const BANNED_ID = makeIdNumber('33010219750505432');
const BLACKLISTED_ID = makeIdNumber('33050319660606321');

/** pg_dump when its version can dump this server; else the same rows as text (`select t::text from t`). */
async function dump(url: string): Promise<string> {
  try {
    const { stdout } = await promisify(execFile)('pg_dump', ['--no-owner', url], { maxBuffer: 256 * 1024 * 1024 });
    return stdout;
  } catch {
    const tables = (await sql<{ t: string }>`select tablename as t from pg_tables where schemaname = 'public'`.execute(tdb.db)).rows.map((r) => r.t);
    const out: string[] = [];
    for (const t of tables) out.push(`-- ${t}`, ...(await sql<{ r: string }>`select x::text as r from ${sql.table(t)} x`.execute(tdb.db)).rows.map((r) => r.r));
    return out.join('\n');
  }
}

/** Every raw page of every table, TOAST table and index: dead row versions included. */
async function rawPages(): Promise<Buffer> {
  const rels = await sql<{ oid: number; pages: number }>`
    select c.oid::int, (pg_relation_size(c.oid) / current_setting('block_size')::int)::int as pages
      from pg_class c join pg_namespace n on n.oid = c.relnamespace
     where n.nspname in ('public', 'pg_toast') and c.relkind in ('r', 't', 'i') and c.relam in (0, 2, 403) and pg_relation_size(c.oid) > 0`.execute(tdb.db);
  const out: Buffer[] = [];
  for (const r of rels.rows)
    for (let i = 0; i < r.pages; i++) out.push((await sql<{ p: Buffer }>`select get_raw_page(${r.oid}::regclass::text, ${i}) as p`.execute(tdb.db)).rows[0]!.p);
  return Buffer.concat(out);
}

function needles(): string[] {
  const all = [...demoAccounts(), ...titleReviewDemoAccounts()].flatMap((a) => [a.idNumber, a.phone]);
  return [...new Set([...all, NEW_ID, NEW_PHONE, BANNED_ID, BLACKLISTED_ID])];
}

async function expectNothingInClear() {
  const text = await dump(tdb.url);
  expect(text).toContain('pii1.'); // the dump does hold the (encrypted) data
  const pages = await rawPages();
  // the search would see clear text: the usernames (not personal data here) are found in both
  expect(text.includes('piiuser1') && pages.includes(Buffer.from('piiuser1'))).toBe(true);
  const found = needles().filter((n) => text.includes(n) || pages.includes(Buffer.from(n)));
  expect(found).toEqual([]);
}

async function expectReadableAndFound(token: string, claimId: string) {
  const me = await request(app).get('/api/v1/auth/me').set(auth(token));
  expect(me.body).toMatchObject({ idNumber: NEW_ID, phone: NEW_PHONE });
  const applicant1 = demoAccounts().find((a) => a.username === 'applicant1')!;
  const view = await request(app)
    .get(`/api/v1/nanxun/claims/${claimId}`)
    .set(auth(await login(app, 'applicant1')));
  expect(view.status).toBe(200);
  expect(view.body.applicant).toMatchObject({ idNumber: applicant1.idNumber, phone: applicant1.phone });
  // equality lookups on the blind indexes: one registration per ID (also typed with a lower-case x), the blacklist, bans
  const again = await request(app)
    .post('/api/v1/auth/register')
    .send({ username: `dup${Date.now()}`, password: 'longenough-pass', name: '王重复', idNumber: NEW_ID.toLowerCase(), phone: '13900000000' });
  // registration answers alike whether or not the ID is bound (no oracle); the blind index found the identity: a dispute opened
  expect(again.status).toBe(201);
  expect(
    await tdb.db.selectFrom('identity_dispute').select('id_number').where('id_number', '=', NEW_ID).where('resolved_at', 'is', null).execute(),
  ).toHaveLength(1);
  expect(await tdb.db.selectFrom('blacklist').select('id_number').where('id_number', '=', BLACKLISTED_ID).executeTakeFirst()).toEqual({
    id_number: BLACKLISTED_ID,
  });
  expect(await tdb.db.selectFrom('title_ban').select(['id_number', 'from_year']).where('id_number', '=', BANNED_ID).execute()).toEqual([
    { id_number: BANNED_ID, from_year: 2030 },
  ]);
  expect(await tdb.db.selectFrom('blacklist').select('id_number').where('id_number', '=', NEW_ID).executeTakeFirst()).toBeUndefined();
}

test('no ID number or phone in clear in a dump or on any page; shown and found through the API; then rotated', async () => {
  const reg = await request(app)
    .post('/api/v1/auth/register')
    .send({ username: 'piiuser1', password: 'longenough-pass', name: '王加密', idNumber: NEW_ID, phone: NEW_PHONE });
  expect(reg.status).toBe(201);
  const token = await login(app, 'piiuser1', 'longenough-pass');
  const claim = await startCertificateClaim(env.client, tdb.db, taskQueue, { applicant: 'applicant1' });
  await eventually(() => tdb.db.selectFrom('task').select('id').where('subject_id', '=', claim.id).executeTakeFirst(), 'the claim task');
  const now = new Date();
  await tdb.db
    .insertInto('blacklist')
    .values({ id_number: BLACKLISTED_ID, reason: '骗取奖励', source_claim_id: claim.id, decided_by: 'test', decided_at: now })
    .execute();
  await tdb.db
    .insertInto('title_ban')
    .values({ id_number: BANNED_ID, from_year: 2030, to_year: 2032, reason: '材料造假', decided_by: 'test', decided_at: now, application_id: null })
    .execute();

  // stored: blind indexes and ciphertexts only
  const raw = (
    await sql<{
      id_number: string;
      id_number_enc: string;
      phone: string;
    }>`select id_number, id_number_enc, phone from app_user where username = 'piiuser1'`.execute(tdb.db)
  ).rows[0]!;
  expect(raw.id_number).toMatch(/^[a-z0-9]+\.[0-9a-f]{32}$/);
  expect(isCiphertext(raw.id_number_enc) && isCiphertext(raw.phone)).toBe(true);

  await expectNothingInClear();
  await expectReadableAndFound(token, claim.id);

  // rotation: new versions of every key; everything re-encrypted and re-indexed; the old versions retired
  const before = keyring().json;
  const rotated = addKeyVersions(before);
  resetKeyring(new Keyring(rotated));
  installDomains(DOMAINS);
  const report = await rotateStoredData(tdb.db, new Keyring(rotated));
  expect(report.rows).toBeGreaterThan(50);
  expect(report.remaining).toBe(0);
  resetKeyring(new Keyring(retireOldVersions(rotated)));
  const after = (
    await sql<{ id_number: string; id_number_enc: string }>`select id_number, id_number_enc from app_user where username = 'piiuser1'`.execute(tdb.db)
  ).rows[0]!;
  expect(after.id_number.startsWith(`${rotated.blind!.current}.`)).toBe(true);
  expect(after.id_number_enc.startsWith(`pii1.${rotated.pii!.current}.`)).toBe(true);
  await expectReadableAndFound(token, claim.id);
  await expectNothingInClear();
  expect(keyring().json.pii!.current).not.toBe(before.pii!.current); // this process now holds only the new versions
});

test('npm run rotate-keys (the command) adds key versions and re-encrypts; --retire drops the old ones', async () => {
  const fs = await import('node:fs');
  const os = await import('node:os');
  const path = await import('node:path');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rotate-'));
  const file = path.join(dir, 'keys.json');
  fs.writeFileSync(file, JSON.stringify(keyring().json), { mode: 0o600 });
  const run = (...args: string[]) =>
    promisify(execFile)(process.execPath, ['--import', 'tsx', 'tools/rotateKeys.ts', ...args], {
      env: { ...process.env, KEYS_FILE: file, DATABASE_URL: tdb.url, PII_KEYS: '' },
      cwd: process.cwd(),
    });
  const first = await run();
  expect(first.stdout).toMatch(
    /re-encrypted \d+ values in \d+ rows, re-wrapped \d+ ballot keys and \d+ material keys, sealed \d+ plain materials; 0 values not under the current keys/,
  );
  const written = JSON.parse(fs.readFileSync(file, 'utf8'));
  expect(Object.keys(written.pii!.keys)).toHaveLength(Object.keys(keyring().json.pii!.keys).length + 1);
  const row = (await sql<{ id_number_enc: string }>`select id_number_enc from app_user where username = 'applicant1'`.execute(tdb.db)).rows[0]!;
  expect(row.id_number_enc.startsWith(`pii1.${written.pii.current}.`)).toBe(true);
  const retired = await run('--retire');
  expect(retired.stdout).toContain('old key versions removed');
  expect(Object.keys(JSON.parse(fs.readFileSync(file, 'utf8')).pii.keys)).toEqual([written.pii.current]);
  fs.rmSync(dir, { recursive: true, force: true });
}, 120_000);
