/**
 * `npm run bench` (`-- --short` or BENCH_SHORT=1 for CI): one run on this machine, with its own embedded
 * PostgreSQL and Temporal dev server on free ports in a temporary directory. Prints a table with the ratios and
 * writes bench-results/bench.json (bench-server.json with --engine server). See docs/performance.md for what each
 * row means and the targets.
 *
 * `--engine server` (BENCH_ENGINE=server): every row on the production topology instead (runtime/cluster.ts: the real
 * Temporal server on the same PostgreSQL, two worker processes, two API processes that the HTTP rows alternate
 * between); the ceiling is measured on that same server in the same run, and the pipeline is run a second time with
 * one worker process left.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import http from 'node:http';
import pino from 'pino';
import { sql } from 'kysely';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, Runtime, DefaultLogger } from '@temporalio/worker';
import { startEmbeddedPostgres } from '../../runtime/embeddedPostgres';
import { startTemporalDevServer } from '../../runtime/temporalDevServer';
import { freePort } from '../ports';
import { createAppWorker } from '../../runtime/workerFactory';
import { createDb } from '../../db/connection';
import { migrateToLatest } from '../../db/migrator';
import { seedDemoAccounts, seedReferenceData } from '../../db/seed';
import { createApp } from '../../api/app';
import { createTokenIssuer, tokenForUser } from '../../platform/auth/authenticate';
import { benchRelease } from './releaseFixture';
import { benchOrgImport } from './orgImport';
import { timed, pct, round } from './timing';
import { claimWorkflowId } from '../../nanxun/rules';
import { makeIdNumber } from '../../platform/identity/idNumber';
import { shanghaiDate, addDays } from '../../platform/calendar/workdays';
import { startCluster, type RunningCluster } from '../../runtime/cluster';
import { freeTemporalPorts } from '../temporalServerProcess';
import { uploadClaimMaterials } from '../../nanxun/materialsClient';
import { retryingPoster } from './retryingPoster';
import { report } from './report';
import { measureCeiling } from './ceiling';
import { pool } from './pool';
import { engineOf } from './engine';
import { claimReadRow } from './claimReadRow';
import { setFundBudget } from '../../nanxun/repositories/funds';
import { dataConverter } from '../../platform/crypto/payloadCodec';

const SHORT = process.argv.includes('--short') || process.env.BENCH_SHORT === '1';
const N = SHORT
  ? { ceiling: 60, pipeline: 48, reads: 300, inboxTasks: 100_000, inboxReads: 150, orgImport: 1_000, release: Number(process.env.BENCH_RELEASE_N ?? 300) }
  : {
      ceiling: 600,
      pipeline: 300,
      reads: 2_000,
      inboxTasks: 100_000,
      inboxReads: 500,
      orgImport: 10_000,
      release: Number(process.env.BENCH_RELEASE_N ?? 10_000),
    };
const CONCURRENCY = 24;
const ENGINE = engineOf();
/** the decision-latency row: sequential decisions timed one by one, and as many no-op Update round trips */
const DECISIONS = SHORT ? 40 : 200;
const BENCH_SECRET = 'bench-secret-0123456789abcdef0123456789';

