/**
 * The Temporal Web UI of `npm start` shows an admin the payloads decoded through the API's codec endpoint
 * (platform/codec/routes.ts), and nobody else: the same page in a browser without the admin's codec cookie shows
 * only ciphertext. Every decode is on the audit trail.
 */
import type { Browser, Page } from 'playwright-core';
import { launchBrowser, screenshot, startSystem, type RunningSystem } from './system';
import { uploadClaimMaterials } from '../../nanxun/materialsClient';
import { addDays, shanghaiDate } from '../../platform/calendar/workdays';

jest.setTimeout(600_000);

let sys: RunningSystem;
let browser: Browser;
beforeAll(async () => {
  [sys, browser] = await Promise.all([startSystem(), launchBrowser()]);
}, 300_000);
afterAll(async () => {
  await browser?.close().catch(() => undefined);
  await sys?.stop();
});

const api = () => `http://localhost:${sys.ports.api}`;
const ui = () => `http://localhost:${sys.ports.ui}`;
async function call(method: string, p: string, token?: string, body?: unknown) {
  const r = await fetch(`${api()}${p}`, {
    method,
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: r.status, body: (await r.json().catch(() => null)) as any };
}
const login = async (u: string) => (await call('POST', '/api/v1/auth/login', undefined, { username: u, password: 'demo' })).body.token as string;

/**
 * The workflow's page in the Web UI, its input shown as the UI decodes it. The UI sends the browser's cookie to the
 * codec endpoint only with "include cross-origin credentials" on: set here as a person sets it in the UI's codec
 * settings (which the UI keeps in local storage, with the endpoint npm start configured).
 */
async function workflowPage(page: Page, workflowId: string): Promise<void> {
  await page.addInitScript((endpoint) => {
    localStorage.setItem('overrideRemoteCodecConfiguration', 'true');
    localStorage.setItem('endpoint', JSON.stringify(endpoint));
    localStorage.setItem('includeCredentials', 'true');
  }, `${api()}/api/v1/codec`);
  await page.goto(`${ui()}/namespaces/default/workflows/${encodeURIComponent(workflowId)}`);
}

test('the Web UI shows an admin the decoded payloads through the codec endpoint; without the admin cookie it stays encrypted', async () => {
  const applicant = await login('applicant1');
  const today = shanghaiDate(new Date());
  const certificateNo = `CODEC-UI-${Date.now() % 100000}`;
  const created = await call('POST', '/api/v1/nanxun/claims', applicant, {
    kind: 'certificate',
    employerOrgCode: 'NX-E-LHWL',
    certificate: { number: certificateNo, level: 'junior', issuedOn: addDays(today, -20), receivedOn: addDays(today, -10) },
    materials: await uploadClaimMaterials(api(), applicant, 'certificate'),
  });
  expect(created.status).toBe(201);
  const admin = await login('admin');
  const workflowId = `nanxun-claim-${created.body.applicationNo}`;

  // the admin's browser: the console's codec session sets the cookie for the codec path
  const adminCtx = await browser.newContext({ locale: 'zh-CN', viewport: { width: 1366, height: 900 } });
  const cookie = await adminCtx.request.post(`${api()}/api/v1/codec/session`, { headers: { authorization: `Bearer ${admin}` } });
  expect(cookie.status()).toBe(204);
  const page = await adminCtx.newPage();
  await workflowPage(page, workflowId);
  // the input card shows the decoded input: its fields, the applicant as a reference (never the ID number)
  await page.getByText('"amountYuan"').first().waitFor({ timeout: 120_000 });
  expect(await page.getByText('"employerOrgCode"').count()).toBeGreaterThan(0);
  expect(await page.locator('body').textContent()).not.toMatch(/"applicantIdNumber":\s*"\d{17}[\dX]"/);
  await screenshot(page, 'codec-01-admin-sees-decoded', { a11y: false });

  // a browser without the admin's cookie: the same page, no decoded input
  const otherCtx = await browser.newContext({ locale: 'zh-CN', viewport: { width: 1366, height: 900 } });
  const other = await otherCtx.newPage();
  const refused: number[] = [];
  other.on('response', (r) => {
    if (r.url().includes('/api/v1/codec/decode')) refused.push(r.status());
  });
  await workflowPage(other, workflowId);
  await other.getByText(workflowId).first().waitFor({ timeout: 120_000 });
  // the UI asked the codec endpoint, which refused it, so the page keeps the ciphertext
  for (const until = Date.now() + 60_000; refused.length === 0 && Date.now() < until; ) await other.waitForTimeout(500);
  await other.waitForTimeout(3000);
  expect(new Set(refused)).toEqual(new Set([401]));
  expect(await other.getByText('"amountYuan"').count()).toBe(0);
  expect(await other.content()).not.toContain('amountYuan');
  expect(await other.content()).not.toContain(certificateNo);
  await screenshot(other, 'codec-02-others-see-ciphertext', { a11y: false });

  // the auditor sees every decode, by the admin, from the Web UI's origin
  const audit = await call('GET', '/api/v1/admin/audit?action=codec.decode', await login('auditor'));
  expect(audit.status).toBe(200);
  expect(audit.body.length).toBeGreaterThan(0);
  expect(audit.body[0]).toMatchObject({ actor: 'admin', target: { type: 'temporal_namespace', id: 'default' } });
  await adminCtx.close();
  await otherCtx.close();
});
