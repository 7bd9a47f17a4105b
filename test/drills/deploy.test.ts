/**
 * `npm run drill:deploy` (also part of `npm test`): deploying a new worker build while claims are in flight, the
 * `patched()` discipline (docs/operations.md, "Deploy: new code"). Claims are started on build A (today's
 * workflow bundle) and left waiting at every stage; build B (test/drills/deployBuildB: the certificate claim changed
 * behind `patched()`) starts polling the same task queue, build A is stopped, and every claim is decided and
 * completes on B — the claims A started keep their old path (no patch marker in their histories), claims started on
 * B take the new one. Then every recorded history (test/histories) and the histories of the drill's own claims
 * replay against B. On the CLI dev server (real time, the server's sticky-queue hand-over when A stops).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode, Worker } from '@temporalio/worker';
import { temporal } from '@temporalio/proto';
import { devServerEnv, eventually, uniqueTaskQueue } from '../helpers/temporal';
import { untilEveryClaimPaid } from '../helpers/claimWaits';
import { freshDatabase, type TestDb } from '../helpers/db';
import { startCertificateClaim } from '../helpers/claims';
import { decideClaimTask } from '../helpers/claimTasks';
import { spawnTs, type Child } from '../helpers/processes';
import type { CertificateLevel } from '../../nanxun/rules';
import { nanxunTerms } from '../../nanxun/policy/terms';
import { nanxunFirstEdition } from '../helpers/policy';

const CERTIFICATE_REWARD_YUAN = nanxunTerms(nanxunFirstEdition).certificateRewardYuan;
import { BUILD_B_PATCH } from './deployBuildB/workflows';
import { dataConverter } from '../../platform/crypto/payloadCodec';

jest.setTimeout(600_000);

const say = (m: string) => process.stdout.write(`[drill:deploy] ${m}\n`);
let env: TestWorkflowEnvironment;
let tdb: TestDb;
let dir: string;
let buildB: string;
const workers: Child[] = [];
const taskQueue = uniqueTaskQueue('deploy');

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'zj-deploy-'));
  const bundled = bundleWorkflowCode({
    workflowsPath: require.resolve('./deployBuildB/workflows'),
    logger: { info() {}, warn() {}, error() {}, debug() {}, trace() {}, log() {} } as never,
  });
  [env, tdb] = await Promise.all([devServerEnv(), freshDatabase()]);
  buildB = path.join(dir, 'workflow-bundle-B.js');
  fs.writeFileSync(buildB, (await bundled).code);
});
afterAll(async () => {
  for (const w of workers) if (w.proc.exitCode === null && w.proc.signalCode === null) w.proc.kill('SIGKILL');
  await env?.teardown();
  await tdb?.drop();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

/** A worker process of build A (today's bundle) or B, as a deploy starts one (test/reliability/workerProcess.ts). */
async function runWorker(build: 'A' | 'B') {
  const child = spawnTs('test/reliability/workerProcess.ts', [], {
    TEMPORAL_ADDRESS: env.address,
    DATABASE_URL: tdb.url,
    TASK_QUEUE: taskQueue,
    WORKFLOW_BUNDLE_PATH: build === 'A' ? process.env.WORKFLOW_BUNDLE_PATH : buildB,
  });
  workers.push(child);
  await child.waitFor(/POLLING/, 120_000);
  return {
    identity: `${child.proc.pid}@${os.hostname()}`,
    /** SIGTERM: the worker stops polling and lets its in-flight tasks finish, as a deploy stops the old build */
    async stop() {
      if (child.proc.exitCode === null && child.proc.signalCode === null) child.proc.kill('SIGTERM');
      await child.exited;
    },
  };
}

type Stage = 'unit_verification' | 'bureau_review' | 'rereview';
const STAGES: Stage[] = ['unit_verification', 'bureau_review', 'rereview'];
const DECISION: Record<Stage, [string, (l: CertificateLevel) => Record<string, unknown>]> = {
  unit_verification: ['unit.jgjx', (l) => ({ verdict: 'true', confirmedLevel: l })],
  bureau_review: ['bureau1', () => ({})],
  rereview: ['rereview.nxz', (l) => ({ amountYuan: CERTIFICATE_REWARD_YUAN[l] })],
};
type Claim = Awaited<ReturnType<typeof startCertificateClaim>> & { level: CertificateLevel; stage: Stage };
const decide = (c: Claim, stage: Stage) =>
  decideClaimTask(tdb.db, c, stage, DECISION[stage][0], { decision: 'approve', fields: DECISION[stage][1](c.level) }, { open: true });

