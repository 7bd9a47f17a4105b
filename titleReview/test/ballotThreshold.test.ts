/**
 * The ballot threshold option (issue 19), on the time-skipping server over HTTP: a senior session opened with
 * `ballotThreshold` keeps no ballot private key; its chair and two vice-chairs each collect a key share once; at the
 * close the count waits until two good shares are presented (one is not enough; a wrong share is refused with 422 and
 * counts for nothing); with two the count is made and every share is erased. Periods are never shortened: time is
 * skipped.
 */
import { sql } from 'kysely';
import type { Express } from 'express';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { timeSkippingEnv, startWorker, uniqueTaskQueue, eventually } from '../../test/helpers/temporal';
import { freshDatabase, type TestDb } from '../../test/helpers/db';
import { testApp } from '../../test/helpers/app';
import { client, expectProblem, expertToken } from '../../test/helpers/titleReview';
import { openThresholdBallot } from '../../test/helpers/thresholdBallot';

jest.setTimeout(300_000);

let env: TestWorkflowEnvironment;
let tdb: TestDb;
let app: Express;
let api: ReturnType<typeof client>;
let stopWorker: () => Promise<void>;

beforeAll(async () => {
  [env, tdb] = await Promise.all([timeSkippingEnv(), freshDatabase()]);
  const taskQueue = uniqueTaskQueue('zjthr');
  ({ stop: stopWorker } = await startWorker(env, tdb.db, taskQueue));
  app = testApp(tdb.db, env.client, taskQueue);
  api = client(app);
});
afterAll(async () => {
  await stopWorker?.();
  await env?.teardown();
  await tdb?.drop();
});

const sessionRow = (id: string) => tdb.db.selectFrom('zj_session').selectAll().where('id', '=', id).executeTakeFirstOrThrow();

