/**
 * The security administrator's console for federated sign-in, in a real browser against `npm start`: switches
 * password login off for bureau reviewers on the 登录方式 screen (a reason asked for; admin's switch cannot be
 * turned off), after which the login page says clerks use 浙政钉 and refuses bureau1's password; then imports clerk
 * accounts from a CSV with their 浙政钉 ids (dry run row by row, the valid rows only), and the imported clerk signs in
 * by 浙政钉 at once, straight to the inbox. And an applicant with a self-registered account, after signing in with
 * 浙里办, asks for an SMS code to the account's mobile on the link page (a wrong code is refused there).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loginAs, screenshot, useRunningSystem } from './system';
import { makeIdNumber } from '../../platform/identity/idNumber';

jest.setTimeout(600_000);

const { sys, context } = useRunningSystem('web-npm-start-accounts.log');

test('secadmin switches bureau reviewers to 浙政钉 only; bureau1’s password is refused; an imported clerk signs in by 浙政钉', async () => {
  const admin = await (await context()).newPage();
  const errors: string[] = [];
  admin.on('pageerror', (e) => errors.push(String(e)));
  await loginAs(admin, 'secadmin');
  await admin.goto('/admin/accounts');
  await admin.getByTestId('login-policy-link').click();
  await admin.waitForURL((u) => u.pathname === '/admin/login-policy');
  await admin.getByTestId('login-policy-state-bureau_reviewer').filter({ hasText: '允许' }).waitFor();
  expect(await admin.getByTestId('login-policy-switch-admin').isDisabled()).toBe(true);

  await admin.getByTestId('login-policy-switch-bureau_reviewer').click();
  const dialog = admin.getByRole('dialog');
  await dialog.getByText('关闭后，该角色的账号只能通过浙政钉扫码登录').waitFor();
  expect(await admin.getByTestId('login-policy-confirm').isDisabled()).toBe(true); // no reason yet
  await admin.getByLabel('原因（记入审计日志）').fill('初审人员均已开通浙政钉');
  await admin.getByTestId('login-policy-confirm').click();
  await dialog.waitFor({ state: 'hidden' });
  await admin.getByTestId('login-policy-state-bureau_reviewer').filter({ hasText: '已关闭' }).waitFor();
  await admin.locator('[data-testid="login-policy-row"][data-role="bureau_reviewer"]').getByText('secadmin').waitFor();
  await screenshot(admin, 'accounts-01-login-policy-bureau-off');

  // the login page: clerks are told to use 浙政钉, and bureau1's password is refused
  const clerk = await (await context()).newPage();
  await clerk.goto('/login');
  await clerk.getByTestId('clerk-password-off').waitFor();
  await clerk.locator('#login-username').fill('bureau1');
  await clerk.locator('#login-password').fill('demo');
  await clerk.getByTestId('login-submit').click();
  await clerk.getByTestId('login-error').filter({ hasText: '浙政钉' }).waitFor();
  expect(new URL(clerk.url()).pathname).toBe('/login');
  await screenshot(clerk, 'accounts-02-bureau1-password-refused');

  // the account import: one new bureau clerk with a 浙政钉 id, and a row whose role does not fit its organisation
  const csv = [
    '用户名,姓名,单位代码,角色,手机号,浙政钉账号ID',
    'nx.zhou,周初审,NX-YJGLJ,bureau_reviewer,13712340001,70000001',
    'nx.wrong,错角色,NX-E-JGJX,bureau_reviewer,13712340002,70000002',
  ].join('\r\n');
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'zj-accounts-')), '账号导入.csv');
  fs.writeFileSync(file, csv);
  await admin.goto('/admin/accounts');
  await admin.getByTestId('account-import-link').click();
  await admin.waitForURL((u) => u.pathname === '/admin/accounts/import');
  await admin.getByLabel('选择CSV文件').setInputFiles(file);
  await admin.getByTestId('account-import-dry').click();
  const report = admin.getByTestId('account-import-report');
  await report.getByText('试导入结果（未保存）').waitFor();
  await expect(report.locator('tr[data-row-key="2"]').textContent()).resolves.toMatch(/^2\s*新建nx\.zhou周初审/);
  await expect(report.locator('tr[data-row-key="3"]').textContent()).resolves.toMatch(/^3\s*有误nx\.wrong.*该角色与单位类型（企业）不符（bureau_reviewer）/);
  expect(await admin.getByTestId('account-import-run').isDisabled()).toBe(true);
  await screenshot(admin, 'accounts-03-import-dry-run');
  await admin.getByTestId('account-import-skip').click();
  await admin.getByTestId('account-import-run').click();
  await report.getByText('导入结果（已保存）').waitFor();
  // the one-time password went to the person; the screen shows only the masked number
  await report.locator('tr[data-row-key="2"]').getByText('137****0001').waitFor();
  await screenshot(admin, 'accounts-04-imported');

  // the imported clerk scans the 浙政钉 QR (the stand-in's non-interactive path): signed in, straight to the inbox
  const zhou = await (await context()).newPage();
  await zhou.goto('/api/v1/auth/providers/zzd/start?login_hint=70000001');
  await zhou.waitForURL((u) => u.pathname === '/tasks');
  await zhou.getByText('周初审').first().waitFor();
  expect(errors).toEqual([]);
});

test('the link page sends an SMS code to the self-registered account’s mobile and refuses a wrong one', async () => {
  const idNumber = makeIdNumber('33050319920303007');
  const reg = await fetch(`${sys().base}/api/v1/auth/register`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ username: 'sms.browser', password: 'Tide-Lantern-4827', name: '吴短信', idNumber, phone: '13655556666' }),
  });
  expect(reg.status).toBe(201);
  const page = await (await context()).newPage();
  await page.goto(`/api/v1/auth/providers/zlb-person/start?login_hint=${idNumber}`);
  await page.getByText('关联已有账号').waitFor();
  await page.getByText('用短信验证码验证').click();
  await page.locator('#link-sms-username').fill('sms.browser');
  const answered = page.waitForResponse((r) => r.url().includes('/api/v1/auth/link/sms-code'));
  await page.getByTestId('link-sms-send').click();
  const r = await answered;
  expect({ status: r.status(), body: await r.text() }).toMatchObject({ status: 200 });
  await page.getByTestId('link-sms-sent').filter({ hasText: '136****6666' }).waitFor();
  await screenshot(page, 'accounts-05-link-by-sms-code-sent');
  // the code went to the phone (sealed in the outbox); a made-up one is refused with a reason, nothing linked
  await page.locator('#link-sms-code').fill('000000');
  await page.getByTestId('link-sms-submit').click();
  await page.getByTestId('callback-error').filter({ hasText: '短信验证码' }).waitFor();
  expect(new URL(page.url()).pathname).toBe('/login/callback');
});
