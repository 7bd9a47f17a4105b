/**
 * `npm run upgrade:cluster`: upgrades the Temporal server of `npm run start:cluster`'s data to the pinned release
 * (tools/temporalServer.ts TEMPORAL_SERVER_VERSION), the supported way: one minor release at a time
 * (TEMPORAL_UPGRADE_PATH), `temporal-sql-tool update-schema` at each step, the server started on each new binary
 * until it serves the namespace. Run it with the cluster stopped (Ctrl-C on start:cluster), then start it again.
 * Same environment as start:cluster (CLUSTER_DATA_DIR, CLUSTER_PG_PORT, CLUSTER_TEMPORAL_PORT, DATABASE_URL,
 * TEMPORAL_DB, TEMPORAL_VISIBILITY_DB, TEMPORAL_NAMESPACE, TEMPORAL_HISTORY_SHARDS, TEMPORAL_RETENTION_DAYS).
 * Releases not yet built are built first (go install, GOTOOLCHAIN as tools/temporalServer.ts says).
 */
import fs from 'node:fs';
import path from 'node:path';
import { readConfig } from '../runtime/config';
import { portInUse } from '../runtime/temporalDevServer';
import { portsFrom, recordedServerVersion, startTemporalServer } from './temporalServerProcess';
import { TEMPORAL_SERVER_VERSION, TEMPORAL_UPGRADE_PATH } from './temporalServer';
import { provisionUpgradePath, upgradeStepsFrom, walkUpgrade } from './upgradeTemporalServer';

async function main() {
  const say = (m: string) => console.log(`[upgrade] ${m}`);
  const cfg = readConfig();
  const dataDir = path.resolve(process.env.CLUSTER_DATA_DIR ?? path.join(cfg.dataDir, 'cluster'));
  const temporalDir = path.join(dataDir, 'temporal');
  const ports = portsFrom(Number(process.env.CLUSTER_TEMPORAL_PORT ?? 7333));
  const pgPort = Number(process.env.CLUSTER_PG_PORT ?? 5533);
  if (!cfg.databaseUrl && !fs.existsSync(path.join(dataDir, 'pg', 'PG_VERSION'))) {
    say(`no cluster data in ${dataDir}: nothing to upgrade (npm run start:cluster sets up v${TEMPORAL_SERVER_VERSION} directly)`);
    return;
  }
  for (const p of [ports.frontend, ...(cfg.databaseUrl ? [] : [pgPort])])
    if (await portInUse(p)) throw new Error(`port ${p} is in use: stop npm run start:cluster first (Ctrl-C), then upgrade`);
  // databases set up before versions were recorded ran 1.29.1, the first release of the walk
  const from = recordedServerVersion(temporalDir) ?? TEMPORAL_UPGRADE_PATH[0];
  const steps = upgradeStepsFrom(from);
  if (!steps.length) {
    say(`the cluster already runs v${from}: nothing to do`);
    return;
  }
  say(`walk v${from} → ${steps.map((v) => `v${v}`).join(' → ')}; provisioning the releases first…`);
  await provisionUpgradePath(from, say);

  let stopPg: () => Promise<void> = async () => undefined;
  let databaseUrl = cfg.databaseUrl;
  if (!databaseUrl) {
    const { startEmbeddedPostgres } = await import('../runtime/embeddedPostgres');
    const pg = await startEmbeddedPostgres({ dataDir: path.join(dataDir, 'pg'), port: pgPort });
    stopPg = pg.stop;
    databaseUrl = pg.url;
  }
  try {
    const server = await startTemporalServer({
      dataDir: temporalDir,
      postgresUrl: databaseUrl,
      databases: { main: process.env.TEMPORAL_DB ?? 'temporal', visibility: process.env.TEMPORAL_VISIBILITY_DB ?? 'temporal_visibility' },
      ports,
      historyShards: Number(process.env.TEMPORAL_HISTORY_SHARDS ?? 4),
      namespace: cfg.namespace,
      retentionDays: Number(process.env.TEMPORAL_RETENTION_DAYS ?? 30),
      version: from,
      log: say,
    });
    try {
      const walked = await walkUpgrade(server, say);
      say(`done: the databases are on v${walked.at(-1)!.to}; npm run start:cluster runs it`);
    } finally {
      await server.stop();
    }
  } finally {
    await stopPg();
  }
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(`[upgrade] failed: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  },
);
