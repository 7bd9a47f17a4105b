/**
 * The bench's release and worker-memory rows: N shortage-talent claims whose first instalment was paid a year ago
 * (brought over from the paper records), each waiting in its workflow for the second year's release; then one
 * release run, timed until every second-year unit verification task is open. Runs on its own in-memory Temporal dev
 * server, so the rows measure the release and the workflows, not the SQLite file's fsync of the embedded default.
 * The worker is the real one (`runtime/worker.ts`) in a process of its own (two on the real server, as the production
 * topology runs them: they share the release's workflows), as production runs it, so its memory is
 * read from /proc: before any workflow exists, with N workflows waiting, and with N open tasks.
 */
import path from 'node:path';
import fs from 'node:fs';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import { Client, Connection } from '@temporalio/client';
import type { Database } from '../../db/schema';
import { startTemporalDevServer } from '../../runtime/temporalDevServer';
import { ROOT } from '../../runtime/config';
import { claimWorkflowId } from '../../nanxun/rules';
import { makeIdNumber } from '../../platform/identity/idNumber';
import { addMonths, shanghaiDate } from '../../platform/calendar/workdays';
import { dataConverter } from '../../platform/crypto/payloadCodec';

/** resident memory of a process, in MB (Linux /proc) */
function rssMb(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Math.round(Number(m[1]) / 102.4) / 10 : NaN;
}

/** `runtime/worker.ts` in a child process; resolves once it polls */
async function startWorkerProcess(env: Record<string, string>, logFile: string): Promise<{ child: ChildProcess; stop: () => Promise<void> }> {
  const log = fs.openSync(logFile, 'a');
  // a 6 GB heap, as docker-compose.yml gives the worker: its cache then holds all 10,000 workflows (runtime/workerFactory.ts)
  // BENCH_WORKER_NODE_ARGS adds Node options for studying it, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof"
  const extra = (process.env.BENCH_WORKER_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const child = spawn(process.execPath, ['--max-old-space-size=6144', ...extra, '--import', 'tsx', path.join(ROOT, 'runtime', 'worker.ts')], {
    cwd: ROOT,
    // no development span files (runtime/tracing.ts): production writes none
    env: { ...process.env, ...env, LOG_LEVEL: 'info', TEMPORAL_METRICS_PORT: 'off', TRACING: 'off' },
    stdio: ['ignore', 'pipe', log],
  });
  let out = '';
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the bench worker did not poll within 120 s; see ${logFile}`)), 120_000);
    child.stdout!.on('data', (d: Buffer) => {
      fs.appendFileSync(logFile, d);
      out += d.toString();
      if (out.includes('worker polling')) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the bench worker exited with ${code}; see ${logFile}`));
    });
  });
  const stop = () =>
    new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
      setTimeout(() => child.kill('SIGKILL'), 30_000).unref();
    });
  return { child, stop };
}

