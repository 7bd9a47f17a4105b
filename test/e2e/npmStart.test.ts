/**
 * `npm start` as a person runs it: embedded Postgres, the Temporal dev server with its UI, worker and API;
 * a claim advances; Ctrl-C stops everything; the next start keeps the data and the running workflow.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { portInUse } from '../../runtime/temporalDevServer';
import { freePort } from '../../tools/ports';
import { Client, Connection } from '@temporalio/client';
import { shanghaiDate, addDays } from '../../platform/calendar/workdays';
import { uploadRequiredMaterials } from '../../platform/materials/httpClient';

jest.setTimeout(240_000);

const root = path.resolve(__dirname, '..', '..');
let dataDir: string;
let ports: { api: number; pg: number; temporal: number; ui: number };
let child: ChildProcess | null = null;
let output = '';

function start(): ChildProcess {
  output = '';
  const c = spawn('npm', ['start'], {
    cwd: root,
    env: {
      ...process.env,
      DATA_DIR: dataDir,
      PORT: String(ports.api),
      PG_PORT: String(ports.pg),
      TEMPORAL_PORT: String(ports.temporal),
      TEMPORAL_UI_PORT: String(ports.ui),
      DATABASE_URL: '',
      TEMPORAL_ADDRESS: '',
      NODE_ENV: 'development',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  c.stdout!.on('data', (d) => (output += d));
  c.stderr!.on('data', (d) => (output += d));
  return c;
}

async function stop(c: ChildProcess): Promise<number | null> {
  if (c.exitCode !== null || c.signalCode !== null) return c.exitCode;
  const exited = new Promise<number | null>((resolve) => c.once('exit', (code) => resolve(code)));
  // Ctrl-C reaches the whole foreground process group
  process.kill(-c.pid!, 'SIGINT');
  const timer = setTimeout(() => {
    try {
      process.kill(-c.pid!, 'SIGKILL');
    } catch {
      /* already gone */
    }
  }, 30_000);
  const code = await exited;
  clearTimeout(timer);
  return code;
}

const base = () => `http://127.0.0.1:${ports.api}`;
async function waitHealthy(timeoutMs: number): Promise<number> {
  const t0 = Date.now();
  for (;;) {
    try {
      const r = await fetch(`${base()}/healthz`);
      if (r.status === 200) return Date.now() - t0;
    } catch {
      /* not up yet */
    }
    if (child && child.exitCode !== null) throw new Error(`npm start exited with ${child.exitCode}; output:\n${output}`);
    if (Date.now() - t0 > timeoutMs) throw new Error(`not healthy after ${timeoutMs} ms; output:\n${output}`);
    await new Promise((r) => setTimeout(r, 500));
  }
}
async function api(method: string, p: string, token?: string, body?: unknown) {
  const r = await fetch(`${base()}${p}`, {
    method,
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: r.status, body: (await r.json().catch(() => null)) as any };
}
const login = async (u: string) => (await api('POST', '/api/v1/auth/login', undefined, { username: u, password: 'demo' })).body.token as string;

beforeAll(async () => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'zj-e2e-'));
  fs.chmodSync(dataDir, 0o755);
  const [api, pg, temporal, ui] = [await freePort(), await freePort(), await freePort(), await freePort()];
  ports = { api, pg, temporal, ui };
});

afterAll(async () => {
  if (child) await stop(child);
  fs.rmSync(dataDir, { recursive: true, force: true });
});

test('npm start serves a healthy system, and a second start keeps the data and the running workflows', async () => {
  child = start();
  const ms = await waitHealthy(90_000);
  expect(ms).toBeLessThan(90_000);
  for (const where of [`localhost:${ports.api}/api/v1`, `127.0.0.1:${ports.ui}`, 'Temporal Web UI', 'PostgreSQL', dataDir]) expect(output).toContain(where);
  expect((await fetch(`http://127.0.0.1:${ports.ui}/`)).status).toBe(200);
  // the yearly instalment release Schedule exists (and shows in the Temporal UI)
  expect(output).toContain('nanxun-instalment-release-yearly');
  const connection = await Connection.connect({ address: `127.0.0.1:${ports.temporal}` });
  const schedule = await new Client({ connection }).schedule.getHandle('nanxun-instalment-release-yearly').describe();
  expect(schedule.action).toMatchObject({ workflowType: 'instalmentReleaseWorkflow' });
  await connection.close();

  const applicant = await login('applicant1');
  const today = shanghaiDate(new Date());
  const created = await api('POST', '/api/v1/nanxun/claims', applicant, {
    kind: 'certificate',
    employerOrgCode: 'NX-E-LHWL',
    certificate: { number: 'E2E-1', level: 'junior', issuedOn: addDays(today, -20), receivedOn: addDays(today, -10) },
    materials: await uploadRequiredMaterials(base(), applicant, 'nanxun_claim', 'certificate'),
  });
  expect(created.status).toBe(201);
  const unit = await login('unit.lhwl');
  const tasks = await api('GET', '/api/v1/tasks', unit);
  const t = tasks.body.find((x: any) => x.subject.id === created.body.id);
  expect((await api('POST', `/api/v1/tasks/${encodeURIComponent(t.id)}/decision`, unit, { decision: 'approve' })).body.subject.status).toBe('bureau_review');

  await stop(child);
  child = null;
  expect(output).toContain('[start] stopped.');
  expect(await portInUse(ports.api)).toBe(false);
  expect(await portInUse(ports.pg)).toBe(false);

  child = start();
  await waitHealthy(90_000);
  expect(output).not.toContain('demo accounts created');
  const bureau = await login('bureau1');
  const claim = await api('GET', `/api/v1/nanxun/claims/${created.body.id}`, bureau);
  expect(claim.body.status).toBe('bureau_review');
  const bt = claim.body.tasks.find((x: any) => x.kind === 'bureau_review');
  // the workflow started before the restart carries on
  const decided = await api('POST', `/api/v1/tasks/${encodeURIComponent(bt.id)}/decision`, bureau, { decision: 'approve' });
  expect(decided.status).toBe(200);
  expect(decided.body.subject.status).toBe('rereview');
  // 菱湖物流 is re-reviewed by its town, 菱湖镇
  expect((await api('GET', `/api/v1/nanxun/claims/${created.body.id}`, bureau)).body.rereviewOrg.code).toBe('NX-T-LHZ');
});