const say = (m: string) => console.log(`[bench] ${m}`);
async function main() {
  const t00 = Date.now();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'zj-bench-'));
  fs.chmodSync(dir, 0o755);
  const stops: (() => Promise<unknown>)[] = [];
  const results: Record<string, unknown> = {
    short: SHORT,
    engine: ENGINE,
    cpus: os.cpus().length,
    node: process.version,
    at: new Date().toISOString(),
    sizes: N,
  };
  try {
    Runtime.install({ logger: new DefaultLogger('ERROR') });
    const pgPort = await freePort();
    const tPort = await freePort();
    say(
      `starting PostgreSQL (:${pgPort}) and ${ENGINE === 'dev' ? `the Temporal dev server (:${tPort})` : 'the production topology (real Temporal server, 2 workers, 2 APIs)'} in ${dir}`,
    );
    let cluster: RunningCluster | null = null;
    const [pg, temporal] = await Promise.all([
      startEmbeddedPostgres({ dataDir: path.join(dir, 'pg'), port: pgPort }),
      ENGINE === 'dev' ? startTemporalDevServer({ dataDir: path.join(dir, 'temporal'), port: tPort, uiPort: null, namespace: 'default' }) : null,
    ]);
    stops.push(() => pg.stop());
    if (temporal) stops.push(() => temporal.stop());
    else {
      cluster = await startCluster({
        dataDir: path.join(dir, 'cluster'),
        databaseUrl: pg.url,
        pgPort: 0,
        temporalPorts: await freeTemporalPorts(),
        historyShards: 4,
        namespace: 'default',
        retentionDays: 1,
        taskQueue: 'bench-app',
        workers: 2,
        apiPorts: [await freePort(), await freePort()],
        devMode: true,
        jwtSecret: BENCH_SECRET,
        // as production runs them (NODE_ENV=production, no OTLP endpoint: runtime/tracing.ts): without the span files
        // that development mode writes for every request, query and workflow task (they made every row slower)
        env: { LOG_LEVEL: 'warn', TRACING: 'off' },
        log: (m) => say(`  ${m}`),
      });
      stops.unshift(() => cluster!.stop());
      results.server = { version: cluster.temporal.binaries.version, historyShards: 4, workers: 2, apis: 2 };
    }
    const temporalAddress = temporal?.address ?? cluster!.temporal.address;
    const db = createDb(pg.url, { max: 20 });
    stops.unshift(() => db.destroy());
    await migrateToLatest(db);
    await seedReferenceData(db);
    await seedDemoAccounts(db);
    // the re-reviewing town pays every pipeline claim (up to ~150 of 1,000–3,000 yuan): more than a demo budget holds
    await setFundBudget(db, {
      orgCode: 'NX-T-NXZ',
      year: Number(shanghaiDate(new Date()).slice(0, 4)),
      budgetYuan: 100_000_000,
      setBy: 'bench',
      at: new Date(),
    });
    const nc = await NativeConnection.connect({ address: temporalAddress });
    const connection = await Connection.connect({ address: temporalAddress });
    stops.unshift(
      () => nc.close(),
      () => connection.close(),
    );
    const client = new Client({ connection, dataConverter: dataConverter() });

    // ---- 1. the raw ceiling -------------------------------------------------------------------------
    say('ceiling: bench workflow with the claim’s 4 updates and 11 activities (no-ops, 10 of them local as in the claim), no HTTP, no SQL');
    const measured = await measureCeiling({ nc, client, n: N.ceiling, warm: SHORT ? 8 : 20, concurrency: CONCURRENCY, noopUpdates: DECISIONS });
    const ceiling = measured.workflowsPerSecond;
    const noopMs = measured.noopMs;
    results.ceiling = { workflowsPerSecond: round(ceiling), workflows: N.ceiling, concurrency: CONCURRENCY };
    say(`ceiling: ${round(ceiling)} workflows/s`);

    // ---- 2. the certificate-claim pipeline over HTTP -------------------------------------------------
    const issuer = createTokenIssuer(BENCH_SECRET);
    let bases: string[];
    if (cluster) bases = cluster.apiUrls;
    else {
      const worker = await createAppWorker({ connection: nc, namespace: 'default', taskQueue: 'bench-app', db });
      const workerRun = worker.run();
      stops.unshift(async () => {
        worker.shutdown();
        await workerRun.catch(() => undefined);
      });
      const app = createApp({ db, temporal: client, tokens: issuer, log: pino({ level: 'silent' }), config: { devMode: true, taskQueue: 'bench-app' } });
      const apiPort = await freePort();
      const server = http.createServer(app);
      await new Promise<void>((r) => server.listen(apiPort, '127.0.0.1', () => r()));
      stops.unshift(
        () =>
          new Promise((r) => {
            server.closeAllConnections();
            server.close(() => r(undefined));
          }),
      );
      bases = [`http://127.0.0.1:${apiPort}`];
    }
    const base = bases[0]!;
    const tokenOf = async (username: string) => {
      const u = await db.selectFrom('app_user').selectAll().where('username', '=', username).executeTakeFirstOrThrow();
      return tokenForUser(db, issuer, u);
    };
    const clerk = { unit: await tokenOf('unit.jgjx'), bureau: await tokenOf('bureau1'), rereview: await tokenOf('rereview.nxz') };
    // claim numbers: the pipeline, its warm-up, the one-worker pipeline (server engine), the decision row
    // a full wave of CONCURRENCY claims first: every API and worker process has run the whole path (JIT, caches,
    // pools) before the timed claims; with 10 a two-worker run was timed half cold (docs/performance.md)
    const WARM = SHORT ? CONCURRENCY : 2 * CONCURRENCY;
    const ONE_WORKER_AT = N.pipeline + WARM;
    const DECISIONS_AT = ONE_WORKER_AT + N.pipeline;
    const people = Math.ceil((DECISIONS_AT + DECISIONS) / 3);
    const users = await db
      .insertInto('app_user')
      .values(
        Array.from({ length: people }, (_, i) => ({
          username: `bench${i}`,
          password_hash: 'x',
          display_name: `申请人${i}`,
          roles: ['applicant'],
          org_code: null,
          id_number: makeIdNumber(`33050319700${1 + (i % 9)}${10 + (i % 18)}${String(100 + (i % 162) + Math.floor(i / 162) * 162).slice(-3)}`),
          phone: '13800000000',
        })),
      )
      .returningAll()
      .execute();
    const applicantTokens = await Promise.all(users.map((u) => tokenForUser(db, issuer, u)));
    const today = shanghaiDate(new Date());
    const poster = retryingPoster(bases);
    const post = poster.post;
    const levels = ['junior', 'intermediate', 'senior'];
    // a certificate claim as an applicant submits it: the required materials uploaded first
    const submitClaim = async (i: number, prefix: string) =>
      post('/api/v1/nanxun/claims', applicantTokens[Math.floor(i / 3)]!, {
        kind: 'certificate',
        employerOrgCode: 'NX-E-JGJX',
        certificate: { number: `${prefix}${i}`, level: levels[i % 3], issuedOn: addDays(today, -40), receivedOn: addDays(today, -30) },
        materials: await uploadClaimMaterials(base, applicantTokens[Math.floor(i / 3)]!, 'certificate'),
      });
    const claimOne = async (i: number) => {
      const created = await submitClaim(i, 'B');
      const wf = claimWorkflowId(created.applicationNo as string);
      await post(`/api/v1/tasks/${wf}~unit_verification/decision`, clerk.unit, { decision: 'approve' });
      await post(`/api/v1/tasks/${wf}~bureau_review/decision`, clerk.bureau, { decision: 'approve' });
      const last = await post(`/api/v1/tasks/${wf}~rereview/decision`, clerk.rereview, { decision: 'approve' });
      let status = (last.subject as { status: string }).status;
      // an answer replayed from Postgres after a 503 may predate the payout: the claim counts once it is paid
      for (const until = Date.now() + 180_000; ['rereview', 'payout'].includes(status) && Date.now() < until; ) {
        await new Promise((r) => setTimeout(r, 250));
        status = (
          await db
            .selectFrom('claim')
            .select('status')
            .where('id', '=', created.id as string)
            .executeTakeFirstOrThrow()
        ).status;
      }
      if (status !== 'paid') throw new Error(`claim ${created.id} ended ${status}`);
      return created.id as string;
    };
    say(`pipeline: ${N.pipeline} claims over HTTP (submit + 3 decisions + payout), ${CONCURRENCY} at a time`);
    const warmIds: string[] = [];
    await pool(
      Array.from({ length: WARM }, (_, i) => N.pipeline + i),
      CONCURRENCY,
      async (i) => void (warmIds[i - N.pipeline] = await claimOne(i)),
    );
    let t0 = performance.now();
    await pool(
      Array.from({ length: N.pipeline }, (_, i) => i),
      CONCURRENCY,
      async (i) => void (await claimOne(i)),
    );
    const pipeline = N.pipeline / ((performance.now() - t0) / 1000);
    results.pipeline = { claimsPerSecond: round(pipeline), claims: N.pipeline, ratioToCeiling: round(pipeline / ceiling, 3) };
    say(`pipeline: ${round(pipeline)} claims/s = ${round((100 * pipeline) / ceiling, 1)} % of the ceiling`);
    if (cluster && cluster.workers.length > 1) {
      // the same pipeline with one worker process left
      await cluster.workers[1]!.stop();
      t0 = performance.now();
      await pool(
        Array.from({ length: N.pipeline }, (_, i) => ONE_WORKER_AT + i),
        CONCURRENCY,
        async (i) => void (await claimOne(i)),
      );
      const oneWorker = N.pipeline / ((performance.now() - t0) / 1000);
      (results.pipeline as Record<string, unknown>).oneWorker = { claimsPerSecond: round(oneWorker), ratioToCeiling: round(oneWorker / ceiling, 3) };
      say(`pipeline with one worker process: ${round(oneWorker)} claims/s = ${round((100 * oneWorker) / ceiling, 1)} % of the ceiling`);
    }

    // ---- 2b. a clerk's decision: POST decision latency, one at a time, against a no-op Update's round trip ----
    say(`decision: ${DECISIONS} unit verifications decided one at a time`);
    const decisionMs: number[] = [];
    for (let k = 0; k < DECISIONS; k++) {
      const i = DECISIONS_AT + k;
      const created = await submitClaim(i, 'D');
      const wf = claimWorkflowId(created.applicationNo as string);
      const t = performance.now();
      await post(`/api/v1/tasks/${wf}~unit_verification/decision`, clerk.unit, { decision: 'approve' });
      decisionMs.push(performance.now() - t);
    }
    results.decision = {
      decision: { p50: round(pct(decisionMs, 50)), p99: round(pct(decisionMs, 99)) },
      noopUpdate: { p50: round(pct(noopMs, 50)), p99: round(pct(noopMs, 99)) },
      ratioP50: round(pct(decisionMs, 50) / pct(noopMs, 50)),
      ratioP99: round(pct(decisionMs, 99) / pct(noopMs, 99)),
      decisions: DECISIONS,
    };
    results.retried503 = poster.retried503;
    results.retried404 = poster.retried404;
    say(`decision: p50 ${round(pct(decisionMs, 50))} ms vs a no-op Update ${round(pct(noopMs, 50))} ms`);

    // ---- 3. claim read vs a bare route (tools/bench/claimReadRow.ts) -------------------------------------
    const reads = await claimReadRow({ db, base, claimId: warmIds[0]!, token: applicantTokens[Math.floor(N.pipeline / 3)]!, n: N.reads });
    stops.unshift(reads.stop);
    results.claimRead = reads.result;
    say(`claim read: p50 ${reads.result.claim.p50} ms vs bare ${reads.result.bare.p50} ms`);

    // ---- 4. the task inbox with 100,000 tasks stored --------------------------------------------------
    say(`inbox: storing ${N.inboxTasks} tasks`);
    const orgs = (await db.selectFrom('org').select('code').execute()).map((o) => o.code);
    await sql`
      insert into task (id, kind, state, subject_type, subject_id, subject_ref, workflow_id, org_code, role, subject_person_id, opened_at, updated_at, decided_at, decision)
      select 'bench-task-' || g,
             (array['unit_verification','bureau_review','rereview'])[1 + g % 3],
             case when g % 10 = 0 then 'open' else 'done' end,
             'nanxun_claim', 'bench-claim-' || g, 'NX-ZS-BENCH-' || g, 'bench-wf-' || g,
             case when g % 3 = 1 then 'NX-YJGLJ' else (${sql.val(orgs)}::text[])[1 + g % ${sql.lit(orgs.length)}] end,
             (array['unit_verifier','bureau_reviewer','rereviewer'])[1 + g % 3],
             null, now() - (g || ' seconds')::interval, now(),
             case when g % 10 = 0 then null else now() end,
             case when g % 10 = 0 then null else 'approve' end
        from generate_series(1, ${sql.lit(N.inboxTasks)}) g`.execute(db);
    await sql`analyze task`.execute(db);
    const inboxUrl = `${base}/api/v1/tasks?state=open`;
    await timed(inboxUrl, { authorization: `Bearer ${clerk.bureau}` }, 20);
    const inboxMs = await timed(inboxUrl, { authorization: `Bearer ${clerk.bureau}` }, N.inboxReads);
    const openForBureau = await db
      .selectFrom('task')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .where('org_code', '=', 'NX-YJGLJ')
      .where('state', '=', 'open')
      .executeTakeFirstOrThrow();
    results.inbox = {
      tasksStored: N.inboxTasks,
      openForBureau: Number(openForBureau.n),
      p50: round(pct(inboxMs, 50)),
      p99: round(pct(inboxMs, 99)),
      requests: N.inboxReads,
    };
    say(`inbox: p50 ${round(pct(inboxMs, 50))} ms, p99 ${round(pct(inboxMs, 99))} ms`);

    // ---- 4b. the organisation CSV import (dry run, then the import in one transaction) ----------------------
    results.orgImport = await benchOrgImport({ base, token: await tokenOf('admin'), n: N.orgImport, say });

    // ---- 5. the yearly release of 10,000 due instalments ------------------------------------------------
    const rel = await benchRelease({
      db,
      databaseUrl: pg.url,
      dir,
      port: await freePort(),
      n: N.release,
      say,
      temporalAddress: cluster?.temporal.address,
      workers: cluster ? 2 : 1,
    });
    results.release = {
      ...rel,
      value: rel.seconds,
      note: `${rel.seconds} s until all ${rel.instalments} tasks open (${rel.released} released; setup ${rel.setupSeconds} s; ${cluster ? 'the real server on PostgreSQL' : 'in-memory Temporal'})`,
    };

    // ---- 6. worker memory with open workflows: the release row's worker process, read from /proc --------------
    results.workerMemory = {
      openWorkflows: rel.instalments,
      idleRssMb: rel.memory.idleMb,
      waitingRssMb: rel.memory.waitingMb,
      openRssMb: rel.memory.openMb,
      kbPerWorkflow: round(((rel.memory.openMb - rel.memory.idleMb) * 1024) / rel.instalments, 1),
      workerProcesses: rel.memory.workers,
      note: `the worker${rel.memory.workers > 1 ? ` processes together (${rel.memory.workers}, sharing the workflows)` : ' alone'} (runtime/worker.ts in its own process, every workflow in a cache); Temporal and PostgreSQL are separate processes`,
    };
  } finally {
    for (const s of stops) await s().catch(() => undefined);
    fs.rmSync(dir, { recursive: true, force: true });
  }

  // ---- report ------------------------------------------------------------------------------------------
  results.seconds = round((Date.now() - t00) / 1000, 1);
  report(results, { short: SHORT, engine: ENGINE });
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error('[bench] failed:', err);
    process.exit(1);
  },
);
