/**
 * patches/@temporalio+worker+1.24.0.patch (applied by `npm install`'s postinstall, patch-package): the workflow
 * sandbox's promise hook — a source-mapped stack trace captured for every promise a workflow creates, used only by
 * the stack-trace query — is off unless TEMPORAL_WORKFLOW_STACK_TRACES=on (docs/performance.md, issue 23).
 * Each case runs in a fresh process: the SDK installs its hooks once per thread.
 */
import { execFileSync } from 'node:child_process';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '..', '..');

function hookInstalled(env: Record<string, string>): boolean {
  const out = execFileSync(
    process.execPath,
    [
      '-e',
      "const { globalHandlers } = require('@temporalio/worker/lib/workflow/vm-shared'); globalHandlers.install(); console.log(globalHandlers.promiseHookInstalled)",
    ],
    { cwd: ROOT, env: { PATH: process.env.PATH ?? '', ...env }, encoding: 'utf8' },
  );
  return out.trim() === 'true';
}

test('the installed SDK carries the patch: no promise hook in the workflow sandbox by default', () => {
  expect(hookInstalled({})).toBe(false);
});

test('TEMPORAL_WORKFLOW_STACK_TRACES=on brings the stack-trace query back', () => {
  expect(hookInstalled({ TEMPORAL_WORKFLOW_STACK_TRACES: 'on' })).toBe(true);
});
