/**
 * The console's message centre and the bureau's application period, in a real browser against `npm start`:
 * a decision on the applicant's claim shows up as an unread message (the header badge's accessible name says how
 * many), reading it lowers the count; the bureau publishes the year's concentrated application period, which the
 * public notices and the applicant's claim form then show.
 */
import { uploadClaimMaterials } from '../../nanxun/materialsClient';
import { loginAs, screenshot, useRunningSystem } from './system';

jest.setTimeout(600_000);

const { sys, context } = useRunningSystem('web-npm-start-messages.log');

const shanghai = (ms: number) => new Intl.DateTimeFormat('sv-SE', { timeZone: 'Asia/Shanghai' }).format(new Date(ms));

async function apiCall(path: string, opts: { method?: string; token?: string; body?: unknown } = {}) {
  const res = await fetch(`${sys().base}/api/v1${path}`, {
    method: opts.method ?? 'GET',
    headers: { 'content-type': 'application/json', ...(opts.token ? { authorization: `Bearer ${opts.token}` } : {}) },
    body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
  });
  return { status: res.status, body: (await res.json().catch(() => null)) as any };
}
const tokenOf = async (username: string) => (await apiCall('/auth/login', { method: 'POST', body: { username, password: 'demo' } })).body.token as string;

test('an unread message is announced in the header and read on the 消息 page; the bureau publishes the application period', async () => {
  // a decision on applicant1's claim leaves them a message
  const applicantToken = await tokenOf('applicant1');
  const today = shanghai(Date.now());
  const claim = await apiCall('/nanxun/claims', {
    method: 'POST',
    token: applicantToken,
    body: {
      kind: 'certificate',
      employerOrgCode: 'NX-E-JGJX',
      position: '安全主管',
      employerNature: 'production',
      certificate: {
        number: `ZM${Date.now() % 1e8}`,
        level: 'senior',
        issuedOn: shanghai(Date.now() - 40 * 86_400_000),
        receivedOn: shanghai(Date.now() - 30 * 86_400_000),
      },
      materials: await uploadClaimMaterials(sys().base, applicantToken, 'certificate'),
    },
  });
  expect(claim.status).toBe(201);
  const unit = await tokenOf('unit.jgjx');
  const taskId = encodeURIComponent(`nanxun-claim-${claim.body.applicationNo}/unit_verification`);
  for (let i = 0; ; i++) {
    const r = await apiCall(`/tasks/${taskId}/decision`, {
      method: 'POST',
      token: unit,
      body: { decision: 'approve', verdict: 'true', confirmedLevel: 'senior' },
    });
    if (r.status === 200) break;
    if (i > 60) throw new Error(`decision: ${r.status} ${JSON.stringify(r.body)}`);
    await new Promise((res) => setTimeout(res, 500));
  }
  const unreadBefore = (await apiCall('/notifications/unread-count', { token: applicantToken })).body.unread as number;
  expect(unreadBefore).toBeGreaterThan(0);

  const ctx = await context();
  const page = await ctx.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await loginAs(page, 'applicant1');
  const bell = page.getByTestId('notifications-link');
  await expect(bell.getAttribute('aria-label')).resolves.toMatch(/消息/);
  await page.waitForFunction(
    (n) => document.querySelector('[data-testid="notifications-link"]')?.getAttribute('aria-label') === `消息，${n} 条未读`,
    unreadBefore,
  );
  await bell.click();
  await page.waitForURL((u) => u.pathname === '/notifications');
  const item = page.getByTestId('notification').filter({ hasText: claim.body.applicationNo }).first();
  await item.waitFor();
  await screenshot(page, 'messages-unread');
  await item.getByRole('button', { name: /标为已读/ }).click();
  await page.waitForFunction(
    (n) => document.querySelector('[data-testid="notifications-link"]')?.getAttribute('aria-label') === (n === 0 ? '消息，没有未读' : `消息，${n} 条未读`),
    unreadBefore - 1,
  );
  expect((await apiCall('/notifications/unread-count', { token: applicantToken })).body.unread).toBe(unreadBefore - 1);

  // the bureau publishes this year's concentrated application period
  const year = Number(today.slice(0, 4));
  const startsOn = shanghai(Date.now() - 10 * 86_400_000) < `${year}-01-01` ? `${year}-01-01` : shanghai(Date.now() - 10 * 86_400_000);
  const endsOn = shanghai(Date.now() + 20 * 86_400_000) > `${year}-12-31` ? `${year}-12-31` : shanghai(Date.now() + 20 * 86_400_000);
  const bctx = await context();
  const bureau = await bctx.newPage();
  await loginAs(bureau, 'bureau1');
  await bureau.goto('/nanxun/application-periods');
  const inputs = bureau.locator('.ant-picker-range input');
  await inputs.first().click();
  await inputs.first().fill(startsOn);
  await inputs.first().press('Enter');
  await inputs.last().fill(endsOn);
  await inputs.last().press('Enter');
  await bureau.getByTestId('publish-period').click();
  await bureau.getByRole('cell', { name: `${startsOn} 至 ${endsOn}` }).waitFor();
  await screenshot(bureau, 'application-period-published');
  const notices = await apiCall('/public/notices');
  expect(notices.body.some((n: { kind: string; title: string }) => n.kind === 'application_period' && n.title.includes(`${year}年度`))).toBe(true);

  // the applicant's form shows it
  await page.goto('/my/claims/new');
  await page
    .getByTestId('application-period')
    .filter({ hasText: `${startsOn} 至 ${endsOn}` })
    .waitFor();
  expect(errors).toEqual([]);
});
