/**
 * Worker crash: a few hundred certificate claims in flight across every stage; the worker process is killed with
 * SIGKILL in the middle of a storm of decisions and payouts, and a new worker process starts. Every claim reaches the
 * state it should (decisions refused while no worker ran are retried by the client with the same Idempotency-Key),
 * every payout exists exactly once, every decision and timeline event once. The new worker's Temporal metrics
 * endpoint (SDK runtime Prometheus exporter) is scraped on the way.
 */
import request from 'supertest';
import type { Express } from 'express';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { devServerEnv, uniqueTaskQueue, eventually } from '../helpers/temporal';
import { freshDatabase, type TestDb } from '../helpers/db';
import { testApp, auth } from '../helpers/app';
import { spawnTs, type Child } from '../helpers/processes';
import { createTokenIssuer, tokenForUser } from '../../platform/auth/authenticate';
import { makeIdNumber } from '../../platform/identity/idNumber';
import { freePort } from '../../tools/ports';
import { certificateClaimBody } from '../security/world';
import { withClaimMaterials } from '../helpers/materials';
import { pool } from '../../tools/bench/pool';

jest.setTimeout(420_000);
const CLAIMS = Number(process.env.CRASH_CLAIMS ?? 240);
const LEVELS = ['junior', 'intermediate', 'senior'] as const;

let env: TestWorkflowEnvironment;
let tdb: TestDb;
let app: Express;
let taskQueue: string;
const workers: Child[] = [];

async function startWorkerProcess(metricsPort: number): Promise<Child> {
  const child = spawnTs('test/reliability/workerProcess.ts', [], {
    TEMPORAL_ADDRESS: env.address,
    DATABASE_URL: tdb.url,
    TASK_QUEUE: taskQueue,
    TEMPORAL_METRICS_PORT: String(metricsPort),
  });
  workers.push(child);
  await child.waitFor(/POLLING/, 120_000);
  return child;
}

beforeAll(async () => {
  [env, tdb] = await Promise.all([devServerEnv(), freshDatabase()]);
  taskQueue = uniqueTaskQueue('crash');
  app = testApp(tdb.db, env.client, taskQueue);
});
afterAll(async () => {
  for (const w of workers) if (w.proc.exitCode === null && w.proc.signalCode === null) w.proc.kill('SIGKILL');
  await env?.teardown();
  await tdb?.drop();
});