/** the patch ids of the markers a workflow's history holds (whatever the details key: each payload names its id) */
async function markers(c: Claim): Promise<string[]> {
  const h = await c.handle.fetchHistory();
  return (h.events ?? [])
    .filter((e) => e.markerRecordedEventAttributes?.markerName === 'core_patch')
    .flatMap((e) => Object.values(e.markerRecordedEventAttributes?.details ?? {}).flatMap((p) => p.payloads ?? []))
    .map((p) => {
      const v = JSON.parse(Buffer.from(p.data ?? []).toString() || 'null') as unknown;
      return typeof v === 'string' ? v : ((v as { id?: string } | null)?.id ?? '');
    })
    .filter((id) => id !== '' && id !== 'true' && id !== 'false');
}

test('claims started on build A complete on build B after A is stopped; the recorded histories replay against B', async () => {
  const checked: string[] = [];
  // ---- build A runs; claims wait at every stage -----------------------------------------------------------------
  const a = await runWorker('A');
  const onA: Claim[] = [];
  const applicants = ['applicant1', 'applicant2'];
  for (const [i, stage] of [...STAGES, ...STAGES].entries()) {
    const level = (['junior', 'intermediate', 'senior'] as const)[i % 3]!;
    const c: Claim = { ...(await startCertificateClaim(env.client, tdb.db, taskQueue, { level, applicant: applicants[Math.floor(i / 3)]! })), level, stage };
    for (const earlier of STAGES.slice(0, STAGES.indexOf(stage))) await decide(c, earlier);
    await eventually(
      () => tdb.db.selectFrom('task').select('id').where('id', '=', c.taskId(stage)).where('state', '=', 'open').executeTakeFirst(),
      `${stage} open`,
    );
    onA.push(c);
  }
  say(`build A: ${onA.length} claims waiting, two at each of ${STAGES.join(', ')}`);

  // ---- deploy: B starts polling the same task queue, then A is stopped ---------------------------------------------
  const b = await runWorker('B');
  await a.stop();
  checked.push(`build B started beside A on task queue ${taskQueue}; build A stopped with ${onA.length} claims in flight`);

  // ---- every claim is decided and completes on B; B's change applies to claims B starts ------------------------------
  const levels = ['junior', 'intermediate'] as const;
  const onB: Claim[] = [];
  for (const level of levels) {
    onB.push({ ...(await startCertificateClaim(env.client, tdb.db, taskQueue, { level, applicant: 'applicant3' })), level, stage: 'unit_verification' });
  }
  for (const c of [...onA, ...onB]) for (const stage of STAGES.slice(STAGES.indexOf(c.stage))) await decide(c, stage);
  const all = [...onA, ...onB];
  expect(
    await untilEveryClaimPaid(
      tdb.db,
      all.map((c) => c.id),
    ),
  ).toEqual(all.map((c) => c.id).sort());
  for (const c of all) expect((await c.handle.describe()).status.name).toBe('COMPLETED');
  checked.push(`${onA.length} claims started on A and ${onB.length} started on B decided on B: all paid, one payout each, every workflow COMPLETED`);

  // the old path for A's claims (no marker of B's patch, no memo), the new one for B's
  for (const c of onA) {
    expect(await markers(c)).not.toContain(BUILD_B_PATCH);
    expect((await c.handle.describe()).memo?.startedOnBuild).toBeUndefined();
  }
  for (const c of onB) {
    expect(await markers(c)).toContain(BUILD_B_PATCH);
    expect((await c.handle.describe()).memo?.startedOnBuild).toBe('B');
  }
  // the last workflow tasks of A's claims were handled by B
  const lastWorker = async (c: Claim) =>
    (await c.handle.fetchHistory()).events?.filter((e) => e.workflowTaskCompletedEventAttributes).at(-1)?.workflowTaskCompletedEventAttributes?.identity;
  for (const c of onA) expect(await lastWorker(c)).toBe(b.identity);
  checked.push(`the claims A started kept the old path (no '${BUILD_B_PATCH}' marker, no memo); the claims B started took the new one`);
  await b.stop();

  // ---- the replay of recorded histories (test/histories) and of this drill's claims, against B ----------------------
  const histDir = path.join(__dirname, '..', 'histories');
  const recorded = fs.readdirSync(histDir).filter((f) => f.endsWith('.history.json'));
  for (const f of recorded) {
    const r = JSON.parse(fs.readFileSync(path.join(histDir, f), 'utf8')) as { workflowId: string; historyProtobufBase64: string };
    const history = temporal.api.history.v1.History.decode(Buffer.from(r.historyProtobufBase64, 'base64'));
    await Worker.runReplayHistory({ workflowBundle: { codePath: buildB } }, history, r.workflowId);
  }
  // the drill's own histories carry encrypted payloads (platform/crypto/payloadCodec.ts), as the workers wrote them
  for (const c of all)
    await Worker.runReplayHistory({ workflowBundle: { codePath: buildB }, dataConverter: dataConverter() }, await c.handle.fetchHistory(), c.handle.workflowId);
  checked.push(`${recorded.length} recorded histories and the drill's ${all.length} histories replay against B`);

  say('checked:');
  for (const c of checked) say(`  ✓ ${c}`);
});
