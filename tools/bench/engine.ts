/**
 * The engine a benchmark script runs on (`--engine dev|server`, or BENCH_ENGINE; dev by default), and the real
 * Temporal server as they start it for `--engine server`: the pinned release (tools/temporalServer.ts) with
 * persistence and visibility in the script's embedded PostgreSQL, 4 history shards, namespace `default`.
 */
import path from 'node:path';
import { freeTemporalPorts, startTemporalServer, type RunningTemporalServer } from '../temporalServerProcess';

export type Engine = 'dev' | 'server';

export function engineOf(argv: string[] = process.argv, env: NodeJS.ProcessEnv = process.env): Engine {
  const i = argv.indexOf('--engine');
  const engine = (i >= 0 ? argv[i + 1] : env.BENCH_ENGINE) ?? 'dev';
  if (engine !== 'dev' && engine !== 'server') throw new Error(`--engine must be dev or server, got ${engine}`);
  return engine;
}

/** the real Temporal server on `postgresUrl`, its data under `dir`/temporal */
export function startBenchTemporalServer(dir: string, postgresUrl: string, say: (m: string) => void): Promise<RunningTemporalServer> {
  return freeTemporalPorts().then((ports) =>
    startTemporalServer({
      dataDir: path.join(dir, 'temporal'),
      postgresUrl,
      ports,
      historyShards: 4,
      namespace: 'default',
      retentionDays: 1,
      log: (m) => say(`  ${m}`),
    }),
  );
}
