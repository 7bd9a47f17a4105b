/**
 * Provisioning of the real Temporal server (not the CLI's `start-dev`) and its schema tool, for
 * `npm run start:cluster`, the cluster end-to-end test and `npm run bench -- --engine server`.
 *
 * The version is pinned in TEMPORAL_SERVER_VERSION (docker-compose.yml uses the same one). Lookup order:
 *   1. TEMPORAL_SERVER_PATH and TEMPORAL_SQL_TOOL_PATH (both); the schema files from TEMPORAL_SERVER_SCHEMA_DIR
 *      (the module's `schema/postgresql/v12`), else from the cache or the Go module cache below;
 *   2. the cache outside the repository, keyed by version:
 *      ${TEMPORAL_SERVER_CACHE_DIR:-${XDG_CACHE_HOME:-~/.cache}/zj-approvals/temporal-server}/v<version>/
 *        server, temporal-sql-tool, schema/postgresql/v12/…, dynamicconfig/development-sql.yaml
 *   3. `go install go.temporal.io/server/cmd/server@v<version>` and `…/cmd/tools/sql@v<version>` into that cache
 *      (GOBIN), with the Go toolchain $GO (only that one when set), else go on PATH or /usr/local/go/bin/go; the schema and the dynamic config are
 *      copied from the module the build downloaded. About 4-5 minutes on 2 cores, once per machine.
 * If none works, the error names every way.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** The Temporal server release the project runs on (also docker-compose.yml's temporalio/auto-setup tag). */
export const TEMPORAL_SERVER_VERSION = '1.29.1';
const MODULE = 'go.temporal.io/server';

export interface TemporalServerBinaries {
  version: string;
  server: string;
  sqlTool: string;
  /** the module's schema/postgresql/v12 directory (temporal/versioned, visibility/versioned) */
  schemaDir: string;
  /** the module's config/dynamicconfig/development-sql.yaml */
  dynamicConfig: string;
  source: 'env' | 'cache' | 'go-install';
}

type Log = (m: string) => void;

