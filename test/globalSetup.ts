/**
 * Once per test run: a real embedded PostgreSQL with a migrated, seeded template database (each test file
 * clones it), the workflow bundle built once, and the paths of the Temporal binaries.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { bundleWorkflowCode } from '@temporalio/worker';
import { startEmbeddedPostgres } from '../runtime/embeddedPostgres';
import { findTemporalCli, findTestServer } from '../tools/temporalBinaries';
import { freePort } from '../tools/ports';
import { createDb } from '../db/connection';
import { migrateToLatest } from '../db/migrator';
import { seedDemoAccounts, seedReferenceData } from '../db/seed';

export default async function globalSetup(): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'zj-test-'));
  fs.chmodSync(dir, 0o755);
  const [cli, testServer] = await Promise.all([findTemporalCli(), findTestServer()]);
  process.env.TEMPORAL_CLI_PATH = cli.path;
  process.env.TEMPORAL_TEST_SERVER_PATH = testServer.path;

  // this run's data-protection keys (generated on first use), not the developer's .data/keys
  process.env.KEYS_FILE = path.join(dir, 'keys', 'keys.json');
  const port = await freePort();
  const pg = await startEmbeddedPostgres({ dataDir: path.join(dir, 'pg'), port, database: 'approvals_template' });
  const db = createDb(pg.url);
  await migrateToLatest(db);
  await seedReferenceData(db);
  await seedDemoAccounts(db);
  await db.destroy();
  // a template must have no connections while it is cloned
  const admin = new Client({ connectionString: pg.url.replace(/\/approvals_template$/, '/postgres') });
  await admin.connect();
  await admin.query(`alter database approvals_template is_template true`);
  await admin.end();

  const { code } = await bundleWorkflowCode({
    workflowsPath: require.resolve('../workflows'),
    logger: { info() {}, warn() {}, error() {}, debug() {}, trace() {}, log() {} } as never,
  });
  const bundlePath = path.join(dir, 'workflow-bundle.js');
  fs.writeFileSync(bundlePath, code);

  process.env.TEST_PG_BASE_URL = pg.url.replace(/\/approvals_template$/, '');
  process.env.WORKFLOW_BUNDLE_PATH = bundlePath;
  process.env.TEST_TMP_DIR = dir;
  (globalThis as Record<string, unknown>).__ZJ_TEST__ = { pg, dir };
}
