/**
 * Signing in with the province's identity, in a real browser, against the development stand-ins: an applicant
 * signs in with 浙里办 (个人), proves the account they registered earlier with its password, and submits a claim; the
 * employer's legal person signs in with 浙里办 (法人) and designates a unit verifier, who signs in with their own
 * 浙里办 identity and decides the unit task; the bureau clerk signs in by "scanning" the 浙政钉 QR page; once the
 * security administrator switches password login off for bureau reviewers, the password form refuses bureau1.
 */
import type { Page } from 'playwright-core';
import { attachMaterials, confirmDialog, chooseEmployer, decideInBrowser, openConfirmation, pickDate, screenshot } from './system';
import { useSkippingJourney } from './skippingSystem';
import { makeIdNumber } from '../../platform/identity/idNumber';
import { shanghaiDate } from '../../platform/calendar/workdays';

jest.setTimeout(600_000);

const { sys, context } = useSkippingJourney('federated');

const daysAgo = async (n: number) => shanghaiDate((await sys().env.currentTimeMs()) - n * 86_400_000);
const newPage = async (): Promise<Page> => (await context()).newPage();
/** the page left the login pages (the console's own start page for the account) */
const signedIn = (page: Page) =>
  page.waitForURL((u) => !u.pathname.startsWith('/login') && !u.pathname.startsWith('/dev-idp') && !u.pathname.startsWith('/api'));

test('applicant, legal person, verifier and clerk sign in through the stand-ins; password login off refuses bureau1', async () => {
  // the applicant: 浙里办登录（个人）, picks their identity at the stand-in, proves their registered account
  const applicant = await newPage();
  await applicant.goto('/login');
  await applicant.getByTestId('provider-zlb-person').click();
  await applicant.getByText('浙里办 · 个人登录').waitFor();
  await applicant.locator('[data-testid="zlb-identity"]').filter({ hasText: '李娜' }).click();
  await applicant.getByText('关联已有账号').waitFor();
  await screenshot(applicant, 'federated-01-link-existing-account');
  await applicant.locator('#link-username').fill('applicant3');
  await applicant.locator('#link-password').fill('wrong-password');
  await applicant.getByTestId('link-submit').click();
  await applicant.getByTestId('callback-error').waitFor();
  await applicant.locator('#link-password').fill('demo');
  await applicant.getByTestId('link-submit').click();
  await signedIn(applicant);

  await applicant.goto('/my/claims/new');
  await chooseEmployer(applicant, '双林', '湖州双林建设工程有限公司');
  await applicant.locator('#certNumber').fill('AQ-2026-021021');
  await applicant.getByText('初级（1,000元）').click();
  await pickDate(applicant, 'issuedOn', await daysAgo(30), { submit: false });
  await pickDate(applicant, 'receivedOn', await daysAgo(20), { submit: false });
  await attachMaterials(applicant, ['id_card', 'certificate']);
  await applicant.getByTestId('declaration').click();
  const confirm = await openConfirmation(applicant, 'claim-submit');
  await confirm.getByText('¥1,000 元').waitFor();
  await confirmDialog(applicant, '确认提交');
  const noEl = applicant.getByTestId('created-application-no');
  await noEl.waitFor();
  const no = (await noEl.textContent())!.trim();

  // the employer's legal person: 浙里办登录（法人）, designates a verifier
  const legal = await newPage();
  await legal.goto('/login');
  await legal.getByTestId('provider-zlb-legal').click();
  await legal.locator('[data-testid="zlb-identity"]').filter({ hasText: '湖州双林建设工程有限公司' }).click();
  await legal.waitForURL((u) => u.pathname === '/enterprise/verifiers');
  const verifierId = makeIdNumber('33050319860606002');
  await legal.locator('#verifier-name').fill('孙核验');
  await legal.locator('#verifier-id').fill(verifierId);
  await legal.getByTestId('verifier-submit').click();
  await legal.getByRole('cell', { name: '孙核验' }).waitFor();
  await screenshot(legal, 'federated-02-legal-person-designates');

  // the verifier signs in with their own 浙里办 identity (the stand-in's non-interactive path) and decides
  const verifier = await newPage();
  await verifier.goto(`/api/v1/auth/providers/zlb-person/start?login_hint=${verifierId}`);
  await signedIn(verifier);
  await decideInBrowser(verifier, no, 'federated-03-verifier-decides');

  // the bureau clerk: 浙政钉扫码登录, the QR page, the phone's scan
  const clerk = await newPage();
  await clerk.goto('/login');
  await clerk.getByTestId('provider-zzd').click();
  await clerk.getByText('浙政钉 · 扫码登录').waitFor();
  await clerk.locator('[data-testid="zzd-scan"][data-username="bureau1"]').click();
  await clerk.waitForURL((u) => u.pathname === '/tasks');
  await clerk.locator(`[data-testid="task-link"][data-ref="${no}"]`).first().waitFor();
  await screenshot(clerk, 'federated-04-clerk-inbox-after-zzd');

  // the security administrator switches password login off for bureau reviewers: the form refuses bureau1
  const login = await fetch(`${sys().base}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ username: 'secadmin', password: 'demo' }),
  });
  const { token } = (await login.json()) as { token: string };
  const off = await fetch(`${sys().base}/api/v1/admin/login-policy/bureau_reviewer`, {
    method: 'PUT',
    headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` },
    body: JSON.stringify({ passwordLogin: false, reason: '初审人员均已开通浙政钉' }),
  });
  expect(off.status).toBe(204);
  const refused = await newPage();
  await refused.goto('/login');
  await refused.getByTestId('clerk-password-off').waitFor();
  await refused.locator('#login-username').fill('bureau1');
  await refused.locator('#login-password').fill('demo');
  await refused.getByTestId('login-submit').click();
  await refused.getByTestId('login-error').filter({ hasText: '浙政钉' }).waitFor();
  expect(new URL(refused.url()).pathname).toBe('/login');
  await screenshot(refused, 'federated-05-password-login-off');
});
