/**
 * `npm run bench` (`-- --short` or BENCH_SHORT=1 for CI): one run on this machine, with its own embedded
 * PostgreSQL and Temporal dev server on free ports in a temporary directory. Prints a table with the ratios and
 * writes bench-results/bench.json. See docs/performance.md for what each row means and the targets.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import http from 'node:http';
import express from 'express';
import pino from 'pino';
import { sql } from 'kysely';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, Runtime, DefaultLogger, Worker } from '@temporalio/worker';
import { startEmbeddedPostgres } from '../../runtime/embeddedPostgres';
import { startTemporalDevServer } from '../../runtime/temporalDevServer';
import { freePort } from '../ports';
import { createAppWorker } from '../../runtime/workerFactory';
import { ROOT } from '../../runtime/config';
import { createDb } from '../../db/connection';
import { migrateToLatest } from '../../db/migrator';
import { seedDemoAccounts, seedReferenceData } from '../../db/seed';
import { createApp } from '../../api/app';
import { createTokenIssuer } from '../../platform/auth/authenticate';
import { benchRelease } from './releaseFixture';
import { timed, pct, round } from './timing';
import { claimWorkflowId } from '../../nanxun/rules';
import { makeIdNumber } from '../../platform/identity/idNumber';
import { shanghaiDate, addDays } from '../../platform/calendar/workdays';
import { uploadRequiredMaterials } from '../../platform/materials/httpClient';

const SHORT = process.argv.includes('--short') || process.env.BENCH_SHORT === '1';
const N = SHORT
  ? { ceiling: 60, pipeline: 30, reads: 300, inboxTasks: 100_000, inboxReads: 150, release: Number(process.env.BENCH_RELEASE_N ?? 300) }
  : { ceiling: 600, pipeline: 300, reads: 2_000, inboxTasks: 100_000, inboxReads: 500, release: Number(process.env.BENCH_RELEASE_N ?? 10_000) };
const CONCURRENCY = 24;

const say = (m: string) => console.log(`[bench] ${m}`);
async function pool<T>(items: T[], n: number, fn: (t: T, i: number) => Promise<void>) {
  let next = 0;
  await Promise.all(
    Array.from({ length: n }, async () => {
      while (next < items.length) {
        const i = next++;
        await fn(items[i]!, i);
      }
    }),
  );
}

async function main() {
  const t00 = Date.now();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'zj-bench-'));
  fs.chmodSync(dir, 0o755);
  const stops: (() => Promise<unknown>)[] = [];
  const results: Record<string, unknown> = { short: SHORT, cpus: os.cpus().length, node: process.version, at: new Date().toISOString(), sizes: N };
  try {
    Runtime.install({ logger: new DefaultLogger('ERROR') });
    const pgPort = await freePort();
    const tPort = await freePort();
    say(`starting PostgreSQL (:${pgPort}) and the Temporal dev server (:${tPort}) in ${dir}`);
    const [pg, temporal] = await Promise.all([
      startEmbeddedPostgres({ dataDir: path.join(dir, 'pg'), port: pgPort }),
      startTemporalDevServer({ dataDir: path.join(dir, 'temporal'), port: tPort, uiPort: null, namespace: 'default' }),
    ]);
    stops.push(() => pg.stop(), () => temporal.stop());
    const db = createDb(pg.url, { max: 20 });
    stops.unshift(() => db.destroy());
    await migrateToLatest(db);
    await seedReferenceData(db);
    await seedDemoAccounts(db);
    const nc = await NativeConnection.connect({ address: temporal.address });
    const connection = await Connection.connect({ address: temporal.address });
    stops.unshift(() => nc.close(), () => connection.close());
    const client = new Client({ connection });

    // ---- 1. the raw ceiling -------------------------------------------------------------------------
    say('ceiling: bench workflow with the claim’s 4 updates and 11 activities (no-ops), no HTTP, no SQL');
    const ceilingWorker = await Worker.create({
      connection: nc,
      taskQueue: 'bench-ceiling',
      workflowsPath: require.resolve('./ceilingWorkflow'),
      activities: { noop: async () => undefined },
    });
    const ceilingRun = ceilingWorker.run();
    const { benchDecide, benchSettled } = await import('./ceilingWorkflow');
    const ceilingOne = async (id: string) => {
      const h = await client.workflow.start('ceilingWorkflow', { taskQueue: 'bench-ceiling', workflowId: id });
      await h.executeUpdate(benchSettled);
      for (let s = 0; s < 3; s++) await h.executeUpdate(benchDecide, { args: ['approve'] });
      await h.result();
    };
    await pool(Array.from({ length: SHORT ? 8 : 20 }, (_, i) => `warm-${i}`), CONCURRENCY, (id) => ceilingOne(id));
    let t0 = performance.now();
    await pool(Array.from({ length: N.ceiling }, (_, i) => `ceiling-${i}`), CONCURRENCY, (id) => ceilingOne(id));
    const ceiling = N.ceiling / ((performance.now() - t0) / 1000);
    ceilingWorker.shutdown();
    await ceilingRun;
    results.ceiling = { workflowsPerSecond: round(ceiling), workflows: N.ceiling, concurrency: CONCURRENCY };
    say(`ceiling: ${round(ceiling)} workflows/s`);

    // ---- 2. the certificate-claim pipeline over HTTP -------------------------------------------------
    const worker = await createAppWorker({ connection: nc, namespace: 'default', taskQueue: 'bench-app', db });
    const workerRun = worker.run();
    stops.unshift(async () => {
      worker.shutdown();
      await workerRun.catch(() => undefined);
    });
    const issuer = createTokenIssuer('bench-secret-0123456789abcdef0123456789');
    const app = createApp({ db, temporal: client, tokens: issuer, log: pino({ level: 'silent' }), config: { devMode: true, taskQueue: 'bench-app' } });
    const apiPort = await freePort();
    const server = http.createServer(app);
    await new Promise<void>((r) => server.listen(apiPort, '127.0.0.1', () => r()));
    stops.unshift(() => new Promise((r) => { server.closeAllConnections(); server.close(() => r(undefined)); }));
    const base = `http://127.0.0.1:${apiPort}`;
    const tokenOf = async (username: string) => {
      const u = await db.selectFrom('app_user').selectAll().where('username', '=', username).executeTakeFirstOrThrow();
      return issuer.sign({ userId: u.id, username: u.username, displayName: u.display_name, roles: u.roles, orgCode: u.org_code, idNumber: u.id_number });
    };
    const clerk = { unit: await tokenOf('unit.jgjx'), bureau: await tokenOf('bureau1'), rereview: await tokenOf('rereview.nxz') };
    const people = Math.ceil((N.pipeline + 30) / 3);
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
    const applicantTokens = await Promise.all(users.map((u) => issuer.sign({ userId: u.id, username: u.username, displayName: u.display_name, roles: u.roles, orgCode: null, idNumber: u.id_number })));
    const today = shanghaiDate(new Date());
    const post = async (p: string, token: string, body: unknown) => {
      const r = await fetch(`${base}${p}`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
      const json = (await r.json()) as Record<string, unknown>;
      if (r.status >= 300) throw new Error(`${p}: ${r.status} ${JSON.stringify(json)}`);
      return json;
    };
    const levels = ['junior', 'intermediate', 'senior'];
    const claimOne = async (i: number) => {
      const created = await post('/api/v1/nanxun/claims', applicantTokens[Math.floor(i / 3)]!, {
        kind: 'certificate',
        employerOrgCode: 'NX-E-JGJX',
        certificate: { number: `B${i}`, level: levels[i % 3], issuedOn: addDays(today, -40), receivedOn: addDays(today, -30) },
        materials: await uploadRequiredMaterials(base, applicantTokens[Math.floor(i / 3)]!, 'nanxun_claim', 'certificate'),
      });
      const wf = claimWorkflowId(created.applicationNo as string);
      await post(`/api/v1/tasks/${encodeURIComponent(`${wf}/unit_verification`)}/decision`, clerk.unit, { decision: 'approve' });
      await post(`/api/v1/tasks/${encodeURIComponent(`${wf}/bureau_review`)}/decision`, clerk.bureau, { decision: 'approve' });
      const last = await post(`/api/v1/tasks/${encodeURIComponent(`${wf}/rereview`)}/decision`, clerk.rereview, { decision: 'approve' });
      const status = (last.subject as { status: string }).status;
      if (status !== 'paid') throw new Error(`claim ${created.id} ended ${status}`);
      return created.id as string;
    };
    say(`pipeline: ${N.pipeline} claims over HTTP (submit + 3 decisions + payout), ${CONCURRENCY} at a time`);
    const warmIds: string[] = [];
    const WARM = SHORT ? 10 : 30;
    await pool(Array.from({ length: WARM }, (_, i) => N.pipeline + i), CONCURRENCY, async (i) => void (warmIds[i - N.pipeline] = await claimOne(i)));
    t0 = performance.now();
    await pool(Array.from({ length: N.pipeline }, (_, i) => i), CONCURRENCY, async (i) => void (await claimOne(i)));
    const pipeline = N.pipeline / ((performance.now() - t0) / 1000);
    results.pipeline = { claimsPerSecond: round(pipeline), claims: N.pipeline, ratioToCeiling: round(pipeline / ceiling, 3), target: '>= 0.40' };
    say(`pipeline: ${round(pipeline)} claims/s = ${round((100 * pipeline) / ceiling, 1)} % of the ceiling`);

    // ---- 3. claim read vs a bare route ---------------------------------------------------------------
    const bare = express();
    bare.get('/bare/claims/:id', async (req, res) => {
      res.json(await db.selectFrom('claim').selectAll().where('id', '=', req.params.id).executeTakeFirst());
    });
    const barePort = await freePort();
    const bareServer = http.createServer(bare);
    await new Promise<void>((r) => bareServer.listen(barePort, '127.0.0.1', () => r()));
    stops.unshift(() => new Promise((r) => { bareServer.closeAllConnections(); bareServer.close(() => r(undefined)); }));
    const claimId = warmIds[0]!;
    const ownerToken = applicantTokens[Math.floor(N.pipeline / 3)]!;
    const readUrl = `${base}/api/v1/nanxun/claims/${claimId}`;
    const bareUrl = `http://127.0.0.1:${barePort}/bare/claims/${claimId}`;
    await timed(readUrl, { authorization: `Bearer ${ownerToken}` }, 50);
    await timed(bareUrl, {}, 50);
    // alternating, one of each in turn: a burst of other load on the machine falls on both routes alike
    const claimMs: number[] = [];
    const bareMs: number[] = [];
    for (let i = 0; i < N.reads; i++) {
      claimMs.push(...(await timed(readUrl, { authorization: `Bearer ${ownerToken}` }, 1)));
      bareMs.push(...(await timed(bareUrl, {}, 1)));
    }
    results.claimRead = {
      claim: { p50: round(pct(claimMs, 50)), p99: round(pct(claimMs, 99)) },
      bare: { p50: round(pct(bareMs, 50)), p99: round(pct(bareMs, 99)) },
      ratioP50: round(pct(claimMs, 50) / pct(bareMs, 50)),
      ratioP99: round(pct(claimMs, 99) / pct(bareMs, 99)),
      requests: N.reads,
      target: '<= 1.5',
    };
    say(`claim read: p50 ${round(pct(claimMs, 50))} ms vs bare ${round(pct(bareMs, 50))} ms`);

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
    const openForBureau = await db.selectFrom('task').select((eb) => eb.fn.countAll<string>().as('n')).where('org_code', '=', 'NX-YJGLJ').where('state', '=', 'open').executeTakeFirstOrThrow();
    results.inbox = { tasksStored: N.inboxTasks, openForBureau: Number(openForBureau.n), p50: round(pct(inboxMs, 50)), p99: round(pct(inboxMs, 99)), requests: N.inboxReads, target: 'p99 <= 50 ms' };
    say(`inbox: p50 ${round(pct(inboxMs, 50))} ms, p99 ${round(pct(inboxMs, 99))} ms`);

    // ---- 5. the yearly release of 10,000 due instalments ------------------------------------------------
    const rel = await benchRelease({ db, databaseUrl: pg.url, dir, port: await freePort(), n: N.release, say });
    results.release = { ...rel, value: rel.seconds, note: `${rel.seconds} s until all ${rel.instalments} tasks open (${rel.released} released; setup ${rel.setupSeconds} s; in-memory Temporal)`, target: '<= 120 s' };

    // ---- 6. worker memory with open workflows: the release row's worker process, read from /proc --------------
    results.workerMemory = {
      openWorkflows: rel.instalments,
      idleRssMb: rel.memory.idleMb,
      waitingRssMb: rel.memory.waitingMb,
      openRssMb: rel.memory.openMb,
      kbPerWorkflow: round(((rel.memory.openMb - rel.memory.idleMb) * 1024) / rel.instalments, 1),
      note: 'the worker alone (runtime/worker.ts in its own process, every workflow in its cache); Temporal and PostgreSQL are separate processes',
    };
  } finally {
    for (const s of stops) await s().catch(() => undefined);
    fs.rmSync(dir, { recursive: true, force: true });
  }

  // ---- report ------------------------------------------------------------------------------------------
  results.seconds = round((Date.now() - t00) / 1000, 1);
  const r = results as Record<string, any>;
  const rows: [string, string, string, string][] = [
    ['raw ceiling (4 updates + 11 no-op activities)', `${r.ceiling.workflowsPerSecond} workflows/s`, '', ''],
    ['certificate-claim pipeline over HTTP', `${r.pipeline.claimsPerSecond} claims/s`, `${round(r.pipeline.ratioToCeiling * 100, 1)} % of ceiling`, `>= 40 % ${r.pipeline.ratioToCeiling >= 0.4 ? 'OK' : 'MISSED'}`],
    ['GET claim p50 / p99 (ms)', `${r.claimRead.claim.p50} / ${r.claimRead.claim.p99}`, `bare ${r.claimRead.bare.p50} / ${r.claimRead.bare.p99}`, ''],
    ['  claim read ÷ bare route', `p50 ${r.claimRead.ratioP50}× p99 ${r.claimRead.ratioP99}×`, '', `<= 1.5× ${r.claimRead.ratioP50 <= 1.5 ? 'OK' : 'MISSED'}`],
    [`task inbox, ${r.inbox.tasksStored} tasks stored (ms)`, `p50 ${r.inbox.p50} / p99 ${r.inbox.p99}`, `${r.inbox.openForBureau} open for the bureau`, `p99 <= 50 ms ${r.inbox.p99 <= 50 ? 'OK' : 'MISSED'}`],
    [`yearly release of ${r.release.instalments} instalments`, r.release.note, '', '<= 120 s (10,000)'],
    [`worker memory, ${r.workerMemory.openWorkflows} open workflows`, `RSS ${r.workerMemory.openRssMb} MB`, `idle ${r.workerMemory.idleRssMb} MB, ${r.workerMemory.kbPerWorkflow} KB per workflow`, ''],
  ];
  const w = [0, 1, 2, 3].map((i) => Math.max(...rows.map((x) => x[i]!.length)));
  console.log(`\nbenchmark (${SHORT ? 'short' : 'full'} mode, ${os.cpus().length} CPUs, ${results.seconds} s)`);
  for (const row of rows) console.log(`  ${row.map((c, i) => c.padEnd(w[i]!)).join('  │  ')}`);
  const outDir = path.join(ROOT, 'bench-results');
  fs.mkdirSync(outDir, { recursive: true });
  fs.writeFileSync(path.join(outDir, 'bench.json'), `${JSON.stringify(results, null, 2)}\n`);
  console.log(`\nwritten to bench-results/bench.json`);
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error('[bench] failed:', err);
    process.exit(1);
  },
);
