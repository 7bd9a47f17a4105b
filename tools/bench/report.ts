/** The benchmark's table on stdout and its JSON file under bench-results/. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ROOT } from '../../runtime/config';
import { round } from './timing';
import { benchGoals, goalCell } from './goals';

export function report(results: Record<string, unknown>, opts: { short: boolean; engine: 'dev' | 'server' }): void {
  const { short: SHORT, engine: ENGINE } = opts;
  const r = results as Record<string, any>;
  const goals = benchGoals(r);
  // each row's object carries its goal and whether it was met; `goals` lists them together
  for (const [row, g] of Object.entries(goals)) Object.assign(r[row], { goal: g.goal, met: g.met });
  results.goals = goals;
  const rows: [string, string, string, string][] = [
    ['raw ceiling (4 updates + 11 no-op activities, 10 local)', `${r.ceiling.workflowsPerSecond} workflows/s`, '', ''],
    [
      'certificate-claim pipeline over HTTP',
      `${r.pipeline.claimsPerSecond} claims/s`,
      `${round(r.pipeline.ratioToCeiling * 100, 1)} % of ceiling`,
      goalCell(goals.pipeline),
    ],
    ...(r.pipeline.oneWorker
      ? [
          [
            '  the same with one worker process',
            `${r.pipeline.oneWorker.claimsPerSecond} claims/s`,
            `${round(r.pipeline.oneWorker.ratioToCeiling * 100, 1)} % of ceiling`,
            '',
          ] as [string, string, string, string],
        ]
      : []),
    [
      'POST decision p50 / p99 (ms)',
      `${r.decision.decision.p50} / ${r.decision.decision.p99}`,
      `no-op Update ${r.decision.noopUpdate.p50} / ${r.decision.noopUpdate.p99}`,
      '',
    ],
    ['  decision ÷ no-op Update', `p50 ${r.decision.ratioP50}× p99 ${r.decision.ratioP99}×`, '', goalCell(goals.decision)],
    ['GET claim p50 / p99 (ms)', `${r.claimRead.claim.p50} / ${r.claimRead.claim.p99}`, `bare ${r.claimRead.bare.p50} / ${r.claimRead.bare.p99}`, ''],
    ['  claim read ÷ bare route', `p50 ${r.claimRead.ratioP50}× p99 ${r.claimRead.ratioP99}×`, '', goalCell(goals.claimRead)],
    [
      `task inbox, ${r.inbox.tasksStored} tasks stored (ms)`,
      `p50 ${r.inbox.p50} / p99 ${r.inbox.p99}`,
      `${r.inbox.openForBureau} open for the bureau`,
      goalCell(goals.inbox),
    ],
    [
      `organisation CSV import, ${r.orgImport.rows} rows (s)`,
      `dry run ${r.orgImport.dryRunSeconds} / import ${r.orgImport.importSeconds}`,
      '',
      goalCell(goals.orgImport),
    ],
    [`yearly release of ${r.release.instalments} instalments`, r.release.note, '', goalCell(goals.release)],
    [
      `worker memory, ${r.workerMemory.openWorkflows} open workflows`,
      `RSS ${r.workerMemory.openRssMb} MB${r.workerMemory.workerProcesses > 1 ? ` (${r.workerMemory.workerProcesses} worker processes)` : ''}`,
      `idle ${r.workerMemory.idleRssMb} MB, ${r.workerMemory.kbPerWorkflow} KB per workflow`,
      goalCell(goals.workerMemory),
    ],
  ];
  const w = [0, 1, 2, 3].map((i) => Math.max(...rows.map((x) => x[i]!.length)));
  console.log(
    `\nbenchmark (${SHORT ? 'short' : 'full'} mode, ${ENGINE === 'server' ? `real Temporal server v${(r.server as { version: string }).version} on PostgreSQL, 2 workers, 2 APIs` : 'Temporal dev server'}, ${os.cpus().length} CPUs, ${results.seconds} s)`,
  );
  for (const row of rows) console.log(`  ${row.map((c, i) => c.padEnd(w[i]!)).join('  │  ')}`);
  const outDir = path.join(ROOT, 'bench-results');
  fs.mkdirSync(outDir, { recursive: true });
  const outFile = ENGINE === 'server' ? 'bench-server.json' : 'bench.json';
  fs.writeFileSync(path.join(outDir, outFile), `${JSON.stringify(results, null, 2)}\n`);
  if (r.retried503 || r.retried404)
    console.log(
      `  (retried: ${r.retried503} answers 503 TEMPORAL_UNAVAILABLE, with their Idempotency-Key; ${r.retried404} decisions on a task not open yet: a loaded machine)`,
    );
  console.log(`\nwritten to bench-results/${outFile}`);
}