export function temporalServerCacheDir(version = TEMPORAL_SERVER_VERSION): string {
  const root =
    process.env.TEMPORAL_SERVER_CACHE_DIR || path.join(process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache'), 'zj-approvals', 'temporal-server');
  return path.join(root, `v${version}`);
}

const isExecutable = (f: string) => {
  try {
    fs.accessSync(f, fs.constants.X_OK);
    return fs.statSync(f).isFile();
  } catch {
    return false;
  }
};

function cacheComplete(dir: string): TemporalServerBinaries | null {
  const b = {
    version: TEMPORAL_SERVER_VERSION,
    server: path.join(dir, 'server'),
    sqlTool: path.join(dir, 'temporal-sql-tool'),
    schemaDir: path.join(dir, 'schema', 'postgresql', 'v12'),
    dynamicConfig: path.join(dir, 'dynamicconfig', 'development-sql.yaml'),
    source: 'cache' as const,
  };
  const ok =
    isExecutable(b.server) && isExecutable(b.sqlTool) && fs.existsSync(path.join(b.schemaDir, 'temporal', 'versioned')) && fs.existsSync(b.dynamicConfig);
  return ok ? b : null;
}

async function findGo(): Promise<string | null> {
  // $GO, when set, is the only toolchain tried
  for (const candidate of process.env.GO ? [process.env.GO] : ['go', '/usr/local/go/bin/go']) {
    try {
      await run(candidate, ['version'], { timeout: 15_000 });
      return candidate;
    } catch {
      /* next */
    }
  }
  return null;
}

/** The module's source in the Go module cache (present once `go install …@version` has downloaded it). */
async function moduleDir(go: string | null): Promise<string | null> {
  const roots: string[] = [];
  if (process.env.GOMODCACHE) roots.push(process.env.GOMODCACHE);
  if (go) {
    try {
      roots.push((await run(go, ['env', 'GOMODCACHE'], { timeout: 15_000 })).stdout.trim());
    } catch {
      /* ignore */
    }
  }
  roots.push(path.join(os.homedir(), 'go', 'pkg', 'mod'));
  for (const r of roots) {
    const d = path.join(r, `${MODULE}@v${TEMPORAL_SERVER_VERSION}`);
    if (fs.existsSync(path.join(d, 'schema', 'postgresql', 'v12'))) return d;
  }
  return null;
}

function copyModuleFiles(modDir: string, dest: string): void {
  fs.cpSync(path.join(modDir, 'schema', 'postgresql', 'v12'), path.join(dest, 'schema', 'postgresql', 'v12'), { recursive: true });
  fs.mkdirSync(path.join(dest, 'dynamicconfig'), { recursive: true });
  fs.copyFileSync(path.join(modDir, 'config', 'dynamicconfig', 'development-sql.yaml'), path.join(dest, 'dynamicconfig', 'development-sql.yaml'));
  // the module cache is read-only: make the copies writable so the cache can be removed with rm -rf
  const chmod = (p: string) => {
    fs.chmodSync(p, fs.statSync(p).isDirectory() ? 0o755 : 0o644);
    if (fs.statSync(p).isDirectory()) for (const e of fs.readdirSync(p)) chmod(path.join(p, e));
  };
  chmod(path.join(dest, 'schema'));
  chmod(path.join(dest, 'dynamicconfig'));
}

async function goInstall(go: string, dir: string, log: Log): Promise<TemporalServerBinaries> {
  // on a machine that never built the server the cache root does not exist yet (mkdtemp would fail with ENOENT)
  fs.mkdirSync(path.dirname(dir), { recursive: true });
  const gobin = fs.mkdtempSync(path.join(path.dirname(dir), `.build-v${TEMPORAL_SERVER_VERSION}-`));
  try {
    log(`building the Temporal server v${TEMPORAL_SERVER_VERSION} with ${go} (go install; about 4-5 minutes the first time, cached in ${dir})…`);
    const env = { ...process.env, GOBIN: gobin, GOFLAGS: process.env.GOFLAGS ?? '-buildvcs=false' };
    for (const pkg of ['cmd/server', 'cmd/tools/sql']) {
      await run(go, ['install', `${MODULE}/${pkg}@v${TEMPORAL_SERVER_VERSION}`], { env, timeout: 30 * 60_000, maxBuffer: 64 * 1024 * 1024 });
    }
    const modDir = await moduleDir(go);
    if (!modDir) throw new Error(`built, but ${MODULE}@v${TEMPORAL_SERVER_VERSION} is not in the Go module cache`);
    fs.mkdirSync(dir, { recursive: true });
    copyModuleFiles(modDir, dir);
    fs.renameSync(path.join(gobin, 'sql'), path.join(dir, 'temporal-sql-tool'));
    fs.renameSync(path.join(gobin, 'server'), path.join(dir, 'server'));
  } finally {
    fs.rmSync(gobin, { recursive: true, force: true });
  }
  const b = cacheComplete(dir);
  if (!b) throw new Error(`the build finished but ${dir} is incomplete`);
  return { ...b, source: 'go-install' };
}

let memo: Promise<TemporalServerBinaries> | null = null;

/** The server, its SQL tool and the schema files, provisioned once (see the module docs for the order). */
export function findTemporalServer(opts: { log?: Log } = {}): Promise<TemporalServerBinaries> {
  memo ??= locateTemporalServer(opts.log ?? (() => undefined)).catch((err) => {
    memo = null;
    throw err;
  });
  return memo;
}

/** The lookup itself, not memoised (findTemporalServer is what callers use). */
export async function locateTemporalServer(log: Log): Promise<TemporalServerBinaries> {
  const dir = temporalServerCacheDir();
  const tried: string[] = [];
  const envServer = process.env.TEMPORAL_SERVER_PATH;
  const envTool = process.env.TEMPORAL_SQL_TOOL_PATH;
  if (envServer || envTool) {
    if (envServer && envTool && isExecutable(envServer) && isExecutable(envTool)) {
      const fromCache = cacheComplete(dir);
      const modDir = fromCache ? null : await moduleDir(await findGo());
      const schemaDir = process.env.TEMPORAL_SERVER_SCHEMA_DIR || fromCache?.schemaDir || (modDir ? path.join(modDir, 'schema', 'postgresql', 'v12') : '');
      const dynamicConfig = fromCache?.dynamicConfig || (modDir ? path.join(modDir, 'config', 'dynamicconfig', 'development-sql.yaml') : '');
      if (schemaDir && fs.existsSync(path.join(schemaDir, 'temporal', 'versioned'))) {
        return { version: TEMPORAL_SERVER_VERSION, server: envServer, sqlTool: envTool, schemaDir, dynamicConfig, source: 'env' };
      }
      tried.push(
        `TEMPORAL_SERVER_PATH/TEMPORAL_SQL_TOOL_PATH are set but no schema was found: set TEMPORAL_SERVER_SCHEMA_DIR to the module's schema/postgresql/v12`,
      );
    } else {
      tried.push(`TEMPORAL_SERVER_PATH (${envServer ?? 'unset'}) and TEMPORAL_SQL_TOOL_PATH (${envTool ?? 'unset'}) must both name executables`);
    }
  } else {
    tried.push('TEMPORAL_SERVER_PATH + TEMPORAL_SQL_TOOL_PATH: not set');
  }
  const cached = cacheComplete(dir);
  if (cached) return cached;
  tried.push(`the cache ${dir}: not there (or incomplete)`);
  const go = await findGo();
  if (go) {
    try {
      return await goInstall(go, dir, log);
    } catch (err) {
      tried.push(
        `go install ${MODULE}/cmd/server@v${TEMPORAL_SERVER_VERSION} with ${go}: ${err instanceof Error ? err.message.split('\n').slice(0, 6).join(' ') : String(err)}`,
      );
    }
  } else {
    tried.push('go install: no Go toolchain ($GO, go on PATH, /usr/local/go/bin/go)');
  }
  throw new Error(
    `the Temporal server v${TEMPORAL_SERVER_VERSION} is not available. Tried:\n  - ${tried.join('\n  - ')}\n` +
      `Provide it one of these ways: set TEMPORAL_SERVER_PATH and TEMPORAL_SQL_TOOL_PATH (and TEMPORAL_SERVER_SCHEMA_DIR); ` +
      `or put server, temporal-sql-tool, schema/postgresql/v12 and dynamicconfig/development-sql.yaml in ${dir}; ` +
      `or install Go (https://go.dev/dl) so that it is built there with go install.`,
  );
}
