/**
 * Where the time of POST /api/v1/tasks/:id/decision goes (docs/performance.md, "a clerk's decision"): one process,
 * one embedded PostgreSQL, the Temporal dev server, the app's worker and API in-process, as the bench's dev engine.
 * Decides PROFILE_N unit verifications one at a time, as the bench's decision row does, and reports per decision:
 *   - the POST's round trip, and a no-op Update's round trip on the same server (the bench's ratio);
 *   - the Update alone (the client's executeUpdate, timed by a client interceptor);
 *   - each activity the worker ran meanwhile (local or not), by name: count per decision and ms;
 *   - from the workflow's history: the workflow task that took the decision (started → completed).
 *
 * and the phases of each decision on one clock: the route before the Update, the server until the workflow task is
 * handed out, the two activations around the local activity, the server until the Update is answered, the route after.
 *
 *   npx tsx tools/bench/profileDecision.ts [--engine dev|server]     (PROFILE_N=40 by default)
 *
 * `--engine server`: the real Temporal server (tools/temporalServer.ts, PostgreSQL persistence and visibility in the
 * same embedded PostgreSQL, 4 history shards) instead of the dev server; the worker and API stay in this process.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import http from 'node:http';
import pino from 'pino';
import { sql } from 'kysely';
import { Client, Connection, type WorkflowClientInterceptor } from '@temporalio/client';
import { NativeConnection, Runtime, DefaultLogger } from '@temporalio/worker';
import type { ActivityInboundCallsInterceptor } from '@temporalio/worker';
import type { Context as ActivityContext } from '@temporalio/activity';
import { temporal } from '@temporalio/proto';
import { startEmbeddedPostgres } from '../../runtime/embeddedPostgres';
import { startTemporalDevServer } from '../../runtime/temporalDevServer';
import { createAppWorker } from '../../runtime/workerFactory';
import { freePort } from '../ports';
import { createDb } from '../../db/connection';
import { migrateToLatest } from '../../db/migrator';
import { seedDemoAccounts, seedReferenceData } from '../../db/seed';
import { createApp } from '../../api/app';
import { createTokenIssuer, tokenForUser } from '../../platform/auth/authenticate';
import { claimWorkflowId } from '../../nanxun/rules';
import { shanghaiDate, addDays } from '../../platform/calendar/workdays';
import { uploadClaimMaterials } from '../../nanxun/materialsClient';
import { makeIdNumber } from '../../platform/identity/idNumber';
import { measureCeiling } from './ceiling';
import { engineOf, startBenchTemporalServer } from './engine';
import { pct } from './timing';
import { dataConverter } from '../../platform/crypto/payloadCodec';

const N = Number(process.env.PROFILE_N ?? 40);
const SECRET = 'bench-secret-0123456789abcdef0123456789';
const say = (m: string) => console.log(`[profile] ${m}`);
const r2 = (x: number) => Math.round(x * 100) / 100;
const EventType = temporal.api.enums.v1.EventType;
const ENGINE = engineOf();

async function main() {
  Runtime.install({ logger: new DefaultLogger('ERROR') });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'zj-profile-'));
  fs.chmodSync(dir, 0o755);
  const pg = await startEmbeddedPostgres({ dataDir: path.join(dir, 'pg'), port: await freePort() });
  const dev =
    ENGINE === 'dev'
      ? await startTemporalDevServer({ dataDir: path.join(dir, 'temporal'), port: await freePort(), uiPort: null, namespace: 'default' })
      : await startBenchTemporalServer(dir, pg.url, say);
  say(`engine: ${ENGINE} at ${dev.address}`);
  const db = createDb(pg.url, { max: 20 });
  let server: http.Server | null = null;
  try {
    await migrateToLatest(db);
    await seedReferenceData(db);
    await seedDemoAccounts(db);
    const nc = await NativeConnection.connect({ address: dev.address });
    /** true while a timed decision is under way: the interceptors record only then */
    let recording = false;
    const updateMs: number[] = [];
    /** wall-clock marks (ms since the epoch, the server's history uses the same clock) of the decision under way */
    const marks: Record<string, number> = {};
    const phases = new Map<string, number[]>();
    const timing: WorkflowClientInterceptor = {
      async startUpdate(input, next) {
        const t = performance.now();
        marks.updateSent = Date.now();
        const out = await next(input);
        marks.updateBack = Date.now();
        if (recording) updateMs.push(performance.now() - t);
        return out;
      },
    };
    const client = new Client({
      connection: await Connection.connect({ address: dev.address }),
      interceptors: { workflow: [timing] },
      dataConverter: dataConverter(),
    });
    const plain = new Client({ connection: client.connection, dataConverter: dataConverter() });
    const { noopMs } = await measureCeiling({ nc, client: plain, n: 20, warm: 5, concurrency: 4, noopUpdates: N });

    const activityMs = new Map<string, number[]>();
    const timed = (ctx: ActivityContext): ActivityInboundCallsInterceptor => ({
      async execute(input, next) {
        const t = performance.now();
        marks.laStart = Date.now();
        try {
          return await next(input);
        } finally {
          marks.laEnd = Date.now();
          if (recording) {
            const name = `${ctx.info.activityType}${ctx.info.isLocal ? ' (local)' : ''}`;
            activityMs.set(name, [...(activityMs.get(name) ?? []), performance.now() - t]);
          }
        }
      },
    });
    const worker = await createAppWorker({
      connection: nc,
      namespace: 'default',
      taskQueue: 'profile-app',
      db,
      extra: { interceptors: { activity: [(ctx) => ({ inbound: timed(ctx) })] } },
    });
    const running = worker.run();
    const app = createApp({
      db,
      temporal: client,
      tokens: createTokenIssuer(SECRET),
      log: pino({ level: 'silent' }),
      config: { devMode: true, taskQueue: 'profile-app' },
    });
    const port = await freePort();
    server = http.createServer(app);
    await new Promise<void>((r) => server!.listen(port, '127.0.0.1', () => r()));
    const base = `http://127.0.0.1:${port}`;
    const issuer = createTokenIssuer(SECRET);
    const tokenOf = async (username: string) =>
      tokenForUser(db, issuer, await db.selectFrom('app_user').selectAll().where('username', '=', username).executeTakeFirstOrThrow());
    const unit = await tokenOf('unit.jgjx');
    const applicant = await tokenOf('applicant1');
    let keySeq = 0;
    // every POST carries an Idempotency-Key, as the bench's client (retryingPoster.ts) and the contract's clients send
    const post = async (p: string, token: string, body: unknown) => {
      const res = await fetch(`${base}${p}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'idempotency-key': `profile-${process.pid}-${++keySeq}` },
        body: JSON.stringify(body),
      });
      const json = (await res.json()) as Record<string, unknown>;
      if (!res.ok) throw new Error(`${p}: ${res.status} ${JSON.stringify(json)}`);
      return json;
    };
    const today = shanghaiDate(new Date());
    const levels = ['junior', 'intermediate', 'senior'];
    const decisionMs: number[] = [];
    const wftMs: number[] = [];
    /** PostgreSQL transactions that wrote (each got a transaction id, each one a commit to the WAL) per decision */
    const writeTx: number[] = [];
    for (let k = 0; k < N + 5; k++) {
      // one person holds one claim per level: cancel nothing, use a fresh applicant every 3 claims
      const who = k < 3 ? applicant : await freshApplicant(db, issuer, k);
      const created = await post('/api/v1/nanxun/claims', who, {
        kind: 'certificate',
        employerOrgCode: 'NX-E-JGJX',
        certificate: { number: `P${k}`, level: levels[k % 3], issuedOn: addDays(today, -40), receivedOn: addDays(today, -30) },
        materials: await uploadClaimMaterials(base, who, 'certificate'),
      });
      const wf = claimWorkflowId(created.applicationNo as string);
      await waitForTask(db, `${wf}~unit_verification`);
      recording = k >= 5;
      const xidBefore = await nextXid(db);
      const t = performance.now();
      marks.postSent = Date.now();
      await post(`/api/v1/tasks/${wf}~unit_verification/decision`, unit, { decision: 'approve' });
      marks.postBack = Date.now();
      if (recording) decisionMs.push(performance.now() - t);
      if (recording) writeTx.push((await nextXid(db)) - xidBefore);
      recording = false;
      if (k >= 5) {
        const w = await decidingWorkflowTask(client, wf);
        wftMs.push(w.completed - w.started);
        const m: Record<string, number> = { ...marks, ...w };
        const order: [string, string, string][] = [
          ['route before the Update', 'postSent', 'updateSent'],
          ['Update sent → task scheduled (server)', 'updateSent', 'scheduled'],
          ['scheduled → started (poll)', 'scheduled', 'started'],
          ['started → local activity starts (activation 1)', 'started', 'laStart'],
          ['local activity', 'laStart', 'laEnd'],
          ['LA done → task completed (activation 2, RPC, persist)', 'laEnd', 'completed'],
          ['task completed → Update answered', 'completed', 'updateBack'],
          ['route after the Update', 'updateBack', 'postBack'],
        ];
        for (const [name, a, b] of order) phases.set(name, [...(phases.get(name) ?? []), m[b]! - m[a]!]);
      }
    }
    worker.shutdown();
    await running;

    const row = (name: string, xs: number[]) =>
      say(`  ${name.padEnd(46)} p50 ${r2(pct(xs, 50)).toFixed(2).padStart(7)}  p99 ${r2(pct(xs, 99)).toFixed(2).padStart(7)}`);
    say(`${N} decisions, one at a time (ms):`);
    row('POST decision (HTTP round trip)', decisionMs);
    row('  the decide Update (client executeUpdate)', updateMs);
    row('  the deciding workflow task (history)', wftMs);
    row('no-op Update round trip (same server)', noopMs);
    say('phases of a decision (wall clock, ms; history times are whole ms):');
    for (const [name, xs] of phases) row(`  ${name}`, xs);
    say('activities run during the decisions (count per decision, ms each):');
    for (const [name, xs] of activityMs)
      say(
        `  ${name.padEnd(40)} ${r2(xs.length / N)
          .toFixed(2)
          .padStart(5)}×  p50 ${r2(pct(xs, 50)).toFixed(2).padStart(6)}`,
      );
    say(`writing transactions (commits) per decision: p50 ${pct(writeTx, 50)}, max ${Math.max(...writeTx)}`);
    say(
      `${ENGINE} engine: POST ÷ no-op p50 ${r2(pct(decisionMs, 50) / pct(noopMs, 50))}×, p99 ${r2(pct(decisionMs, 99) / pct(noopMs, 99))}×; load average ${os
        .loadavg()
        .map((x) => x.toFixed(1))
        .join(' ')}`,
    );
    await nc.close();
    await client.connection.close();
  } finally {
    if (server) {
      server.closeAllConnections();
      server.close();
    }
    await db.destroy();
    await dev.stop();
    await pg.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

async function freshApplicant(db: ReturnType<typeof createDb>, issuer: ReturnType<typeof createTokenIssuer>, k: number): Promise<string> {
  const u = await db
    .insertInto('app_user')
    .values({
      username: `profile${k}`,
      password_hash: 'x',
      display_name: `申请人${k}`,
      roles: ['applicant'],
      org_code: null,
      id_number: makeIdNumber(`33050319800101${String(100 + k).slice(-3)}`),
      phone: '13800000000',
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  return tokenForUser(db, issuer, u);
}

/** the next transaction id PostgreSQL will assign (reading it assigns none): the difference counts writing transactions */
async function nextXid(db: ReturnType<typeof createDb>): Promise<number> {
  const r = await sql<{ x: string }>`select pg_snapshot_xmax(pg_current_snapshot())::text as x`.execute(db);
  return Number(r.rows[0]!.x);
}

async function waitForTask(db: ReturnType<typeof createDb>, id: string): Promise<void> {
  for (let i = 0; i < 400; i++) {
    const t = await db.selectFrom('task').select('state').where('id', '=', id).executeTakeFirst();
    if (t?.state === 'open') return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`task ${id} never opened`);
}

/** scheduled, started and completed (ms since the epoch) of the workflow task that accepted the decide Update */
async function decidingWorkflowTask(client: Client, workflowId: string): Promise<{ scheduled: number; started: number; completed: number }> {
  const history = await client.workflow.getHandle(workflowId).fetchHistory();
  const events = history.events ?? [];
  const last = (type: number) => events.map((e) => e.eventType).lastIndexOf(type);
  const accepted = last(EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED);
  const done = last(EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_COMPLETED);
  const ms = (e: (typeof events)[number]) => Number(e.eventTime!.seconds) * 1000 + Math.floor((e.eventTime!.nanos ?? 0) / 1e6);
  let started = accepted;
  while (started > 0 && events[started]!.eventType !== EventType.EVENT_TYPE_WORKFLOW_TASK_STARTED) started--;
  let completed = done;
  while (completed > 0 && events[completed]!.eventType !== EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED) completed--;
  let from = started;
  while (from > 0 && events[from]!.eventType !== EventType.EVENT_TYPE_WORKFLOW_TASK_SCHEDULED) from--;
  if (process.env.PROFILE_EVENTS) {
    const t0 = ms(events[from]!);
    say(
      events
        .slice(from, done + 3)
        .map((e) => `${EventType[e.eventType!]?.replace('EVENT_TYPE_', '')} +${ms(e) - t0}`)
        .join(', '),
    );
  }
  return { scheduled: ms(events[from]!), started: ms(events[started]!), completed: ms(events[completed]!) };
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error('[profile] failed:', err);
    process.exit(1);
  },
);
