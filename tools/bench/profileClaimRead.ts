/**
 * Where the time of GET /api/v1/nanxun/claims/:id goes (docs/performance.md, "claim read"): one process, one
 * embedded PostgreSQL, one pool, one claim shaped like the bench's (a paid certificate claim: 3 decided tasks,
 * 10 timeline rows, 1 instalment, 1 payout). Measures, sequentially over real HTTP like the bench:
 *   - the bench's bare route, and the bare route with one piece of the real stack added at a time
 *     (helmet, the metrics timer, pino-http silent / at info to /dev/null, JWT verification);
 *   - the real route (createApp), with its logger silent (as the bench runs it) and at info to /dev/null;
 * and in-process (no HTTP): the SQL, the JWT verification and the JSON serialisation, in µs per call; with the
 * projection (migration 0006), also what its triggers add to an activity's transaction and the rebuild alone.
 * PROFILE_ONLY=short keeps the bare route, the projection-only route and the real route.
 *
 *   npx tsx tools/bench/profileClaimRead.ts            (PROFILE_N=1500 requests per row by default)
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import http from 'node:http';
import express, { type RequestHandler } from 'express';
import helmet from 'helmet';
import pino from 'pino';
import { pinoHttp } from 'pino-http';
import { randomUUID, webcrypto } from 'node:crypto';
import { jwtVerify } from 'jose';
import { sql } from 'kysely';
import { Client, Connection } from '@temporalio/client';
import { startEmbeddedPostgres } from '../../runtime/embeddedPostgres';
import { freePort } from '../ports';
import { createDb } from '../../db/connection';
import { migrateToLatest } from '../../db/migrator';
import { seedDemoAccounts, seedReferenceData } from '../../db/seed';
import { createApp } from '../../api/app';
import { authenticate, createTokenIssuer, tokenForUser } from '../../platform/auth/authenticate';
import { createSessionStore } from '../../platform/auth/sessions';
import { createApiMetrics } from '../../api/metrics';
import { claimWorkflowId } from '../../nanxun/rules';
import { calendarFor, presentClaimView, projectedClaimView } from '../../nanxun/claimView';
import { readClaim, readClaimQuery } from '../../nanxun/claimRead';
import { Pool } from 'pg';
import { timed, pct } from './timing';
import { dataConverter } from '../../platform/crypto/payloadCodec';

const N = Number(process.env.PROFILE_N ?? 1500);
const SECRET = 'bench-secret-0123456789abcdef0123456789';
const say = (m: string) => console.log(`[profile] ${m}`);
const r2 = (x: number) => Math.round(x * 100) / 100;

async function micro(n: number, fn: () => unknown): Promise<number> {
  for (let i = 0; i < 200; i++) await fn();
  const t0 = performance.now();
  for (let i = 0; i < n; i++) await fn();
  return ((performance.now() - t0) / n) * 1000;
}

async function main() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'zj-profile-'));
  fs.chmodSync(dir, 0o755);
  const pg = await startEmbeddedPostgres({ dataDir: path.join(dir, 'pg'), port: await freePort() });
  const db = createDb(pg.url, { max: 20 });
  /** a plain pg pool beside Kysely's, for the statement without the query builder and the PII plugin */
  const pool = new Pool({ connectionString: pg.url, max: 2 });
  const servers: http.Server[] = [];
  try {
    await migrateToLatest(db);
    await seedReferenceData(db);
    await seedDemoAccounts(db);

    // ---- a claim shaped like the bench's: submitted, 3 decisions, paid ----------------------------------
    const u = await db.selectFrom('app_user').selectAll().where('username', '=', 'applicant1').executeTakeFirstOrThrow();
    const id = randomUUID();
    const applicationNo = 'NX-ZS-2026-PROFILE';
    const wf = claimWorkflowId(applicationNo);
    const t = (min: number) => new Date(Date.now() - 3600_000 + min * 60_000).toISOString();
    await db
      .insertInto('claim')
      .values({
        id,
        application_no: applicationNo,
        kind: 'certificate',
        workflow_id: wf,
        applicant_user_id: u.id,
        applicant_name: u.display_name,
        applicant_id_number: u.id_number!,
        applicant_phone: u.phone ?? '',
        employer_org_code: 'NX-E-JGJX',
        position: null,
        employer_nature: null,
        level: 'junior',
        amount_yuan: 1000,
        status: 'paid',
        stage: 'payout',
        rereview_org_code: 'NX-T-NXZ',
        form: JSON.stringify({ kind: 'certificate', certificate: { number: 'B1', level: 'junior', issuedOn: '2026-10-01', receivedOn: '2026-10-10' } }),
        submitted_at: t(0),
        updated_at: t(9),
        closed_at: t(9),
      })
      .execute();
    await db
      .insertInto('instalment')
      .values({ claim_id: id, year_no: 1, amount_yuan: 1000, status: 'paid', workflow_id: wf, paid_at: t(9), updated_at: t(9) })
      .execute();
    const stages = [
      ['unit_verification', 'NX-E-JGJX', 'unit_verifier', 'unit.jgjx'],
      ['bureau_review', 'NX-YJGLJ', 'bureau_reviewer', 'bureau1'],
      ['rereview', 'NX-T-NXZ', 'rereviewer', 'rereview.nxz'],
    ] as const;
    const cal = JSON.stringify({ years: [{ year: 2026, version: 1, source: 'chinese-days' }], provisional: false });
    for (const [i, [kind, org, role, who]] of stages.entries()) {
      await db
        .insertInto('task')
        .values({
          id: `${wf}/${kind}`,
          kind,
          state: 'done',
          subject_type: 'nanxun_claim',
          subject_id: id,
          subject_ref: applicationNo,
          workflow_id: wf,
          org_code: org,
          role,
          subject_person_id: u.id_number,
          opened_at: t(1 + 2 * i),
          sla_working_days: 5,
          due_on: '2026-12-31',
          due_at: '2026-12-31T15:59:59.999Z',
          warn_at: '2026-12-29T16:00:00.000Z',
          due_calendar: cal,
          decided_at: t(2 + 2 * i),
          decided_by: who,
          decision: 'approve',
          comment: null,
          decision_data: JSON.stringify({}),
          updated_at: t(2 + 2 * i),
        })
        .execute();
      for (const [j, event] of (['task_opened', 'decided'] as const).entries()) {
        await db
          .insertInto('timeline')
          .values({
            event_key: `${wf}/${kind}/${event}`,
            subject_type: 'nanxun_claim',
            subject_id: id,
            stage: kind,
            org_code: org,
            actor: j ? who : 'system',
            actor_name: j ? who : '系统',
            event,
            decision: j ? 'approve' : null,
            comment: null,
            data: JSON.stringify(j ? { taskId: `${wf}/${kind}` } : { taskId: `${wf}/${kind}`, kind, dueOn: '2026-12-31', dueProvisional: false }),
            at: t(1 + 2 * i + j),
          })
          .execute();
      }
    }
    const p = await db
      .insertInto('payout')
      .values({ claim_id: id, instalment_no: 1, amount_yuan: 1000, fund_org_code: 'NX-T-NXZ', fund_year: 2026, paid_at: t(9), approved_by: 'rereview.nxz' })
      .returning('id')
      .executeTakeFirstOrThrow();
    for (const [k, ev] of ['submitted', 'paid', 'closed_paid', 'notice'].entries()) {
      await db
        .insertInto('timeline')
        .values({
          event_key: `${wf}/${ev}`,
          subject_type: 'nanxun_claim',
          subject_id: id,
          stage: 'payout',
          org_code: k === 1 ? 'NX-T-NXZ' : null,
          actor: 'system',
          actor_name: '系统',
          event: ev,
          decision: null,
          comment: k === 1 ? '发放奖励金 1000 元（第 1 期）' : null,
          data: JSON.stringify({ instalmentNo: 1, amountYuan: 1000, payoutId: p.id }),
          at: t(8 + k / 10),
        })
        .execute();
    }
    await sql`analyze`.execute(db);

    const hasProjection =
      (await sql<{ n: number }>`select count(*)::int as n from information_schema.tables where table_name = 'claim_view'`.execute(db)).rows[0]!.n > 0;
    // ---- the apps ----------------------------------------------------------------------------------------
    const issuer = createTokenIssuer(SECRET);
    const token = await tokenForUser(db, issuer, u);
    const devNull = pino({ level: 'info' }, pino.destination({ dest: '/dev/null', sync: false }));
    const temporal = new Client({ connection: Connection.lazy({ address: '127.0.0.1:1' }), dataConverter: dataConverter() });
    // server-side time of each request (arrival to the response's last byte handed to the socket), per server
    const serverMs = new Map<string, number[]>();
    const listen = async (app: express.Express) => {
      const port = await freePort();
      const times: number[] = [];
      serverMs.set(`http://127.0.0.1:${port}`, times);
      const s = http.createServer((req, res) => {
        const t0 = performance.now();
        res.once('finish', () => times.push(performance.now() - t0));
        app(req, res);
      });
      await new Promise<void>((r) => s.listen(port, '127.0.0.1', () => r()));
      servers.push(s);
      return `http://127.0.0.1:${port}`;
    };
    const bareWith = (...mw: RequestHandler[]) => {
      const app = express();
      for (const m of mw) app.use(m);
      app.get('/bare/claims/:id', async (req, res) => {
        res.json(await db.selectFrom('claim').selectAll().where('id', '=', req.params.id).executeTakeFirst());
      });
      return app;
    };
    const rows: [string, string, Record<string, string>][] = [];
    const add = async (name: string, app: express.Express, urlPath: string, headers: Record<string, string> = {}) =>
      rows.push([name, `${await listen(app)}${urlPath}`, headers]);
    const bearer = { authorization: `Bearer ${token}` };
    await add('bare (the bench: select * from claim)', bareWith(), `/bare/claims/${id}`);
    await add('bare + helmet', bareWith(helmet()), `/bare/claims/${id}`);
    await add('bare + metrics timer', bareWith(createApiMetrics(db, { defaultMetrics: false }).middleware), `/bare/claims/${id}`);
    await add('bare + pino-http (silent)', bareWith(pinoHttp({ logger: pino({ level: 'silent' }) })), `/bare/claims/${id}`);
    await add('bare + pino-http (info → /dev/null)', bareWith(pinoHttp({ logger: devNull })), `/bare/claims/${id}`);
    await add('bare + JWT verification + session check', bareWith(authenticate(issuer, createSessionStore(db))), `/bare/claims/${id}`, bearer);
    const viewer = { userId: u.id, username: u.username, displayName: u.display_name, roles: u.roles, orgCode: null, idNumber: u.id_number };
    const projectionOnly = express();
    projectionOnly.get('/p/claims/:id', async (req, res) => {
      const found = (await projectedClaimView(db, req.params.id))!;
      res.json(presentClaimView(found.view, found.access, viewer, await calendarFor(db, found.view)));
    });
    if (hasProjection) await add('projection read + present, no middleware', projectionOnly, `/p/claims/${id}`);
    const real = (log: pino.Logger) => createApp({ db, temporal, tokens: issuer, log, config: { devMode: true, taskQueue: 'profile' } });
    await add('real route, logger silent (as the bench)', real(pino({ level: 'silent' })), `/api/v1/nanxun/claims/${id}`, bearer);
    await add('real route, logger info → /dev/null', real(devNull), `/api/v1/nanxun/claims/${id}`, bearer);

    if (process.env.PROFILE_ONLY === 'real') rows.splice(0, rows.length - 2);
    if (process.env.PROFILE_ONLY === 'short') rows.splice(1, rows.length - 3 - (hasProjection ? 1 : 0));
    const results: Record<string, { p50: number; p99: number; mean: number }> = {};
    for (const [_name, url, headers] of rows) await timed(url, headers, 100); // warm-up, every row
    // interleaved rounds, so load from other processes hits every row alike
    for (const t of serverMs.values()) t.length = 0;
    const samples = new Map<string, number[]>(rows.map(([n]) => [n, []]));
    const ROUNDS = 5;
    for (let round = 0; round < ROUNDS; round++) {
      for (const [name, url, headers] of rows) samples.get(name)!.push(...(await timed(url, headers, Math.ceil(N / ROUNDS))));
    }
    const bare = samples.get(rows[0]![0])!;
    say(`HTTP, ${N} sequential requests per row (5 interleaved rounds), ms:`);
    for (const [name] of rows) {
      const xs = samples.get(name)!;
      const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
      results[name] = { p50: r2(pct(xs, 50)), p99: r2(pct(xs, 99)), mean: r2(mean) };
      const server = serverMs.get(new URL(rows.find(([n]) => n === name)![1]).origin)!;
      say(
        `  ${name.padEnd(44)} p50 ${r2(pct(xs, 50)).toFixed(2).padStart(6)}  p99 ${r2(pct(xs, 99)).toFixed(2).padStart(6)}  mean ${r2(mean).toFixed(2).padStart(6)}   p50 ÷ bare ${r2(pct(xs, 50) / pct(bare, 50))}×   server-side p50 ${r2(pct(server, 50)).toFixed(2)}`,
      );
    }

    // ---- in-process, no HTTP ---------------------------------------------------------------------------
    const secretBytes = new TextEncoder().encode(SECRET);
    const secretKey = webcrypto.subtle.importKey('raw', secretBytes, { name: 'HMAC', hash: 'SHA-256' }, false, ['verify']);
    const realRes = await fetch(
      rows.find(([n]) => n.startsWith('real route, logger silent'))?.[1] ?? `${await listen(real(pino({ level: 'silent' })))}/api/v1/nanxun/claims/${id}`,
      { headers: bearer },
    );
    const body = await realRes.json();
    const bareRow = await db.selectFrom('claim').selectAll().where('id', '=', id).executeTakeFirst();
    const us: Record<string, number> = {
      'select * from claim where id = $1': await micro(2000, () => db.selectFrom('claim').selectAll().where('id', '=', id).executeTakeFirst()),
      'the json_agg query of the route (before 0006)': await micro(2000, () =>
        sql`select claim.*,
              (select coalesce(json_agg(t order by t.at, t.id), '[]') from timeline t where t.subject_id = claim.id and t.subject_type = 'nanxun_claim') as timeline,
              (select coalesce(json_agg(k order by k.opened_at), '[]') from task k where k.subject_id = claim.id and k.subject_type = 'nanxun_claim') as tasks,
              (select coalesce(json_agg(p order by p.instalment_no), '[]') from payout p where p.claim_id = claim.id) as payouts,
              (select coalesce(json_agg(i order by i.year_no), '[]') from instalment i where i.claim_id = claim.id) as instalments,
              (select coalesce(json_agg(json_build_object('code', o.code, 'name', o.name)), '[]') from org o
                where o.code = claim.employer_org_code or o.code = claim.rereview_org_code or o.code in (select org_code from timeline where subject_id = claim.id)) as orgs
            from claim where claim.id = ${id} or claim.application_no = ${id}`.execute(db),
      ),
      'JWT verification, issuer.verify (as the app)': await micro(5000, () => issuer.verify(token)),
      'jose jwtVerify, raw secret bytes (before)': await micro(3000, () => jwtVerify(token, secretBytes, { issuer: 'zj-approvals', algorithms: ['HS256'] })),
      'jose jwtVerify, imported CryptoKey': await micro(3000, async () => jwtVerify(token, await secretKey, { issuer: 'zj-approvals', algorithms: ['HS256'] })),
      'JSON.stringify of the claim view': await micro(5000, () => JSON.stringify(body)),
      'JSON.stringify of the bare row': await micro(5000, () => JSON.stringify(bareRow)),
    };
    const hasView = await sql<{ n: number }>`select count(*)::int as n from information_schema.tables where table_name = 'claim_view'`.execute(db);
    if (hasView.rows[0]!.n) {
      us['projectedClaimView: one row of claim_view (after 0006)'] = await micro(2000, () => projectedClaimView(db, id));
      us["readClaim: the route's one statement (view, materials, basis)"] = await micro(2000, () => readClaim(db, id));
      const compiled = readClaimQuery(db, id).compile();
      us['the same statement, raw (no Kysely, no PII plugin)'] = await micro(2000, () => pool.query(compiled.sql, compiled.parameters as unknown[]));
    }
    if (hasView.rows[0]!.n) {
      // the write side: what the projection's triggers add to an activity's transaction (a task transition:
      // the task row and its timeline row), and the rebuild alone
      // on copies of the fixture claim (one per transaction), so every claim keeps a realistic timeline (~11 rows)
      const COPIES = 1400;
      await sql`insert into claim select 'copy-' || g, 'NX-COPY-' || g, kind, 'copy-wf-' || g, null, applicant_name, 'P' || g, applicant_phone, employer_org_code,
                  position, employer_nature, level, amount_yuan, paid_yuan, status, stage, rereview_org_code, form, submitted_at, updated_at, closed_at, close_reason
                  from claim, generate_series(1, ${COPIES}) g where id = ${id}`.execute(db);
      await sql`insert into task select 'copy-' || g || '/' || kind, kind, state, subject_type, 'copy-' || g, subject_ref, workflow_id, org_code, role, subject_person_id, opened_at, sla_working_days,
                  due_on, due_at, warn_at, due_provisional, due_calendar, warned_at, overdue_at, paused_at, decided_at, decided_by, decision, comment, decision_data, updated_at
                  from task, generate_series(1, ${COPIES}) g where subject_id = ${id}`.execute(db);
      await sql`insert into timeline (event_key, subject_type, subject_id, stage, org_code, actor, actor_name, event, decision, comment, data, at)
                select event_key || '-' || g, subject_type, 'copy-' || g, stage, org_code, actor, actor_name, event, decision, comment, data, at
                  from timeline, generate_series(1, ${COPIES}) g where subject_id = ${id}`.execute(db);
      await sql`insert into instalment select 'copy-' || g, year_no, amount_yuan, status, workflow_id, due_on, released_at, release_id, paid_at, cancelled_reason, updated_at
                  from instalment, generate_series(1, ${COPIES}) g where claim_id = ${id}`.execute(db);
      await sql`analyze`.execute(db);
      let k = 0;
      const transition = () =>
        db.transaction().execute(async (trx) => {
          const i = 1 + (k++ % COPIES);
          await trx
            .updateTable('task')
            .set({ comment: `c${i}`, updated_at: new Date() })
            .where('id', '=', `copy-${i}/rereview`)
            .execute();
          await trx
            .insertInto('timeline')
            .values({
              event_key: `copy-${i}/w${k}`,
              subject_type: 'nanxun_claim',
              subject_id: `copy-${i}`,
              stage: 'rereview',
              org_code: 'NX-T-NXZ',
              actor: 'system',
              actor_name: '系统',
              event: 'deadline_warning',
              decision: null,
              comment: null,
              data: JSON.stringify({ dueOn: '2026-12-31' }),
              at: new Date(),
            })
            .execute();
        });
      us['task transition tx, projection triggers on'] = await micro(500, transition);
      await sql`alter table task disable trigger claim_view_on_task`.execute(db);
      await sql`alter table task disable trigger claim_view_on_task_update`.execute(db);
      await sql`alter table timeline disable trigger claim_view_on_timeline`.execute(db);
      us['task transition tx, projection triggers off'] = await micro(500, transition);
      await sql`alter table task enable trigger claim_view_on_task`.execute(db);
      await sql`alter table task enable trigger claim_view_on_task_update`.execute(db);
      await sql`alter table timeline enable trigger claim_view_on_timeline`.execute(db);
      us['select claim_view_build(id) (the rebuild alone, 10 timeline rows)'] = await micro(500, () => sql`select claim_view_build(${id})`.execute(db));
      us['select 1 (a round trip)'] = await micro(500, () => sql`select 1`.execute(db));
    }
    say('in-process, µs per call:');
    for (const [k, v] of Object.entries(us)) say(`  ${k.padEnd(48)} ${r2(v).toFixed(1).padStart(8)}`);
    say(`response sizes: claim view ${JSON.stringify(body).length} B, bare row ${JSON.stringify(bareRow).length} B`);
    fs.mkdirSync('bench-results', { recursive: true });
    fs.writeFileSync(
      'bench-results/profileClaimRead.json',
      `${JSON.stringify({ at: new Date().toISOString(), n: N, http: results, microUs: us, loadavg: os.loadavg() }, null, 2)}\n`,
    );
    say(
      `load average ${os
        .loadavg()
        .map((x) => x.toFixed(1))
        .join(' ')}`,
    );
  } finally {
    for (const s of servers) {
      s.closeAllConnections();
      s.close();
    }
    await db.destroy();
    await pool.end();
    await pg.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error('[profile] failed:', err);
    process.exit(1);
  },
);
