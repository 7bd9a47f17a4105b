/**
 * The production topology (runtime/cluster.ts, as `npm run start:cluster` runs it): the real Temporal server (the pinned release) on
 * PostgreSQL, two worker processes (runtime/worker.ts) and two API processes (runtime/api.ts). A claim submitted on
 * one API instance is decided on the other; a worker killed with SIGKILL mid-path (every claim held at its re-review
 * until the worker that last ran one of them is dead) leaves the other to finish (one payout per claim); the Temporal server stopped mid-path makes a decision answer 503 TEMPORAL_UNAVAILABLE, and the
 * same decision succeeds once it is back, nothing lost; the yearly release Schedule exists on this server and a
 * triggered run opens the due instalments.
 *
 * The first run on a machine builds the server with `go install` (tools/temporalServer.ts, 4-5 min on 2 cores; cached
 * outside the repository afterwards): the timeout allows for it.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import { dropDatabases, freshDatabase, type TestDb } from '../helpers/db';
import { eventually } from '../helpers/temporal';
import { untilInstalmentScheduled } from '../helpers/claimWaits';
import { startShortageClaim } from '../helpers/claims';
import { uploadClaimMaterials } from '../../nanxun/materialsClient';
import { certificateClaimBody } from '../security/world';
import { startCluster, type RunningCluster } from '../../runtime/cluster';
import { freeTemporalPorts } from '../../tools/temporalServerProcess';
import { findTemporalServer, TEMPORAL_SERVER_VERSION } from '../../tools/temporalServer';
import { freePort } from '../../tools/ports';
import { INSTALMENT_RELEASE_SCHEDULE_ID } from '../../runtime/schedules';
import { addMonths, shanghaiDate } from '../../platform/calendar/workdays';
import { claimWorkflowId } from '../../nanxun/rules';
import { makeIdNumber } from '../../platform/identity/idNumber';
import { createTokenIssuer, tokenForUser } from '../../platform/auth/authenticate';
import { dataConverter } from '../../platform/crypto/payloadCodec';

jest.setTimeout(900_000);

let tdb: TestDb;
let dir: string;
let cluster: RunningCluster;
let connection: Connection;
let client: Client;
const suffix = randomBytes(4).toString('hex');
const temporalDbs = { main: `temporal_${suffix}`, visibility: `temporal_vis_${suffix}` };
const taskQueue = `cluster-${suffix}`;
const JWT_SECRET = 'test-secret-for-jest-only-0123456789';
/** applicants of their own (one claim of a kind and level per person), tokens signed with the cluster's secret */
let applicants: string[] = [];

beforeAll(async () => {
  // the (possibly long) first build happens here, outside the cluster's own start-up timeouts
  await findTemporalServer({ log: (m) => process.stdout.write(`${m}\n`) });
  tdb = await freshDatabase();
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'zj-cluster-'));
  cluster = await startCluster({
    dataDir: dir,
    databaseUrl: tdb.url,
    pgPort: 0,
    temporalPorts: await freeTemporalPorts(),
    temporalDatabases: temporalDbs,
    historyShards: 4,
    namespace: 'default',
    retentionDays: 1,
    taskQueue,
    workers: 2,
    apiPorts: [await freePort(), await freePort()],
    devMode: true,
    jwtSecret: JWT_SECRET,
    workflowBundlePath: process.env.WORKFLOW_BUNDLE_PATH,
    env: { LOG_LEVEL: 'info' },
    log: () => undefined,
  });
  connection = await Connection.connect({ address: cluster.temporal.address });
  client = new Client({ connection, dataConverter: dataConverter() });
  const users = await tdb.db
    .insertInto('app_user')
    .values(
      Array.from({ length: 3 }, (_, i) => ({
        username: `cluster${i}`,
        password_hash: 'x',
        display_name: `申请人${i}`,
        roles: ['applicant'],
        org_code: null,
        id_number: makeIdNumber(`33050319810${i + 1}15${200 + i}`),
        phone: '13800000000',
      })),
    )
    .returningAll()
    .execute();
  const issuer = createTokenIssuer(JWT_SECRET);
  applicants = await Promise.all(users.map((u) => tokenForUser(tdb.db, issuer, u)));
});

