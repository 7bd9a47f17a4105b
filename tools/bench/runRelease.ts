/**
 * The release row of the benchmark on its own, for working on it: `npx tsx tools/bench/runRelease.ts [N]`
 * (default 2,000). Its own embedded PostgreSQL in a temporary directory; prints the row's result as JSON.
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
import { benchRelease } from './releaseFixture';

async function main() {
  const n = Number(process.argv[2] ?? 2000);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'zj-bench-release-'));
  fs.chmodSync(dir, 0o755);
  Runtime.install({ logger: new DefaultLogger('ERROR') });
  const pg = await startEmbeddedPostgres({ dataDir: path.join(dir, 'pg'), port: await freePort() });
  const db = createDb(pg.url, { max: 20 });
  try {
    await migrateToLatest(db);
    await seedReferenceData(db);
    await seedDemoAccounts(db);
    const r = await benchRelease({ db, databaseUrl: pg.url, dir, port: await freePort(), n, say: (m) => console.log(`[bench] ${m}`) });
    console.log(JSON.stringify(r));
  } finally {
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