test('threshold ballot: no private key stored; one share does not open the count, a wrong share is refused, two shares count', async () => {
  const { S, A, members, chair, vices } = await openThresholdBallot(tdb.db, env, app);

  // ---- the key: a public key, no private key anywhere; three sealed shares ------------------------------------------
  expect(await tdb.db.selectFrom('ballot_key').select('session_id').where('session_id', '=', S).executeTakeFirst()).toBeDefined();
  expect(await tdb.db.selectFrom('ballot_private_key').select('session_id').where('session_id', '=', S).executeTakeFirst()).toBeUndefined();
  const stored = await tdb.db.selectFrom('ballot_key_share').selectAll().where('session_id', '=', S).orderBy('x').execute();
  expect(stored.map((r) => r.x)).toEqual([1, 2, 3]);
  expect(stored.map((r) => r.holder_expert_id)).toEqual([chair, ...vices]);
  const tokenOf = (expertId: string) => expertToken(tdb.db, expertId);
  const ordinary = members.find((m) => m.role === 'member')!.expertId;

  // each holder collects their share once; nobody else has one
  expectProblem(await api.get(`/api/v1/zhejiang/sessions/${S}/ballot-share`, await tokenOf(ordinary)), 403, 'NOT_SHARE_HOLDER');
  const shares: Record<string, string> = {};
  for (const id of [chair, ...vices]) {
    const r = await api.get(`/api/v1/zhejiang/sessions/${S}/ballot-share`, await tokenOf(id));
    expect(r.status).toBe(200);
    expect(r.headers['cache-control']).toBe('no-store');
    expect(r.body.share).toMatch(/^ZJBS1-[123]-[0-9a-f]{64}$/);
    shares[id] = r.body.share;
    expectProblem(await api.get(`/api/v1/zhejiang/sessions/${S}/ballot-share`, await tokenOf(id)), 409, 'SHARE_ALREADY_COLLECTED');
  }
  // once collected, no copy of any share is stored, sealed or not; nor does a page of the table keep one
  const afterCollect = await tdb.db.selectFrom('ballot_key_share').selectAll().where('session_id', '=', S).execute();
  expect(afterCollect.map((r) => [r.sealed, r.kek_id])).toEqual([
    [null, null],
    [null, null],
    [null, null],
  ]);
  for (const share of Object.values(shares)) {
    const dump = await sql<{ t: string }>`select string_agg(r::text, ' ') as t from ballot_key_share r`.execute(tdb.db);
    expect(dump.rows[0]!.t).not.toContain(share.slice(8));
  }

  // ---- the ballot: every member votes --------------------------------------------------------------------------------
  const paper = await api.get(`/api/v1/zhejiang/sessions/${S}/ballot`, await tokenOf(chair));
  expect(paper.body.shares).toMatchObject({ threshold: true, holder: 1, collected: true, presented: false, sharesPresented: 0, needed: 2 });
  for (const m of members) {
    const r = await api.post(`/api/v1/zhejiang/sessions/${S}/ballots`, await tokenOf(m.expertId), { votes: [{ applicationId: A.id, vote: 'yes' }] });
    expect(r.status).toBe(201);
  }

  // ---- the close waits for two shares ----------------------------------------------------------------------------
  expectProblem(await api.post(`/api/v1/zhejiang/sessions/${S}/close-ballot`, await tokenOf(chair)), 409, 'BALLOT_SHARES_NEEDED');
  // a wrong share (a vice-chair's share typed by the chair, or one digit changed) is refused and kept nowhere
  expectProblem(await api.post(`/api/v1/zhejiang/sessions/${S}/ballot-shares`, await tokenOf(chair), { share: shares[vices[0]!] }), 422, 'WRONG_BALLOT_SHARE');
  const own = shares[chair]!;
  const typo = own.slice(0, -1) + (own.endsWith('0') ? '1' : '0');
  expectProblem(await api.post(`/api/v1/zhejiang/sessions/${S}/ballot-shares`, await tokenOf(chair), { share: typo }), 422, 'WRONG_BALLOT_SHARE');
  expectProblem(await api.post(`/api/v1/zhejiang/sessions/${S}/ballot-shares`, await tokenOf(ordinary), { share: own }), 403, 'NOT_SHARE_HOLDER');
  expect(
    (await tdb.db.selectFrom('ballot_key_share').select('presented').where('session_id', '=', S).where('presented', 'is not', null).execute()).length,
  ).toBe(0);

  // one good share: still no count
  const first = await api.post(`/api/v1/zhejiang/sessions/${S}/ballot-shares`, await tokenOf(chair), { share: own });
  expect(first.status).toBe(200);
  expect(first.body).toEqual({ sharesPresented: 1, needed: 2 });
  expectProblem(await api.post(`/api/v1/zhejiang/sessions/${S}/close-ballot`, await tokenOf(vices[0]!)), 409, 'BALLOT_SHARES_NEEDED');
  expect((await sessionRow(S)).results).toBeNull();
  expect((await sessionRow(S)).ballot_closed_at).toBeNull();

  // the second: the count is made
  const second = await api.post(`/api/v1/zhejiang/sessions/${S}/ballot-shares`, await tokenOf(vices[1]!), { share: ` ${shares[vices[1]!]} ` });
  expect(second.body).toEqual({ sharesPresented: 2, needed: 2 });
  const closed = await api.post(`/api/v1/zhejiang/sessions/${S}/close-ballot`, await tokenOf(chair));
  expect(closed.status).toBe(200);
  expect(closed.body.results[0]).toMatchObject({ applicationId: A.id, yes: 17, attending: 17, passed: true });
  // every share of the session is gone, and the key with it
  expect(await tdb.db.selectFrom('ballot_key_share').select('x').where('session_id', '=', S).execute()).toEqual([]);
  expect(await tdb.db.selectFrom('ballot_private_key').select('session_id').where('session_id', '=', S).execute()).toEqual([]);
  const timeline = await tdb.db.selectFrom('timeline').select('event').where('subject_id', '=', S).where('event', '=', 'ballot_share_presented').execute();
  expect(timeline).toHaveLength(2);
  await eventually(
    async () => (await tdb.db.selectFrom('zj_application').select('status').where('id', '=', A.id).executeTakeFirstOrThrow()).status !== 'balloting',
    'counted',
  );
});
