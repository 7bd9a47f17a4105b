/**
 * `npm run drill:upgrade`: the engine upgrade walk rehearsed on the production topology (runtime/cluster.ts: the
 * real Temporal server on PostgreSQL, worker and API processes). The cluster starts on v1.29.1 (the release
 * production ran); work is put in flight — certificate claims waiting at every stage (unit verification, bureau
 * review, re-review), a shortage-talent claim whose second instalment waits for the yearly release, a title-review
 * session accepting applications — and the server is walked one minor release at a time to the pinned one
 * (tools/upgradeTemporalServer.ts: stop, `temporal-sql-tool update-schema`, the new binary), with the workers and
 * the API running throughout. On each new release more claims are put at every stage. After the walk every claim
 * is decided to its payout (one payout each), the release opens the waiting instalment and it is paid, and the
 * session takes a change of meeting date. It prints what it checked and writes test-results/drill-upgrade.json.
 *
 * Not in `npm test` (it builds four server releases the first time: 4-7 min each on 2 cores); docs/operations.md
 * records its last full result.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes, randomUUID } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import { dropDatabases, freshDatabase, type TestDb } from '../helpers/db';
import { eventually } from '../helpers/temporal';
import { untilEveryClaimPaid, untilInstalmentScheduled } from '../helpers/claimWaits';
import { startCertificateClaim, startShortageClaim, actor } from '../helpers/claims';
import { decideClaimTask } from '../helpers/claimTasks';
import { startCluster, type RunningCluster } from '../../runtime/cluster';
import { freeTemporalPorts } from '../../tools/temporalServerProcess';
import { TEMPORAL_SERVER_VERSION, TEMPORAL_UPGRADE_PATH } from '../../tools/temporalServer';
import { provisionUpgradePath, walkUpgrade, type UpgradeStep } from '../../tools/upgradeTemporalServer';
import { freePort } from '../../tools/ports';
import { INSTALMENT_RELEASE_SCHEDULE_ID } from '../../runtime/schedules';
import { addMonths, addWorkingDays, shanghaiDate } from '../../platform/calendar/workdays';
import { loadCalendar } from '../../platform/calendar/calendarTable';
import type { CertificateLevel } from '../../nanxun/rules';
import { nanxunTerms } from '../../nanxun/policy/terms';
import { nanxunFirstEdition } from '../helpers/policy';

const CERTIFICATE_REWARD_YUAN = nanxunTerms(nanxunFirstEdition).certificateRewardYuan;
import { makeIdNumber } from '../../platform/identity/idNumber';
import { titleSessionWorkflowId } from '../../titleReview/rules';
import { moveMeetingUpdate } from '../../titleReview/workflows/messages';
import { dataConverter } from '../../platform/crypto/payloadCodec';

jest.setTimeout(3_600_000);

const say = (m: string) => process.stdout.write(`[drill:upgrade] ${m}\n`);
const FROM = TEMPORAL_UPGRADE_PATH[0];
let tdb: TestDb;
let dir: string;
let cluster: RunningCluster;
let connection: Connection;
let client: Client;
const suffix = randomBytes(4).toString('hex');
const temporalDbs = { main: `temporal_up_${suffix}`, visibility: `temporal_upvis_${suffix}` };
const taskQueue = `upgrade-${suffix}`;

beforeAll(async () => {
  // every release of the walk is built (or found in the cache) before anything starts
  const t0 = Date.now();
  await provisionUpgradePath(FROM, say);
  say(`releases ${TEMPORAL_UPGRADE_PATH.join(', ')} provisioned in ${((Date.now() - t0) / 1000).toFixed(0)} s`);
  tdb = await freshDatabase();
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'zj-upgrade-'));
  cluster = await startCluster({
    dataDir: dir,
    databaseUrl: tdb.url,
    pgPort: 0,
    temporalPorts: await freeTemporalPorts(),
    temporalDatabases: temporalDbs,
    temporalVersion: FROM,
    historyShards: 4,
    namespace: 'default',
    retentionDays: 1,
    taskQueue,
    workers: 2,
    apiPorts: [await freePort()],
    devMode: true,
    jwtSecret: 'drill-secret-for-the-upgrade-walk-0123456789',
    workflowBundlePath: process.env.WORKFLOW_BUNDLE_PATH,
    env: { LOG_LEVEL: 'warn' },
    log: say,
  });
  connection = await Connection.connect({ address: cluster.temporal.address });
  client = new Client({ connection, dataConverter: dataConverter() });
});

afterAll(async () => {
  await connection?.close().catch(() => undefined);
  await cluster?.stop();
  await tdb?.drop();
  if (tdb) await dropDatabases(Object.values(temporalDbs));
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

const serverVersion = async () => {
  const r = await fetch(`${cluster.apiUrls[0]}/healthz`);
  return ((await r.json()) as { temporal?: { serverVersion?: string } }).temporal?.serverVersion;
};

type Stage = 'unit_verification' | 'bureau_review' | 'rereview';
const STAGES: Stage[] = ['unit_verification', 'bureau_review', 'rereview'];
const LEVEL: Record<Stage, CertificateLevel> = { unit_verification: 'junior', bureau_review: 'intermediate', rereview: 'senior' };
const DECISION: Record<Stage, [string, (l: CertificateLevel) => Record<string, unknown>]> = {
  unit_verification: ['unit.jgjx', (l) => ({ verdict: 'true', confirmedLevel: l })],
  bureau_review: ['bureau1', () => ({})],
  rereview: ['rereview.nxz', (l) => ({ amountYuan: CERTIFICATE_REWARD_YUAN[l] })],
};
type Claim = Awaited<ReturnType<typeof startCertificateClaim>> & { level: CertificateLevel; stage: Stage; startedOn: string };
const claims: Claim[] = [];
let applicantSeq = 0;

/** An applicant of their own for each claim (one claim of a kind and level per person). */
async function newApplicant(): Promise<string> {
  const n = ++applicantSeq;
  const username = `upgrade${n}`;
  await tdb.db
    .insertInto('app_user')
    .values({
      username,
      password_hash: 'x',
      display_name: `升级演练申请人${n}`,
      roles: ['applicant'],
      org_code: null,
      id_number: makeIdNumber(`3305031981${String(n).padStart(2, '0')}15${String(300 + n)}`),
      phone: '13800000000',
    })
    .execute();
  return username;
}