afterAll(async () => {
  await connection?.close().catch(() => undefined);
  await cluster?.stop();
  await tdb?.drop();
  if (tdb) await dropDatabases(Object.values(temporalDbs));
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

async function api(instance: number, method: string, p: string, token?: string, body?: unknown, headers: Record<string, string> = {}) {
  const r = await fetch(`${cluster.apiUrls[instance]}${p}`, {
    method,
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}), ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: r.status, body: (await r.json().catch(() => null)) as any };
}
const login = async (instance: number, username: string) => {
  const r = await api(instance, 'POST', '/api/v1/auth/login', undefined, { username, password: 'demo' });
  expect(r.status).toBe(200);
  return r.body.token as string;
};
const taskOf = (claimId: string, kind: string) =>
  eventually(
    () => tdb.db.selectFrom('task').selectAll().where('subject_id', '=', claimId).where('kind', '=', kind).where('state', '=', 'open').executeTakeFirst(),
    `${kind} of ${claimId}`,
    60_000,
  );
/** a decision, retried with the same Idempotency-Key until it is answered 200 (a lost answer is answered again) */
async function decide(instance: number, token: string, claimId: string, kind: string, body: object = { decision: 'approve' }) {
  const task = await taskOf(claimId, kind);
  return eventually(
    async () => {
      const r = await api(instance, 'POST', `/api/v1/tasks/${encodeURIComponent(task.id)}/decision`, token, body, { 'Idempotency-Key': `${kind}-${claimId}` });
      if (r.status >= 500 && r.status !== 503) unexpected.push(`${kind} of ${claimId}: ${r.status} ${JSON.stringify(r.body)}`);
      // a first attempt whose answer was lost with the worker is answered on retry, never refused as already decided
      if (r.body?.code === 'TASK_ALREADY_DECIDED') unexpected.push(`${kind} of ${claimId}: TASK_ALREADY_DECIDED on retry`);
      return r.status === 200 ? r : null;
    },
    `decision ${kind} of ${claimId}`,
    120_000,
  );
}
/** answers no client should ever get (a 5xx other than 503): collected, and asserted empty after every test */
const unexpected: string[] = [];
afterEach(() => {
  expect(unexpected.splice(0)).toEqual([]);
});
const applicationNoOf = async (id: string) =>
  (await tdb.db.selectFrom('claim').select('application_no').where('id', '=', id).executeTakeFirstOrThrow()).application_no;
const payouts = async (ids: string[]) => tdb.db.selectFrom('payout').select('claim_id').where('claim_id', 'in', ids).execute();

test('both API instances report the real server on PostgreSQL', async () => {
  for (const i of [0, 1]) {
    const h = await api(i, 'GET', '/healthz');
    expect(h).toEqual({
      status: 200,
      body: { status: 'ok', db: 'ok', temporal: { status: 'ok', serverVersion: TEMPORAL_SERVER_VERSION, persistence: 'postgres12', visibility: 'postgres12' } },
    });
  }
});

test('claims submitted on instance 1 and decided on instance 2; a worker killed with SIGKILL mid-path, the other finishes: one payout each', async () => {
  const clerks = { unit: await login(1, 'unit.jgjx'), bureau: await login(1, 'bureau1'), rereview: await login(1, 'rereview.nxz') };
  const ids: string[] = [];
  const applicantOf = new Map<string, string>();
  for (const [i, level] of ['junior', 'intermediate', 'senior', 'junior', 'intermediate', 'senior'].entries()) {
    const token = applicants[Math.floor(i / 3)]!;
    const r = await api(0, 'POST', '/api/v1/nanxun/claims', token, {
      ...certificateClaimBody(level),
      materials: await uploadClaimMaterials(cluster.apiUrls[0]!, token, 'certificate'),
    });
    expect(r.status).toBe(201);
    ids.push(r.body.id);
    applicantOf.set(r.body.id, applicants[Math.floor(i / 3)]!);
  }
  for (const id of ids) {
    expect((await decide(1, clerks.unit, id, 'unit_verification')).body.subject.status).toBe('bureau_review');
    expect((await decide(1, clerks.bureau, id, 'bureau_review')).body.subject.status).toBe('rereview');
  }
  // Every claim is held at its re-review (open, undecided) until a worker is dead: the kill falls mid-path by
  // construction, not by racing the machine. The worker killed is the one that last ran the first claim's workflow
  // (its cache holds that claim), so at least one claim must be taken over by the other worker.
  for (const id of ids) await taskOf(id, 'rereview');
  const lastWorkerOf = async (id: string) => {
    const history = await client.workflow.getHandle(claimWorkflowId(await applicationNoOf(id))).fetchHistory();
    let identity: string | null = null;
    for (const e of history.events ?? []) identity = e.workflowTaskCompletedEventAttributes?.identity ?? identity;
    return identity;
  };
  const holder = await lastWorkerOf(ids[0]!);
  const victim = cluster.workers.find((w) => holder === `${w.proc.pid}@${os.hostname()}`);
  expect(victim).toBeDefined();
  const survivor = cluster.workers.find((w) => w !== victim)!;
  victim!.proc.kill('SIGKILL');
  expect(await victim!.exited).toBeNull();
  // nothing was paid before the kill: every claim was still waiting for its re-review
  expect(await payouts(ids)).toEqual([]);
  // now the re-reviews (each ending in a payout), sent at once, are handled by the survivor alone
  await Promise.all(ids.map((id) => decide(1, clerks.rereview, id, 'rereview')));
  await eventually(
    async () =>
      (await payouts(ids)).length === ids.length &&
      (await tdb.db.selectFrom('claim').select('status').where('id', 'in', ids).execute()).every((c) => c.status === 'paid'),
    'every claim paid',
    120_000,
  );
  // the first claim, last run by the dead worker, was finished by the survivor
  expect(await lastWorkerOf(ids[0]!)).toBe(`${survivor.proc.pid}@${os.hostname()}`);
  expect((await payouts(ids)).map((p) => p.claim_id).sort()).toEqual([...ids].sort());
  expect(survivor.proc.exitCode).toBeNull();
  // the applicant sees the outcome on either instance
  expect((await api(0, 'GET', `/api/v1/nanxun/claims/${ids[0]}`, applicantOf.get(ids[0]!))).body.status).toBe('paid');
});

test('the Temporal server stopped mid-path: a decision answers 503 TEMPORAL_UNAVAILABLE, succeeds on retry after the restart, nothing lost', async () => {
  const applicant = applicants[2]!;
  const unit = await login(1, 'unit.jgjx');
  const bureau = await login(0, 'bureau1');
  const rereview = await login(1, 'rereview.nxz');
  const r = await api(0, 'POST', '/api/v1/nanxun/claims', applicant, {
    ...certificateClaimBody('senior'),
    materials: await uploadClaimMaterials(cluster.apiUrls[0]!, applicant, 'certificate'),
  });
  expect(r.status).toBe(201);
  const id = r.body.id as string;
  await decide(1, unit, id, 'unit_verification');
  const task = await taskOf(id, 'bureau_review');

  await cluster.temporal.stop();
  const down = await api(
    0,
    'POST',
    `/api/v1/tasks/${encodeURIComponent(task.id)}/decision`,
    bureau,
    { decision: 'approve' },
    { 'Idempotency-Key': `down-${id}` },
  );
  expect({ status: down.status, code: down.body?.code }).toEqual({ status: 503, code: 'TEMPORAL_UNAVAILABLE' });
  expect((await api(1, 'GET', '/healthz')).body).toMatchObject({ status: 'degraded', temporal: { status: 'unavailable' } });
  // reads are served meanwhile
  expect((await api(1, 'GET', `/api/v1/nanxun/claims/${id}`, applicant)).body.status).toBe('bureau_review');

  await cluster.temporal.start();
  const retried = await eventually(
    async () => {
      const res = await api(
        0,
        'POST',
        `/api/v1/tasks/${encodeURIComponent(task.id)}/decision`,
        bureau,
        { decision: 'approve' },
        { 'Idempotency-Key': `down-${id}` },
      );
      if (res.status >= 500 && res.status !== 503) unexpected.push(`retry after the restart: ${res.status} ${JSON.stringify(res.body)}`);
      return res.status === 200 ? res : null;
    },
    'the decision after the restart',
    120_000,
  );
  expect(retried.body.subject.status).toBe('rereview');
  await decide(1, rereview, id, 'rereview');
  await eventually(async () => (await payouts([id])).length === 1, 'the payout after the restart', 120_000);
  // the claims paid before the outage are all still there, each paid once
  const paid = await tdb.db.selectFrom('claim').select('id').where('status', '=', 'paid').execute();
  expect((await payouts(paid.map((c) => c.id))).length).toBe(paid.length);
  expect(paid.length).toBe(7);
});

test('the yearly release Schedule exists on this server; a triggered run opens the due instalments', async () => {
  const handle = client.schedule.getHandle(INSTALMENT_RELEASE_SCHEDULE_ID);
  const d = await handle.describe();
  expect(d.action).toMatchObject({ type: 'startWorkflow', workflowType: 'instalmentReleaseWorkflow', taskQueue });
  expect(d.spec.timezone).toBe('Asia/Shanghai');

  // a shortage-talent claim whose first instalment was paid a year ago (paper records) waits for its second year
  const c = await startShortageClaim(client, tdb.db, taskQueue, {
    applicant: 'applicant2',
    employer: 'NX-E-JGJX',
    importedFirstPaidOn: addMonths(shanghaiDate(new Date()), -12),
  });
  await untilInstalmentScheduled(tdb.db, c.id, 2);
  await handle.trigger();
  const opened = await eventually(
    () =>
      tdb.db
        .selectFrom('task')
        .selectAll()
        .where('id', '=', `${claimWorkflowId(c.applicationNo)}~y2~unit_verification`)
        .where('state', '=', 'open')
        .executeTakeFirst(),
    'the second year opened by the scheduled release',
    90_000,
  );
  expect(opened.kind).toBe('unit_verification');
  const row = await tdb.db.selectFrom('instalment').selectAll().where('claim_id', '=', c.id).where('year_no', '=', 2).executeTakeFirstOrThrow();
  expect(row.release_id).toMatch(/^nanxun-instalment-release-scheduled/);
});
