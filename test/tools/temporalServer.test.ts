/**
 * Provisioning of the real Temporal server (tools/temporalServer.ts): explicit paths win, nothing found names every
 * way to provide it, and docker-compose.yml runs the same pinned version.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { locateTemporalServer, TEMPORAL_SERVER_VERSION, TEMPORAL_UPGRADE_PATH, temporalServerCacheDir } from '../../tools/temporalServer';
import { DEPLOYMENT_DYNAMIC_CONFIG, dynamicConfig } from '../../tools/temporalServerProcess';

const saved = { ...process.env };
afterEach(() => {
  for (const k of ['TEMPORAL_SERVER_PATH', 'TEMPORAL_SQL_TOOL_PATH', 'TEMPORAL_SERVER_SCHEMA_DIR', 'TEMPORAL_SERVER_CACHE_DIR', 'GO', 'GOMODCACHE']) {
    if (saved[k] === undefined) delete process.env[k];
    else process.env[k] = saved[k];
  }
});

test('docker-compose.yml runs the pinned server version, its schema set up by the same release, the end of the upgrade walk', () => {
  const compose = fs.readFileSync(path.join(__dirname, '..', '..', 'docker-compose.yml'), 'utf8');
  const temporalImages = [...compose.matchAll(/image: (temporalio\/(?!ui:)[a-z-]+):(\S+)\n/g)].map((m) => `${m[1]}:${m[2]}`);
  expect(temporalImages.sort()).toEqual(
    [
      `temporalio/admin-tools:${TEMPORAL_SERVER_VERSION}`,
      `temporalio/admin-tools:${TEMPORAL_SERVER_VERSION}`,
      `temporalio/server:${TEMPORAL_SERVER_VERSION}`,
    ].sort(),
  );
  expect(TEMPORAL_UPGRADE_PATH.at(-1)).toBe(TEMPORAL_SERVER_VERSION);
  expect(TEMPORAL_UPGRADE_PATH[0]).toBe('1.29.1');
});

test("both production topologies run the deployment's dynamic config: one task-queue partition", () => {
  const compose = fs.readFileSync(path.join(__dirname, '..', '..', 'docker-compose.yml'), 'utf8');
  expect(compose).toContain('./deploy/temporal/dynamicconfig.yaml:/etc/temporal/config/dynamicconfig/zj-approvals.yaml:ro');
  expect(compose).toContain('DYNAMIC_CONFIG_FILE_PATH: config/dynamicconfig/zj-approvals.yaml');
  const merged = dynamicConfig('limit.maxIDLength:\n  - value: 255\n');
  expect(merged).toMatch(/^limit\.maxIDLength:/);
  expect(merged).toMatch(/^matching\.numTaskqueueReadPartitions:\n {2}- value: 1$/m);
  expect(merged).toMatch(/^matching\.numTaskqueueWritePartitions:\n {2}- value: 1$/m);
  expect(fs.readFileSync(DEPLOYMENT_DYNAMIC_CONFIG, 'utf8')).toContain('matching.numTaskqueueWritePartitions');
  // a key the release sets as well would leave the server to pick one of the two: refused
  expect(() => dynamicConfig('matching.numTaskqueueReadPartitions:\n  - value: 4\n')).toThrow(/sets matching.numTaskqueueReadPartitions/);
});

test('nothing available: the error names every way to provide the server', async () => {
  const empty = fs.mkdtempSync(path.join(os.tmpdir(), 'zj-tsrv-'));
  process.env.TEMPORAL_SERVER_CACHE_DIR = empty;
  process.env.GO = path.join(empty, 'no-go-here');
  delete process.env.TEMPORAL_SERVER_PATH;
  delete process.env.TEMPORAL_SQL_TOOL_PATH;
  const err = await locateTemporalServer(() => undefined).then(
    () => null,
    (e: Error) => e,
  );
  fs.rmSync(empty, { recursive: true, force: true });
  expect(err?.message).toContain(`v${TEMPORAL_SERVER_VERSION} is not available`);
  for (const way of ['TEMPORAL_SERVER_PATH', 'TEMPORAL_SQL_TOOL_PATH', path.join(empty, `v${TEMPORAL_SERVER_VERSION}`), 'go install', 'https://go.dev/dl'])
    expect(err?.message).toContain(way);
});

test('explicit paths are used as given, with the schema directory named beside them', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'zj-tsrv-'));
  const exe = (name: string) => {
    const f = path.join(dir, name);
    fs.writeFileSync(f, '#!/bin/sh\n', { mode: 0o755 });
    return f;
  };
  fs.mkdirSync(path.join(dir, 'schema', 'temporal', 'versioned'), { recursive: true });
  process.env.TEMPORAL_SERVER_CACHE_DIR = path.join(dir, 'cache');
  process.env.TEMPORAL_SERVER_PATH = exe('my-server');
  process.env.TEMPORAL_SQL_TOOL_PATH = exe('my-sql-tool');
  process.env.TEMPORAL_SERVER_SCHEMA_DIR = path.join(dir, 'schema');
  const found = await locateTemporalServer(() => undefined);
  expect(found).toMatchObject({
    source: 'env',
    server: path.join(dir, 'my-server'),
    sqlTool: path.join(dir, 'my-sql-tool'),
    schemaDir: path.join(dir, 'schema'),
  });
  // a path that is not an executable is refused, not used
  process.env.TEMPORAL_SQL_TOOL_PATH = path.join(dir, 'missing');
  process.env.GO = path.join(dir, 'no-go-here');
  await expect(locateTemporalServer(() => undefined)).rejects.toThrow(/TEMPORAL_SQL_TOOL_PATH \(.*missing\) must both name executables/);
  fs.rmSync(dir, { recursive: true, force: true });
});

test('a machine that never built the server: go install fills a cache whose parent directories do not exist yet', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'zj-tsrv-'));
  // a stand-in for the go command: `install` writes the binary into $GOBIN, `env GOMODCACHE` names a module cache
  // holding the module's schema and dynamic config, as a real `go install …@version` leaves them
  const modCache = path.join(dir, 'gomod');
  const mod = path.join(modCache, `go.temporal.io/server@v${TEMPORAL_SERVER_VERSION}`);
  fs.mkdirSync(path.join(mod, 'schema', 'postgresql', 'v12', 'temporal', 'versioned'), { recursive: true });
  fs.mkdirSync(path.join(mod, 'config', 'dynamicconfig'), { recursive: true });
  fs.writeFileSync(path.join(mod, 'config', 'dynamicconfig', 'development-sql.yaml'), '{}\n');
  const go = path.join(dir, 'go');
  fs.writeFileSync(
    go,
    `#!/bin/sh
case "$1" in
  version) echo "go version stand-in" ;;
  env) echo "${modCache}" ;;
  install) name=$(basename "\${2%@*}"); printf '#!/bin/sh\n' > "$GOBIN/$name" && chmod 755 "$GOBIN/$name" ;;
  *) exit 2 ;;
esac
`,
    { mode: 0o755 },
  );
  process.env.GO = go;
  process.env.GOMODCACHE = modCache;
  delete process.env.TEMPORAL_SERVER_PATH;
  delete process.env.TEMPORAL_SQL_TOOL_PATH;
  // the cache root and its parent are missing, as in ~/.cache/zj-approvals/temporal-server on a fresh machine
  process.env.TEMPORAL_SERVER_CACHE_DIR = path.join(dir, 'fresh-home', '.cache', 'temporal-server');
  const found = await locateTemporalServer(() => undefined);
  const cache = path.join(dir, 'fresh-home', '.cache', 'temporal-server', `v${TEMPORAL_SERVER_VERSION}`);
  expect(found).toMatchObject({ source: 'go-install', server: path.join(cache, 'server'), sqlTool: path.join(cache, 'temporal-sql-tool') });
  // the second lookup finds the cache, and no build directory is left beside it
  expect((await locateTemporalServer(() => undefined)).source).toBe('cache');
  expect(fs.readdirSync(path.dirname(cache))).toEqual([`v${TEMPORAL_SERVER_VERSION}`]);
  fs.rmSync(dir, { recursive: true, force: true });
});

test('the cache is keyed by version, outside the repository', () => {
  delete process.env.TEMPORAL_SERVER_CACHE_DIR;
  const dir = temporalServerCacheDir();
  expect(dir.endsWith(path.join('zj-approvals', 'temporal-server', `v${TEMPORAL_SERVER_VERSION}`))).toBe(true);
  expect(dir.startsWith(path.resolve(__dirname, '..', '..'))).toBe(false);
});