/** `temporalAddress`: run on that server (the real server of `--engine server`) instead of an in-memory dev server */
export async function benchRelease(opts: {
  db: Kysely<Database>;
  databaseUrl: string;
  dir: string;
  port: number;
  n: number;
  say: (m: string) => void;
  temporalAddress?: string;
  /** worker processes (the production topology, runtime/cluster.ts, runs 2; npm start runs 1) */
  workers?: number;
}) {
  const { db, n, say } = opts;
  const temporal = opts.temporalAddress
    ? { address: opts.temporalAddress, stop: async () => undefined }
    : await startTemporalDevServer({ dataDir: path.join(opts.dir, 'temporal-mem'), port: opts.port, uiPort: null, namespace: 'default', inMemory: true });
  const connection = await Connection.connect({ address: temporal.address });
  const client = new Client({ connection, dataConverter: dataConverter() });
  const taskQueue = 'bench-release';
  const workers = await Promise.all(
    Array.from({ length: opts.workers ?? 1 }, (_, i) =>
      startWorkerProcess(
        { DATABASE_URL: opts.databaseUrl, TEMPORAL_ADDRESS: temporal.address, TASK_QUEUE: taskQueue },
        path.join(opts.dir, `bench-worker-${i + 1}.log`),
      ),
    ),
  );
  /** the worker processes' resident memory together */
  const workersMb = () => Math.round(workers.reduce((sum, w) => sum + rssMb(w.child.pid!), 0) * 10) / 10;
  const memory = { idleMb: workersMb(), waitingMb: NaN, openMb: NaN, workers: workers.length };
  try {
    const today = shanghaiDate(new Date());
    const paidOn = addMonths(today, -12);
    const now = new Date();
    // one enterprise per claim: each is its employer's first intermediate engineer brought in
    const rows = Array.from({ length: n }, (_, i) => {
      const no = String(i + 1).padStart(6, '0');
      return {
        i,
        id: randomUUID(),
        applicationNo: `NX-JQ-BENCH-${no}`,
        org: `BENCH-E-${no}`,
        idNumber: makeIdNumber(
          `3305031985${String(100000 + i)
            .slice(-6)
            .padStart(7, '0')}`.slice(0, 17),
        ),
      };
    });
    for (let k = 0; k < rows.length; k += 1000) {
      const chunk = rows.slice(k, k + 1000);
      await db
        .insertInto('org')
        .values(
          chunk.map((r) => ({
            code: r.org,
            name: `基准企业${r.i}`,
            type: 'enterprise' as const,
            in_district: true,
            town_code: 'NX-T-NXZ',
            regulator_code: 'NX-FGJXJ',
            cert_rereview_org_code: 'NX-T-NXZ',
          })),
        )
        .execute();
      await db
        .insertInto('claim')
        .values(
          chunk.map((r) => ({
            id: r.id,
            application_no: r.applicationNo,
            kind: 'shortage_talent' as const,
            workflow_id: claimWorkflowId(r.applicationNo),
            applicant_user_id: null,
            applicant_name: `基准${r.i}`,
            applicant_id_number: r.idNumber,
            applicant_phone: '13800000000',
            employer_org_code: r.org,
            position: null,
            employer_nature: null,
            level: 'intermediate',
            amount_yuan: 10000,
            paid_yuan: 3000,
            status: 'awaiting_next_instalment',
            stage: 'awaiting_next_instalment',
            rereview_org_code: 'NX-FGJXJ',
            form: JSON.stringify({ imported: true }),
            submitted_at: now,
            updated_at: now,
          })),
        )
        .execute();
      await db
        .insertInto('instalment')
        .values(
          chunk.flatMap((r) =>
            [3000, 3000, 4000].map((amount, y) => ({
              claim_id: r.id,
              year_no: y + 1,
              amount_yuan: amount,
              status: y === 0 ? ('paid' as const) : ('pending' as const),
              workflow_id: claimWorkflowId(r.applicationNo),
              paid_at: y === 0 ? `${paidOn}T10:00:00+08:00` : null,
              updated_at: now,
            })),
          ),
        )
        .execute();
    }
    say(`release: starting ${n} claim workflows waiting for their second year`);
    const tSetup = Date.now();
    let next = 0;
    await Promise.all(
      Array.from({ length: 64 }, async () => {
        while (next < rows.length) {
          const r = rows[next++]!;
          await client.workflow.start('shortageTalentClaimWorkflow', {
            taskQueue,
            workflowId: claimWorkflowId(r.applicationNo),
            args: [
              {
                claimId: r.id,
                applicationNo: r.applicationNo,
                applicantIdNumber: r.idNumber,
                employerOrgCode: r.org,
                rereviewOrgCode: 'NX-FGJXJ',
                instalmentsYuan: [3000, 3000, 4000],
                importedFirstPayment: { paidOn },
              },
            ],
          });
        }
      }),
    );
    const scheduled = async () =>
      Number(
        (
          await db
            .selectFrom('instalment')
            .select((eb) => eb.fn.countAll<string>().as('c'))
            .where('year_no', '=', 2)
            .where('status', '=', 'scheduled')
            .where('claim_id', 'in', db.selectFrom('claim').select('id').where('application_no', 'like', 'NX-JQ-BENCH-%'))
            .executeTakeFirstOrThrow()
        ).c,
      );
    while ((await scheduled()) < n) await new Promise((r) => setTimeout(r, 500));
    const setupSeconds = (Date.now() - tSetup) / 1000;
    memory.waitingMb = workersMb();
    say(`release: ${n} waiting after ${setupSeconds.toFixed(1)} s; running the release`);

    const t0 = Date.now();
    const release = await client.workflow.start('instalmentReleaseWorkflow', { taskQueue, workflowId: `bench-release-${today}`, args: [{ onDate: today }] });
    const opened = async () =>
      Number(
        (
          await sql<{
            c: string;
          }>`select count(*) as c from task where kind = 'unit_verification' and id like 'nanxun-claim-NX-JQ-BENCH-%~y2~unit_verification'`.execute(db)
        ).rows[0]!.c,
      );
    // when the release workflow has signalled every claim, as against when their tasks are open
    let signalledSeconds = NaN;
    const released = release.result().then((r: { opened: number }) => {
      signalledSeconds = (Date.now() - t0) / 1000;
      return r;
    });
    released.catch(() => undefined); // awaited below
    for (const giveUp = Date.now() + 900_000; (await opened()) < n; await new Promise((r) => setTimeout(r, 250)))
      if (Date.now() > giveUp) throw new Error(`release: only ${await opened()} of ${n} unit verifications open after 15 minutes`);
    const seconds = (Date.now() - t0) / 1000;
    memory.openMb = workersMb();
    const result = await released;
    say(
      `release: ${result.opened} instalments released (all signalled after ${signalledSeconds.toFixed(1)} s), all ${n} unit verifications open after ${seconds.toFixed(1)} s`,
    );
    say(
      `worker memory (${workers.length} process${workers.length > 1 ? 'es' : ''}): RSS ${memory.idleMb} MB idle, ${memory.waitingMb} MB with ${n} workflows waiting, ${memory.openMb} MB with ${n} open tasks`,
    );
    return {
      instalments: n,
      released: result.opened,
      seconds: Math.round(seconds * 10) / 10,
      signalledSeconds: Math.round(signalledSeconds * 10) / 10,
      setupSeconds: Math.round(setupSeconds * 10) / 10,
      memory,
    };
  } finally {
    await Promise.all(workers.map((w) => w.stop()));
    await connection.close();
    await temporal.stop();
  }
}
