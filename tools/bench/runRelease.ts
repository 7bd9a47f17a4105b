/**
 * The release row of the benchmark on its own, for working on it: `npx tsx tools/bench/runRelease.ts [N]
 * [--engine dev|server]` (default 2,000, dev). Its own embedded PostgreSQL in a temporary directory; prints the
 * row's result as JSON.
 *
 * `--engine dev` (default): an in-memory Temporal dev server, as the dev engine's bench row.
 * `--engine server`: the real Temporal server (tools/temporalServer.ts builds it once, cached under
 * ~/.cache/zj-approvals/temporal-server; the pinned release, as runtime/cluster.ts and `npm run start:cluster` run
 * it) with persistence and visibility in the same embedded PostgreSQL, 4 history shards; the release's worker is
 * the real worker process either way (tools/bench/releaseFixture.ts).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Runtime, DefaultLogger } from '@temporalio/worker';
import { startEmbeddedPostgres } from '../../runtime/embeddedPostgres';
import { freePort } from '../ports';
import { createDb } from '../../db/connection';
import { migrateToLatest } from '../../db/migrator';
import { seedDemoAccounts, seedReferenceData } from '../../db/seed';
import { engineOf, startBenchTemporalServer } from './engine';
import { benchRelease } from './releaseFixture';

async function main() {
  const args = process.argv.slice(2);
  const engine = engineOf(args);
  const e = args.indexOf('--engine');
  const n = Number(args.filter((a, i) => !a.startsWith('--') && (e < 0 || i !== e + 1))[0] ?? 2000);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'zj-bench-release-'));
  fs.chmodSync(dir, 0o755);
  const say = (m: string) => console.log(`[bench] ${m}`);
  Runtime.install({ logger: new DefaultLogger('ERROR') });
  const pg = await startEmbeddedPostgres({ dataDir: path.join(dir, 'pg'), port: await freePort() });
  const db = createDb(pg.url, { max: 20 });
  const stops: (() => Promise<void>)[] = [];
  try {
    let temporalAddress: string | undefined;
    if (engine === 'server') {
      say('starting the real Temporal server (PostgreSQL persistence and visibility, 4 history shards)…');
      const server = await startBenchTemporalServer(dir, pg.url, say);
      stops.push(server.stop);
      temporalAddress = server.address;
      say(`Temporal server v${server.binaries.version} at ${server.address}`);
    }
    await migrateToLatest(db);
    await seedReferenceData(db);
    await seedDemoAccounts(db);
    const r = await benchRelease({ db, databaseUrl: pg.url, dir, port: await freePort(), n, say, temporalAddress, workers: temporalAddress ? 2 : 1 });
    console.log(JSON.stringify({ engine, ...r }));
  } finally {
    for (const s of stops.reverse()) await s().catch(() => undefined);
    await db.destroy();
    await pg.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
