import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import { type Log, PROJECT_VENV, IS_WINDOWS, EXE_EXT, PIP_QUERY_TIMEOUT_MS, PIP_INSTALL_TIMEOUT_MS, type BinarySpec, run, describeRun } from './common';
import { checkCandidate, isExecutableFile } from './verify';

// ---------------------------------------------------------------------------
// Step 4: pip
// ---------------------------------------------------------------------------

export let pythonsPromise: Promise<string[]> | undefined;

/** Python interpreters that have a working pip, best first (project venv, PATH, pyenv, system). */
export function findPythons(log: Log): Promise<string[]> {
  pythonsPromise ??= (async () => {
    const home = os.homedir();
    const pyenvRoots = [process.env.PYENV_ROOT, path.join(home, '.pyenv'), '/root/.pyenv'].filter((r): r is string => !!r);
    const venvPy = path.join(PROJECT_VENV, IS_WINDOWS ? 'Scripts' : 'bin', `python${EXE_EXT}`);
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

export function which(name: string): string[] {
  const dirs = (process.env.PATH ?? '').split(path.delimiter).filter((d) => d !== '');
  return dirs.map((d) => path.resolve(d, name + EXE_EXT)).filter(isExecutableFile);
}

export const PIP_ENV = { ...process.env, PIP_DISABLE_PIP_VERSION_CHECK: '1', PIP_NO_INPUT: '1' };

/** `python -m pip show -f <pkg>` → absolute path of the packaged executable, if installed and working. */
export async function pipShow(spec: BinarySpec, python: string, log: Log): Promise<string | undefined> {
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

export async function findViaPip(spec: BinarySpec, log: Log): Promise<string> {
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
    const venvPy = path.join(PROJECT_VENV, IS_WINDOWS ? 'Scripts' : 'bin', `python${EXE_EXT}`);
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
