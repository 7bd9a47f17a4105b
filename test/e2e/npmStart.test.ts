/**
 * `npm start` as a person runs it: embedded Postgres, the Temporal dev server with its UI, worker and API;
 * a claim advances; Ctrl-C stops everything; the next start keeps the data and the running workflow.
 */
import fs from 'node:fs';
import path from 'node:path';
import { Client as PgClient } from 'pg';
import { filesReadableByOthers } from '../../runtime/dataDir';
import { demoAccounts } from '../../db/seed';
import { isValidIdNumber } from '../../platform/identity/idNumber';
import { portInUse } from '../../runtime/temporalDevServer';
import { Client, Connection } from '@temporalio/client';
import { shanghaiDate, addDays } from '../../platform/calendar/workdays';
import { uploadClaimMaterials } from '../../nanxun/materialsClient';
import { freeStartPorts, newDataDir, spawnNpmStart, stopNpmStart, waitHealthy, type NpmStart, type StartPorts } from '../helpers/npmStart';
import { dataConverter } from '../../platform/crypto/payloadCodec';

jest.setTimeout(240_000);

let dataDir: string;
let ports: StartPorts;
let running: NpmStart | null = null;
const start = () => (running = spawnNpmStart(dataDir, ports));

const base = () => `http://127.0.0.1:${ports.api}`;
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
  dataDir = newDataDir('zj-e2e-');
  ports = await freeStartPorts();
});

afterAll(async () => {
  if (running) await stopNpmStart(running.child);
  fs.rmSync(dataDir, { recursive: true, force: true });
});

test('npm start serves a healthy system, and a second start keeps the data and the running workflows', async () => {
  const first = start();
  const ms = await waitHealthy(base(), first, 90_000);
  expect(ms).toBeLessThan(90_000);
  for (const where of [`localhost:${ports.api}/api/v1`, `127.0.0.1:${ports.ui}`, 'Temporal Web UI', 'PostgreSQL', dataDir])
    expect(first.output()).toContain(where);
  expect((await fetch(`http://127.0.0.1:${ports.ui}/`)).status).toBe(200);
  // the yearly instalment release Schedule exists (and shows in the Temporal UI)
  expect(first.output()).toContain('nanxun-instalment-release-yearly');
  const connection = await Connection.connect({ address: `127.0.0.1:${ports.temporal}` });
  const schedule = await new Client({ connection, dataConverter: dataConverter() }).schedule.getHandle('nanxun-instalment-release-yearly').describe();
  expect(schedule.action).toMatchObject({ workflowType: 'instalmentReleaseWorkflow' });
  await connection.close();

  const applicant = await login('applicant1');
  const today = shanghaiDate(new Date());
  const created = await api('POST', '/api/v1/nanxun/claims', applicant, {
    kind: 'certificate',
    employerOrgCode: 'NX-E-LHWL',
    certificate: { number: 'E2E-1', level: 'junior', issuedOn: addDays(today, -20), receivedOn: addDays(today, -10) },
    materials: await uploadClaimMaterials(base(), applicant, 'certificate'),
  });
  expect(created.status).toBe(201);
  const unit = await login('unit.lhwl');
  const tasks = await api('GET', '/api/v1/tasks', unit);
  const t = tasks.body.find((x: any) => x.subject.id === created.body.id);
  expect((await api('POST', `/api/v1/tasks/${encodeURIComponent(t.id)}/decision`, unit, { decision: 'approve' })).body.subject.status).toBe('bureau_review');

  await stopNpmStart(first.child);
  expect(first.output()).toContain('[start] stopped.');
  expect(await portInUse(ports.api)).toBe(false);
  expect(await portInUse(ports.pg)).toBe(false);

  const second = start();
  await waitHealthy(base(), second, 90_000);
  expect(second.output()).not.toContain('demo accounts created');
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

/** Every file under the data folder but PostgreSQL's own (its tables keep ID numbers encrypted; see storage.test.ts). */
function filesOutsidePg(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) {
        if (p !== path.join(dir, 'pg')) walk(p);
      } else if (e.isFile()) out.push(p);
    }
  };
  walk(dir);
  return out;
}

test('what npm start writes under .data is its owner’s only and holds no ID or phone number; the app connects as approvals_app', async () => {
  expect(running).not.toBeNull();
  // owner-only: no file or folder anyone else may read (the folder itself may be passed through, for postgres)
  expect(filesReadableByOthers(dataDir)).toEqual([]);
  expect(fs.statSync(path.join(dataDir, 'temporal.db')).mode & 0o077).toBe(0);
  expect(fs.statSync(path.join(dataDir, 'logs', 'app.log')).mode & 0o077).toBe(0);

  // every connection to the app's database is the DML-only role's, and that role cannot run programs
  const admin = new PgClient({ connectionString: `postgres://postgres:postgres@127.0.0.1:${ports.pg}/approvals` });
  await admin.connect();
  try {
    const users = await admin.query(
      `select distinct usename from pg_stat_activity where datname = 'approvals' and pid <> pg_backend_pid() and usename is not null`,
    );
    expect(users.rows.map((r) => r.usename)).toEqual(['approvals_app']);
    const super_ = await admin.query(`select rolsuper from pg_roles where rolname = 'approvals_app'`);
    expect(super_.rows).toEqual([{ rolsuper: false }]);
  } finally {
    await admin.end();
  }

  await stopNpmStart(running!.child);
  running = null;
  const known = demoAccounts().flatMap((a) => [a.idNumber, a.phone]);
  const found: string[] = [];
  for (const file of filesOutsidePg(dataDir)) {
    const text = fs.readFileSync(file).toString('latin1');
    for (const k of known) if (text.includes(k)) found.push(`${path.relative(dataDir, file)}: ${k}`);
    for (const m of text.matchAll(/(?<![0-9A-Za-z-])[1-9]\d{16}[\dXx](?![0-9A-Za-z])/g))
      if (isValidIdNumber(m[0])) found.push(`${path.relative(dataDir, file)}: ${m[0]}`);
  }
  expect(found).toEqual([]);
});
