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
 *      (GOBIN), with the Go command $GO (only that one when set), else go on PATH or /usr/local/go/bin/go, and the
 *      toolchain $GOTOOLCHAIN (default BUILD_GOTOOLCHAIN, fetched by the go command from the module proxy once); the
 *      schema and the dynamic config are copied from the module the build downloaded. 4-7 minutes on 2 cores, once
 *      per machine and version.
 * If none works, the error names every way.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/**
 * The supported upgrade walk, one minor at a time (Temporal supports upgrading one minor version per step, with
 * `temporal-sql-tool update-schema` before each new binary starts): `npm run upgrade:cluster` and `npm run
 * drill:upgrade` (tools/upgradeTemporalServer.ts). The last one is the pinned version.
 */
export const TEMPORAL_UPGRADE_PATH = ['1.29.1', '1.30.9', '1.31.2', '1.32.2'] as const;
/** The Temporal server release the project runs on (also docker-compose.yml's temporalio/auto-setup tag). */
export const TEMPORAL_SERVER_VERSION = '1.32.2';
const MODULE = 'go.temporal.io/server';
/**
 * The Go toolchain the server is built with unless GOTOOLCHAIN is set: 1.32 needs Go 1.26.10 or newer, and the go
 * command fetches a named toolchain from the module proxy once per machine (about 76 MB). One toolchain for every
 * version of the walk, so they share Go's build cache.
 */
export const BUILD_GOTOOLCHAIN = 'go1.27.3';

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

function cacheComplete(dir: string, version: string): TemporalServerBinaries | null {
  const b = {
    version,
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
async function moduleDir(go: string | null, version: string): Promise<string | null> {
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
    const d = path.join(r, `${MODULE}@v${version}`);
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

async function goInstall(go: string, dir: string, version: string, log: Log): Promise<TemporalServerBinaries> {
  // on a machine that never built the server the cache root does not exist yet (mkdtemp would fail with ENOENT)
  fs.mkdirSync(path.dirname(dir), { recursive: true });
  const gobin = fs.mkdtempSync(path.join(path.dirname(dir), `.build-v${version}-`));
  try {
    const toolchain = process.env.GOTOOLCHAIN || BUILD_GOTOOLCHAIN;
    log(
      `building the Temporal server v${version} with ${go} (GOTOOLCHAIN=${toolchain}; go install: 4-7 minutes on 2 cores the first time on a machine, cached in ${dir})…`,
    );
    const env = { ...process.env, GOBIN: gobin, GOTOOLCHAIN: toolchain, GOFLAGS: process.env.GOFLAGS ?? '-buildvcs=false' };
    for (const pkg of ['cmd/server', 'cmd/tools/sql']) {
      // an hour: the first build takes 4-7 minutes on 2 idle cores, far longer on a shared, loaded machine (Go keeps
      // what it compiled, so a build that is stopped resumes where it was)
      await run(go, ['install', `${MODULE}/${pkg}@v${version}`], { env, timeout: 60 * 60_000, maxBuffer: 64 * 1024 * 1024 }).catch((err) => {
        const said = `${err.stderr ?? ''}`.split('\n').filter((l: string) => l && !l.startsWith('go: downloading'));
        throw new Error(`go install ${pkg}@v${version}${err.killed ? ' stopped after an hour' : ' failed'}: ${said.slice(-6).join(' ') || err.message}`);
      });
    }
    const modDir = await moduleDir(go, version);
    if (!modDir) throw new Error(`built, but ${MODULE}@v${version} is not in the Go module cache`);
    fs.mkdirSync(dir, { recursive: true });
    copyModuleFiles(modDir, dir);
    fs.renameSync(path.join(gobin, 'sql'), path.join(dir, 'temporal-sql-tool'));
    fs.renameSync(path.join(gobin, 'server'), path.join(dir, 'server'));
  } finally {
    fs.rmSync(gobin, { recursive: true, force: true });
  }
  const b = cacheComplete(dir, version);
  if (!b) throw new Error(`the build finished but ${dir} is incomplete`);
  return { ...b, source: 'go-install' };
}

const memo = new Map<string, Promise<TemporalServerBinaries>>();

/**
 * The server, its SQL tool and the schema files, provisioned once (see the module docs for the order). `version`
 * (default the pinned one) is for the upgrade walk: TEMPORAL_SERVER_PATH / TEMPORAL_SQL_TOOL_PATH name the pinned
 * version only, other versions come from the cache or are built into it.
 */
export function findTemporalServer(opts: { log?: Log; version?: string } = {}): Promise<TemporalServerBinaries> {
  const version = opts.version ?? TEMPORAL_SERVER_VERSION;
  let found = memo.get(version);
  if (!found) {
    found = locateTemporalServer(opts.log ?? (() => undefined), version).catch((err) => {
      memo.delete(version);
      throw err;
    });
    memo.set(version, found);
  }
  return found;
}

/** The lookup itself, not memoised (findTemporalServer is what callers use). */
export async function locateTemporalServer(log: Log, version: string = TEMPORAL_SERVER_VERSION): Promise<TemporalServerBinaries> {
  const dir = temporalServerCacheDir(version);
  const tried: string[] = [];
  const envServer = version === TEMPORAL_SERVER_VERSION ? process.env.TEMPORAL_SERVER_PATH : undefined;
  const envTool = version === TEMPORAL_SERVER_VERSION ? process.env.TEMPORAL_SQL_TOOL_PATH : undefined;
  if (envServer || envTool) {
    if (envServer && envTool && isExecutable(envServer) && isExecutable(envTool)) {
      const fromCache = cacheComplete(dir, version);
      const modDir = fromCache ? null : await moduleDir(await findGo(), version);
      const schemaDir = process.env.TEMPORAL_SERVER_SCHEMA_DIR || fromCache?.schemaDir || (modDir ? path.join(modDir, 'schema', 'postgresql', 'v12') : '');
      const dynamicConfig = fromCache?.dynamicConfig || (modDir ? path.join(modDir, 'config', 'dynamicconfig', 'development-sql.yaml') : '');
      if (schemaDir && fs.existsSync(path.join(schemaDir, 'temporal', 'versioned'))) {
        return { version, server: envServer, sqlTool: envTool, schemaDir, dynamicConfig, source: 'env' };
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
  const cached = cacheComplete(dir, version);
  if (cached) return cached;
  tried.push(`the cache ${dir}: not there (or incomplete)`);
  const go = await findGo();
  if (go) {
    try {
      return await goInstall(go, dir, version, log);
    } catch (err) {
      tried.push(
        `go install ${MODULE}/cmd/server@v${version} with ${go}: ${err instanceof Error ? err.message.split('\n').slice(0, 6).join(' ') : String(err)}`,
      );
    }
  } else {
    tried.push('go install: no Go toolchain ($GO, go on PATH, /usr/local/go/bin/go)');
  }
  throw new Error(
    `the Temporal server v${version} is not available. Tried:\n  - ${tried.join('\n  - ')}\n` +
      `Provide it one of these ways: set TEMPORAL_SERVER_PATH and TEMPORAL_SQL_TOOL_PATH (and TEMPORAL_SERVER_SCHEMA_DIR); ` +
      `or put server, temporal-sql-tool, schema/postgresql/v12 and dynamicconfig/development-sql.yaml in ${dir}; ` +
      `or install Go (https://go.dev/dl) so that it is built there with go install (GOTOOLCHAIN=${process.env.GOTOOLCHAIN || BUILD_GOTOOLCHAIN}).`,
  );
}
