import * as path from 'node:path';

import { type Log, EXE_EXT, VERIFY_TIMEOUT_MS, type BinarySpec, run, describeRun } from './common';
import { checkCandidate, isExecutableFile } from './verify';

// ---------------------------------------------------------------------------
// Step 2: PATH
// ---------------------------------------------------------------------------

export async function findOnPath(spec: BinarySpec, log: Log): Promise<{ found?: string; reason: string }> {
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
export async function resolvePyenvShim(file: string, name: string, log: Log): Promise<string | undefined> {
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
