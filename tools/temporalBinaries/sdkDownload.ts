import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import {
  type Log,
  PROJECT_ROOT,
  DATA_BIN_DIR,
  IS_WINDOWS,
  EXE_EXT,
  DOWNLOAD_INFO_TIMEOUT_MS,
  DOWNLOAD_ARCHIVE_TIMEOUT_MS,
  type BinarySpec,
  CLI_SPEC,
  TEST_SERVER_SPEC,
  run,
  describeRun,
  errorMessage,
} from './common';
import { checkCandidate } from './verify';

// ---------------------------------------------------------------------------
// Step 3: SDK download
// ---------------------------------------------------------------------------

/** Version of @temporalio/testing, which the SDK reports to temporal.download as sdk-version. */
export function sdkVersion(): string {
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
export function sdkCachePath(prefix: string): string {
  return path.join(os.tmpdir(), `${prefix}-sdk-typescript-${sdkVersion()}${EXE_EXT}`);
}

export async function firstWorking(spec: BinarySpec, candidates: string[], log: Log): Promise<string | undefined> {
  for (const c of candidates) {
    if (!fs.existsSync(c)) continue;
    const problem = await checkCandidate(spec, c);
    if (!problem) return c;
    log(`${spec.label}: ignoring cached download ${c}: ${problem}`);
  }
  return undefined;
}

export async function sdkDownloadCli(log: Log): Promise<string> {
  const dest = path.join(DATA_BIN_DIR, `temporal${EXE_EXT}`);
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

export async function sdkCachedTestServer(log: Log): Promise<string> {
  const candidates = [path.join(DATA_BIN_DIR, `temporal-test-server${EXE_EXT}`), sdkCachePath('temporal-test-server')];
  const existing = await firstWorking(TEST_SERVER_SPEC, candidates, log);
  if (existing) return existing;
  throw new Error(`no cached download at ${candidates.join(' or ')}`);
}
