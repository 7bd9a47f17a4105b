/** Runtime configuration from the environment, with the embedded defaults of `npm start`. */
import path from 'node:path';

export const ROOT = path.resolve(__dirname, '..');

export interface RuntimeConfig {
  dataDir: string;
  databaseUrl: string | undefined;
  pgPort: number;
  temporalAddress: string | undefined;
  temporalPort: number;
  temporalUiPort: number;
  namespace: string;
  taskQueue: string;
  apiPort: number;
  devMode: boolean;
  jwtSecret: string | undefined;
  logLevel: string;
}

function int(name: string, dflt: number): number {
  const v = process.env[name];
  if (!v) return dflt;
  const n = Number(v);
  if (!Number.isInteger(n) || n <= 0 || n > 65535) throw new Error(`${name} must be a port number, got ${v}`);
  return n;
}

export function readConfig(): RuntimeConfig {
  return {
    dataDir: path.resolve(ROOT, process.env.DATA_DIR ?? '.data'),
    databaseUrl: process.env.DATABASE_URL || undefined,
    pgPort: int('PG_PORT', 5433),
    temporalAddress: process.env.TEMPORAL_ADDRESS || undefined,
    temporalPort: int('TEMPORAL_PORT', 7233),
    temporalUiPort: int('TEMPORAL_UI_PORT', 8233),
    namespace: process.env.TEMPORAL_NAMESPACE ?? 'default',
    taskQueue: process.env.TASK_QUEUE ?? 'zj-approvals',
    apiPort: int('PORT', 3000),
    devMode: (process.env.NODE_ENV ?? 'development') !== 'production',
    jwtSecret: process.env.JWT_SECRET || undefined,
    logLevel: process.env.LOG_LEVEL ?? 'info',
  };
}