async function decide(c: Claim, stage: Stage) {
  const [user, fields] = DECISION[stage];
  await decideClaimTask(tdb.db, c, stage, user, { decision: 'approve', fields: fields(c.level) }, { open: true });
}

/** One certificate claim waiting at each stage, started on the release that runs now. */
async function claimsAtEveryStage(release: string) {
  for (const stage of STAGES) {
    const level = LEVEL[stage];
    const c: Claim = {
      ...(await startCertificateClaim(client, tdb.db, taskQueue, { level, applicant: await newApplicant() })),
      level,
      stage,
      startedOn: release,
    };
    for (const earlier of STAGES.slice(0, STAGES.indexOf(stage))) await decide(c, earlier);
    await eventually(
      () => tdb.db.selectFrom('task').select('id').where('id', '=', c.taskId(stage)).where('state', '=', 'open').executeTakeFirst(),
      `${stage} open`,
      60_000,
    );
    claims.push(c);
  }
}

test(`the walk ${TEMPORAL_UPGRADE_PATH.join(' → ')} with work in flight: every case progresses and completes on ${TEMPORAL_SERVER_VERSION}`, async () => {
  const checked: string[] = [];
  expect(await serverVersion()).toBe(FROM);

  // ---- work in flight on the old release ----------------------------------------------------------------------
  await claimsAtEveryStage(FROM);
  const shortage = await startShortageClaim(client, tdb.db, taskQueue, {
    applicant: await newApplicant(),
    employer: 'NX-E-SLJS',
    importedFirstPaidOn: addMonths(shanghaiDate(new Date()), -12),
  });
  await untilInstalmentScheduled(tdb.db, shortage.id, 2);
  const sessionId = randomUUID();
  const today = shanghaiDate(new Date());
  const { cal } = await loadCalendar(tdb.db, Number(today.slice(0, 4)), Number(today.slice(0, 4)) + 2);
  const meetingDate = addWorkingDays(today, 60, cal).date;
  const session = await client.workflow.start('titleSessionWorkflow', {
    taskQueue,
    workflowId: titleSessionWorkflowId(Number(meetingDate.slice(0, 4)), 'senior'),
    args: [
      {
        sessionId,
        year: Number(meetingDate.slice(0, 4)),
        level: 'senior',
        meetingDate,
        record: {
          id: sessionId,
          year: Number(meetingDate.slice(0, 4)),
          level: 'senior',
          meetingDate,
          workflowId: titleSessionWorkflowId(Number(meetingDate.slice(0, 4)), 'senior'),
          createdBy: 'office1',
          createdAt: new Date().toISOString(),
        },
      },
    ],
  });
  await eventually(() => tdb.db.selectFrom('zj_session').select('id').where('id', '=', sessionId).executeTakeFirst(), 'the session recorded', 60_000);
  say(`on v${FROM}: ${claims.length} certificate claims (one at each stage), a shortage-talent claim waiting for year 2, a title session accepting`);

  // ---- the walk, one minor release at a time, the workers and the API running throughout -------------------------
  const steps: UpgradeStep[] = await walkUpgrade(cluster.temporal, say, async (step) => {
    expect(await eventually(async () => ((await serverVersion()) === step.to ? step.to : null), `the API sees v${step.to}`, 60_000)).toBe(step.to);
    await claimsAtEveryStage(step.to);
    checked.push(
      `v${step.from} → v${step.to}: schema updated and the new binary serving in ${step.seconds.toFixed(1)} s; /healthz reports ${step.to}; 3 more claims put at every stage on it`,
    );
  });
  expect(steps.map((s) => s.to)).toEqual(TEMPORAL_UPGRADE_PATH.slice(1));
  expect(await serverVersion()).toBe(TEMPORAL_SERVER_VERSION);

  // ---- after the walk: every case progresses and completes ---------------------------------------------------------
  const t0 = Date.now();
  for (const c of claims) for (const stage of STAGES.slice(STAGES.indexOf(c.stage))) await decide(c, stage);
  const paid = await untilEveryClaimPaid(
    tdb.db,
    claims.map((c) => c.id),
    180_000,
  );
  expect(paid).toEqual(claims.map((c) => c.id).sort());
  for (const c of claims) expect((await c.handle.describe()).status.name).toBe('COMPLETED');
  checked.push(
    `${claims.length} certificate claims (started on ${[...new Set(claims.map((c) => c.startedOn))].join(', ')}, waiting at every stage) decided on ${TEMPORAL_SERVER_VERSION}: all paid, exactly one payout each, every workflow COMPLETED`,
  );

  await client.schedule.getHandle(INSTALMENT_RELEASE_SCHEDULE_ID).trigger();
  for (const [k, u, f] of [
    ['y2/unit_verification', 'unit.sljs', { verdict: 'true' }],
    ['y2/bureau_review', 'bureau1', {}],
    ['y2/rereview', 'rereview.zjj', { amountYuan: 3000 }],
  ] as const) {
    await eventually(
      () => tdb.db.selectFrom('task').select('id').where('id', '=', shortage.taskId(k)).where('state', '=', 'open').executeTakeFirst(),
      `${k} open`,
      120_000,
    );
    await decideClaimTask(tdb.db, shortage, k, u, { decision: 'approve', fields: f }, { open: true });
  }
  await eventually(
    () =>
      tdb.db
        .selectFrom('instalment')
        .select('status')
        .where('claim_id', '=', shortage.id)
        .where('year_no', '=', 2)
        .where('status', '=', 'paid')
        .executeTakeFirst(),
    'the second instalment paid',
    120_000,
  );
  expect(await tdb.db.selectFrom('payout').select('claim_id').where('claim_id', '=', shortage.id).where('instalment_no', '=', 2).execute()).toHaveLength(1);
  checked.push(
    `the shortage-talent claim that waited through the walk: the release Schedule (created on ${FROM}) opened year 2 on ${TEMPORAL_SERVER_VERSION}, decided and paid once; the claim waits for year 3`,
  );

  const later = addWorkingDays(meetingDate, 5, cal).date;
  await session.executeUpdate(moveMeetingUpdate, { args: [{ actor: await actor(tdb.db, 'office1'), meetingDate: later, reason: '升级演练：会议改期' }] });
  const row = await tdb.db.selectFrom('zj_session').select(['meeting_date', 'status']).where('id', '=', sessionId).executeTakeFirstOrThrow();
  expect(row.meeting_date).toBe(later);
  expect((await session.describe()).status.name).toBe('RUNNING');
  checked.push(
    `the title session opened on ${FROM} took a change of meeting date on ${TEMPORAL_SERVER_VERSION} (${meetingDate} → ${later}); it keeps accepting`,
  );
  const afterSeconds = (Date.now() - t0) / 1000;

  say('checked:');
  for (const c of checked) say(`  ✓ ${c}`);
  const result = {
    date: new Date().toISOString(),
    machine: `${os.cpus().length} cores, ${Math.round(os.totalmem() / 2 ** 30)} GiB, load average ${os.loadavg()[0]!.toFixed(1)}`,
    path: TEMPORAL_UPGRADE_PATH,
    steps,
    claims: claims.length,
    completionAfterWalkSeconds: afterSeconds,
    checked,
  };
  fs.mkdirSync(path.join(__dirname, '..', '..', 'test-results'), { recursive: true });
  fs.writeFileSync(path.join(__dirname, '..', '..', 'test-results', 'drill-upgrade.json'), `${JSON.stringify(result, null, 2)}\n`);
});
