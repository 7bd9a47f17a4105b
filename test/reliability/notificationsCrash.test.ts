/**
 * Notifications across a worker crash (the helpers and the shape of workerCrash.test.ts, at a smaller size): claims
 * are decided through the API to payment while the worker process is SIGKILLed in the middle and a new one starts.
 * Every person receives each message exactly once: none lost with the dead worker, none doubled by the retried
 * activities and replayed workflows.
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
import { certificateClaimBody } from '../security/world';
import { withClaimMaterials } from '../helpers/materials';

jest.setTimeout(300_000);
const CLAIMS = Number(process.env.NOTIFY_CRASH_CLAIMS ?? 24);

let env: TestWorkflowEnvironment;
let tdb: TestDb;
let app: Express;
let taskQueue: string;
const workers: Child[] = [];

async function startWorkerProcess(): Promise<Child> {
  const child = spawnTs('test/reliability/workerProcess.ts', [], { TEMPORAL_ADDRESS: env.address, DATABASE_URL: tdb.url, TASK_QUEUE: taskQueue });
  workers.push(child);
  await child.waitFor(/POLLING/, 120_000);
  return child;
}

beforeAll(async () => {
  [env, tdb] = await Promise.all([devServerEnv(), freshDatabase()]);
  taskQueue = uniqueTaskQueue('notifycrash');
  app = testApp(tdb.db, env.client, taskQueue);
});
afterAll(async () => {
  for (const w of workers) if (w.proc.exitCode === null && w.proc.signalCode === null) w.proc.kill('SIGKILL');
  await env?.teardown();
  await tdb?.drop();
});

test(`SIGKILL the worker while ${CLAIMS} claims go to payment: every message exactly once`, async () => {
  const first = await startWorkerProcess();
  const issuer = createTokenIssuer('test-secret-for-jest-only-0123456789');
  const users = await tdb.db
    .insertInto('app_user')
    .values(
      Array.from({ length: CLAIMS }, (_, i) => ({
        username: `notify${i}`,
        password_hash: 'x',
        display_name: `申请人${i}`,
        roles: ['applicant'],
        org_code: null,
        id_number: makeIdNumber(`33050319810${1 + (i % 9)}${String(10 + (i % 18))}${String(200 + i).slice(-3)}`),
        phone: '13800000000',
      })),
    )
    .returningAll()
    .execute();
  const token = (u: { id: number; username: string; display_name: string; roles: string[]; org_code: string | null; id_number: string | null }) =>
    tokenForUser(tdb.db, issuer, u);
  const clerk = async (username: string) => token(await tdb.db.selectFrom('app_user').selectAll().where('username', '=', username).executeTakeFirstOrThrow());
  const clerks = { unit: await clerk('unit.jgjx'), bureau: await clerk('bureau1'), rereview: await clerk('rereview.nxz') };

  const claims: { id: string; userId: number }[] = [];
  for (const u of users) {
    const t = await token(u);
    const r = await request(app)
      .post('/api/v1/nanxun/claims')
      .set(auth(t))
      .send(await withClaimMaterials(app, t, certificateClaimBody('junior')));
    expect(r.status).toBe(201);
    claims.push({ id: r.body.id, userId: u.id });
  }
  const decide = async (claimId: string, kind: string, who: keyof typeof clerks) => {
    const task = await eventually(
      () => tdb.db.selectFrom('task').selectAll().where('subject_id', '=', claimId).where('kind', '=', kind).executeTakeFirst(),
      `${kind} of ${claimId}`,
      180_000,
    );
    await eventually(
      async () => {
        const res = await request(app)
          .post(`/api/v1/tasks/${encodeURIComponent(task.id)}/decision`)
          .set(auth(clerks[who]))
          .set('Idempotency-Key', `${kind}-${claimId}`)
          .send({ decision: 'approve' });
        if (res.status === 200) return true;
        expect(res.status).not.toBe(500);
        return false;
      },
      `decision ${kind} ${claimId}`,
      240_000,
    );
  };
  let next = 0;
  const storm = Promise.all(
    Array.from({ length: 8 }, async () => {
      while (next < claims.length) {
        const c = claims[next++]!;
        await decide(c.id, 'unit_verification', 'unit');
        await decide(c.id, 'bureau_review', 'bureau');
        await decide(c.id, 'rereview', 'rereview');
      }
    }),
  );
  await eventually(async () => (await tdb.db.selectFrom('payout').select('id').execute()).length >= 2, 'the first payouts', 120_000);
  first.proc.kill('SIGKILL');
  await first.exited;
  const second = await startWorkerProcess();
  await storm;
  const ids = claims.map((c) => c.id);
  await eventually(
    async () => (await tdb.db.selectFrom('claim').select('id').where('id', 'in', ids).where('status', '=', 'paid').execute()).length === CLAIMS,
    'every claim paid',
    180_000,
  );

  const rows = await tdb.db.selectFrom('notification').select(['recipient_user_id', 'subject_id', 'kind']).where('subject_id', 'in', ids).execute();
  const count = (userId: number, subjectId: string, kind: string) =>
    rows.filter((r) => r.recipient_user_id === userId && r.subject_id === subjectId && r.kind === kind).length;
  const userIdOf = async (username: string) => (await tdb.db.selectFrom('app_user').select('id').where('username', '=', username).executeTakeFirstOrThrow()).id;
  const clerkIds = {
    unit: await userIdOf('unit.jgjx'),
    bureau1: await userIdOf('bureau1'),
    bureau2: await userIdOf('bureau2'),
    rereview: await userIdOf('rereview.nxz'),
  };
  const wrong: string[] = [];
  for (const c of claims) {
    const expected: [number, string, number][] = [
      [c.userId, 'task_decided', 3],
      [c.userId, 'paid', 1],
      [clerkIds.unit, 'task_arrived', 1],
      [clerkIds.bureau1, 'task_arrived', 1],
      [clerkIds.bureau2, 'task_arrived', 1],
      [clerkIds.rereview, 'task_arrived', 1],
    ];
    for (const [u, kind, n] of expected) if (count(u, c.id, kind) !== n) wrong.push(`${c.id} user ${u} ${kind}: ${count(u, c.id, kind)} (expected ${n})`);
  }
  expect(wrong).toEqual([]);
  expect(rows).toHaveLength(CLAIMS * 8);
  second.proc.kill('SIGTERM');
});
