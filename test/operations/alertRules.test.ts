/**
 * The Prometheus alert rules (deploy/prometheus/alerts.yml) are valid, behave as their unit tests say (promtool, from
 * Debian's `prometheus` package; .ci/run installs it), each is unit-tested and each has its runbook entry.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const dir = path.join(__dirname, '..', '..', 'deploy', 'prometheus');
const promtool = process.env.PROMTOOL_PATH ?? 'promtool';

function run(args: string[]): { status: number | null; out: string } {
  const r = spawnSync(promtool, args, { cwd: dir, encoding: 'utf8' });
  if (r.error) throw new Error(`${promtool} is needed (apt-get install prometheus, or set PROMTOOL_PATH): ${r.error.message}`);
  return { status: r.status, out: `${r.stdout}${r.stderr}` };
}

const alertNames = () => [...fs.readFileSync(path.join(dir, 'alerts.yml'), 'utf8').matchAll(/- alert: (\w+)/g)].map((m) => m[1]!);

test('promtool check rules: the alert rules are valid', () => {
  const r = run(['check', 'rules', 'alerts.yml']);
  expect(r.out).toContain(`SUCCESS: ${alertNames().length} rules found`);
  expect(r.status).toBe(0);
});

test('promtool test rules: each alert fires when it should and not before', () => {
  const r = run(['test', 'rules', 'alerts.test.yml']);
  expect(r.out).toContain('SUCCESS');
  expect(r.status).toBe(0);
});

test('every alert is unit-tested firing, and has its section in docs/operations.md', () => {
  const tests = fs.readFileSync(path.join(dir, 'alerts.test.yml'), 'utf8');
  const runbook = fs.readFileSync(path.join(__dirname, '..', '..', 'docs', 'operations.md'), 'utf8');
  for (const name of alertNames()) {
    expect(tests).toMatch(new RegExp(`alertname: ${name}\\n\\s+exp_alerts:\\n\\s+- exp_labels`));
    expect(runbook).toMatch(new RegExp(`^#### ${name}$`, 'm'));
  }
});
