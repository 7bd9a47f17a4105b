import * as fs from 'node:fs';

import { IS_WINDOWS, VERIFY_TIMEOUT_MS, type BinarySpec, type VerifyResult, run, describeRun, firstLine } from './common';

// ---------------------------------------------------------------------------
// Verification
// ---------------------------------------------------------------------------

/** Returns undefined if the file is a working binary, else the reason it is not. */
export async function checkCandidate(spec: BinarySpec, file: string): Promise<string | undefined> {
  if (!isExecutableFile(file)) {
    return fs.existsSync(file) ? 'not an executable file' : 'file does not exist';
  }
  const v = await spec.verify(file);
  return v.ok ? undefined : v.detail;
}

export async function verifyCli(file: string): Promise<VerifyResult> {
  const r = await run(file, ['--version'], { timeoutMs: VERIFY_TIMEOUT_MS });
  const out = `${r.stdout}\n${r.stderr}`.trim();
  if (r.code === 0 && /temporal version/i.test(out)) {
    return { ok: true, detail: firstLine(out) };
  }
  return { ok: false, detail: `\`${file} --version\` failed (${describeRun(r)})` };
}

export async function verifyTestServer(file: string): Promise<VerifyResult> {
  // The test server has no --version; run without arguments prints its usage and exits 0:
  //   Usage: <command> <port> <flags> ... --enable-time-skipping ...
  const r = await run(file, [], { timeoutMs: VERIFY_TIMEOUT_MS });
  const out = `${r.stdout}\n${r.stderr}`;
  if (/enable-time-skipping|io\.temporal\.testserver/i.test(out) && !/command not found/i.test(out)) {
    return { ok: true, detail: firstLine(out.trim()) };
  }
  return { ok: false, detail: `\`${file}\` did not print the test server usage (${describeRun(r)})` };
}

export function isExecutableFile(file: string): boolean {
  try {
    const st = fs.statSync(file);
    if (!st.isFile() || st.size === 0) return false;
    if (!IS_WINDOWS) fs.accessSync(file, fs.constants.X_OK);
    return true;
  } catch {
    return false;
  }
}