test(`SIGKILL the worker with ${CLAIMS} claims in flight: every claim ends where it should, each payout once`, async () => {
  const first = await startWorkerProcess(await freePort());

  // applicants with real-name identities (tokens signed directly: the login rate limit is not the point here)
  const issuer = createTokenIssuer('test-secret-for-jest-only-0123456789');
  const people = Math.ceil(CLAIMS / LEVELS.length);
  const rows = Array.from({ length: people }, (_, i) => ({
    username: `crash${i}`,
    password_hash: 'x',
    display_name: `申请人${i}`,
    roles: ['applicant'],
    org_code: null,
    id_number: makeIdNumber(`33050319800${1 + (i % 9)}${String(10 + (i % 18))}${String(Math.floor(i / 162) * 1 + 100 + (i % 162)).slice(-3)}`),
    phone: '13800000000',
  }));
  const users = await tdb.db.insertInto('app_user').values(rows).returningAll().execute();
  const token = async (u: (typeof users)[number]) => tokenForUser(tdb.db, issuer, u);
  const clerkToken = async (username: string) => {
    const u = await tdb.db.selectFrom('app_user').selectAll().where('username', '=', username).executeTakeFirstOrThrow();
    return tokenForUser(tdb.db, issuer, u);
  };
  const clerks = { unit: await clerkToken('unit.jgjx'), bureau: await clerkToken('bureau1'), rereview: await clerkToken('rereview.nxz') };

  // CLAIMS submissions; target stage by index: 0 unit, 1 bureau, 2 re-review, 3 paid, 4 rejected by the bureau
  const claims: { id: string; target: number }[] = [];
  const specs = Array.from({ length: CLAIMS }, (_, i) => ({ user: users[Math.floor(i / LEVELS.length)]!, level: LEVELS[i % LEVELS.length]! }));
  await pool(specs, 8, async ({ user, level }, i) => {
    const r = await request(app)
      .post('/api/v1/nanxun/claims')
      .set(auth(await token(user)))
      .send(await withClaimMaterials(app, await token(user), certificateClaimBody(level)));
    expect(r.status).toBe(201);
    claims[i] = { id: r.body.id, target: i % 5 };
  });

  const decideUntilDone = async (claimId: string, kind: string, who: keyof typeof clerks, body: object) => {
    const task = await eventually(
      () => tdb.db.selectFrom('task').selectAll().where('subject_id', '=', claimId).where('kind', '=', kind).executeTakeFirst(),
      `${kind} of ${claimId}`,
      180_000,
    );
    const key = `${kind}-${claimId}`;
    await eventually(
      async () => {
        const res = await request(app)
          .post(`/api/v1/tasks/${encodeURIComponent(task.id)}/decision`)
          .set(auth(clerks[who]))
          .set('Idempotency-Key', key)
          .send(body);
        // a first attempt taken before its answer was lost with the worker is answered on retry (200), never 409
        if (res.status === 200) return true;
        expect(res.status).not.toBe(500);
        expect(res.body.code).not.toBe('TASK_ALREADY_DECIDED');
        return false;
      },
      `decision ${key}`,
      240_000,
    );
  };
  const advance = async ({ id, target }: { id: string; target: number }) => {
    if (target === 0) return;
    await decideUntilDone(id, 'unit_verification', 'unit', { decision: 'approve' });
    if (target === 1) return;
    if (target === 4) return decideUntilDone(id, 'bureau_review', 'bureau', { decision: 'reject', comment: '材料不全' });
    await decideUntilDone(id, 'bureau_review', 'bureau', { decision: 'approve' });
    if (target === 2) return;
    await decideUntilDone(id, 'rereview', 'rereview', { decision: 'approve' });
  };

  // the storm of decisions and payouts; the worker dies in the middle of it
  const storm = pool(claims, 16, (c) => advance(c));
  await eventually(async () => (await tdb.db.selectFrom('payout').select('id').execute()).length >= 3, 'the first payouts', 120_000);
  const doneBefore = await tdb.db.selectFrom('task').select('id').where('state', '=', 'done').execute();
  first.proc.kill('SIGKILL');
  await first.exited;
  const metricsPort = await freePort();
  const second = await startWorkerProcess(metricsPort);
  await storm;

  // the replacement worker exports the SDK's metrics for Prometheus
  const scraped = await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text();
  expect(scraped).toMatch(/temporal_workflow_task_execution_latency|temporal_worker_task_slots_available|temporal_request/);

  const ids = claims.map((c) => c.id);
  const expected = (t: number) => ['unit_verification', 'bureau_review', 'rereview', 'paid', 'rejected'][t]!;
  await eventually(
    async () => {
      const rows = await tdb.db.selectFrom('claim').select(['id', 'status']).where('id', 'in', ids).execute();
      const byId = new Map(rows.map((r) => [r.id, r.status]));
      return claims.every((c) => byId.get(c.id) === expected(c.target));
    },
    'every claim in its expected state',
    180_000,
  );
  const payouts = await tdb.db.selectFrom('payout').select(['claim_id']).where('claim_id', 'in', ids).execute();
  const paidIds = claims
    .filter((c) => c.target === 3)
    .map((c) => c.id)
    .sort();
  expect(payouts.map((p) => p.claim_id).sort()).toEqual(paidIds);
  const events = await tdb.db
    .selectFrom('timeline')
    .select(['subject_id', 'stage', 'event'])
    .where('subject_id', 'in', ids)
    .where('event', 'in', ['decided', 'paid', 'task_opened'])
    .execute();
  const seen = new Map<string, number>();
  for (const e of events) seen.set(`${e.subject_id}/${e.stage}/${e.event}`, (seen.get(`${e.subject_id}/${e.stage}/${e.event}`) ?? 0) + 1);
  expect([...seen.entries()].filter(([, n]) => n !== 1)).toEqual([]);
  const openTasks = await tdb.db
    .selectFrom('task')
    .select(['subject_id', 'kind', 'state'])
    .where('subject_id', 'in', ids)
    .where('state', '=', 'open')
    .execute();
  expect(openTasks).toHaveLength(claims.filter((c) => c.target <= 2).length);
  // eslint-disable-next-line no-console
  console.log(
    `worker crash: ${CLAIMS} claims, worker killed with ${doneBefore.length} tasks decided, ${payouts.length} payouts after recovery (exactly one each)`,
  );
  second.proc.kill('SIGTERM');
});
