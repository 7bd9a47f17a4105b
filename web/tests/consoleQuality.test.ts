/**
 * The console as a clerk wants it (issue 14), in a real browser on the time-skipping harness (no time is skipped):
 * the login form's labels and refusal, the inbox with names, types, stages, dates and days left (sortable, filtered
 * by type), details that do not break at 1366 px, refusals without English, the timeline's names and notes, the
 * reports' approved / under-review / paid figures, one A4 sheet per copy of 附件2-1 and 附件2-2, cards on a phone,
 * and the larger-text mode. Every screen saved is checked with axe-core (a11y.ts); other pages visited are checked
 * with checkA11y directly.
 */
import { uploadClaimMaterials } from '../../nanxun/materialsClient';
import type { Page } from 'playwright-core';
import { chooseOption, confirmDialog, decideInBrowser, openConfirmation, reloadUntil, screenshot } from './system';
import { checkA11y } from './a11y';
import { printedPages } from './pdf';
import { useSkippingJourney } from './skippingSystem';
import { shanghaiDate } from '../../platform/calendar/workdays';

jest.setTimeout(500_000);

const { sys, crowd, person } = useSkippingJourney('quality');
const daysAgo = async (n: number) => shanghaiDate((await sys().env.currentTimeMs()) - n * 86_400_000);

let ip = 0;
/** set-up through the API (what the page under test shows is then checked in the browser) */
async function apiAs(username: string) {
  const at = `10.99.0.${++ip}`;
  const login = await fetch(`${sys().base}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-forwarded-for': at },
    body: JSON.stringify({ username, password: 'demo' }),
  });
  const { token } = (await login.json()) as { token: string };
  const call = async <T>(method: string, path: string, body?: unknown): Promise<T> => {
    // a claim carries the materials its form requires (附件2-1 / 附件2-2), uploaded first
    if (method === 'POST' && path === '/nanxun/claims' && body && typeof body === 'object' && !('materials' in body)) {
      body = {
        ...body,
        materials: await uploadClaimMaterials(sys().base, token, String((body as { kind?: string }).kind ?? 'certificate')),
      };
    }
    const res = await fetch(`${sys().base}/api/v1${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'x-forwarded-for': at },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const json = (await res.json()) as T;
    if (!res.ok) throw new Error(`${method} ${path} → ${res.status} ${JSON.stringify(json)}`);
    return json;
  };
  return call;
}
const taskId = (no: string, kind: string) => encodeURIComponent(`nanxun-claim-${no}/${kind}`);

/** texts (of `selector`) that the layout breaks over more than one line */
const brokenTexts = (page: Page, selector: string) =>
  page.locator(selector).evaluateAll((els) =>
    els
      .filter((el) => {
        const range = document.createRange();
        range.selectNodeContents(el);
        const lines = new Set([...range.getClientRects()].filter((r) => r.width > 0).map((r) => Math.round(r.top)));
        return lines.size > 1;
      })
      .map((el) => el.textContent ?? ''),
  );

/** Latin words on the page outside codes and numbers (an English sentence or a raw key) */
const englishOn = async (page: Page, selector = 'main') => {
  const text = ((await page.locator(selector).first().textContent()) ?? '').replace(/NX-[A-Z]{2}-\d{4}-\d{6}|[A-Z]{2}-[A-Z0-9-]+\d|demo|CSV|\d/g, '');
  return text.match(/[A-Za-z]{3,}/g) ?? [];
};

test('login: labelled fields, a wrong password is called wrong, role tags are whole', async () => {
  const page = await crowd().device('visitor');
  await page.goto('/login');
  await page.locator('[data-username="bureau1"]').waitFor();
  await page.getByLabel('用户名').fill('bureau1');
  await page.getByLabel('密码').fill('not-the-password');
  await page.getByTestId('login-submit').click();
  const error = page.getByTestId('login-error');
  await error.waitFor();
  expect((await error.textContent())?.trim()).toBe('用户名或密码错误');
  // every role tag in the demo list shows its whole text
  const cut = await page
    .locator('.ant-table-row .ant-tag')
    .evaluateAll((tags) =>
      tags
        .filter((t) => t.scrollWidth > t.clientWidth + 1 || t.getBoundingClientRect().right > (t.closest('td')?.getBoundingClientRect().right ?? Infinity) + 1)
        .map((t) => t.textContent),
    );
  expect(cut).toEqual([]);
  await screenshot(page, 'quality-01-login-refused');
});

test('a clerk’s inbox, task, refusal, timeline, reports, printouts, phone and larger text', async () => {
  // ---- set-up: three claims at 南浔精工机械 (two kinds), one rejected claim for the reports ----
  const a1 = await apiAs('applicant1');
  const a2 = await apiAs('applicant2');
  const a3 = await apiAs('applicant3');
  const cert = await a1<{ applicationNo: string; id: string }>('POST', '/nanxun/claims', {
    kind: 'certificate',
    employerOrgCode: 'NX-E-JGJX',
    position: '安全主管',
    employerNature: 'production',
    employerAddress: '湖州市南浔区南浔镇工业园区88号',
    employerPhone: '0572-3012345',
    certificate: { number: 'ZA2026000123', level: 'intermediate', issuedOn: await daysAgo(40), receivedOn: await daysAgo(30) },
  });
  const shortage = await a2<{ applicationNo: string; id: string }>('POST', '/nanxun/claims', {
    kind: 'shortage_talent',
    employerOrgCode: 'NX-E-JGJX',
    position: '安全员',
    employerNature: 'production',
    certificate: { number: 'AQ-ZJ-2025-004321', level: 'intermediate', issuedOn: await daysAgo(400), receivedOn: await daysAgo(60) },
    employment: { since: await daysAgo(500), contractYears: 5, socialSecurityMonths: 16, firstIntroduction: true },
  });
  // 李娜's senior claim at 双林建设 is rejected by the bureau: its 3,000 yuan were never approved
  const rejected = await a3<{ applicationNo: string }>('POST', '/nanxun/claims', {
    kind: 'certificate',
    employerOrgCode: 'NX-E-SLJS',
    employerNature: 'production',
    certificate: { number: 'AQ-2026-000999', level: 'senior', issuedOn: await daysAgo(40), receivedOn: await daysAgo(30) },
  });
  const sl = await apiAs('unit.sljs');
  await sl('POST', `/tasks/${taskId(rejected.applicationNo, 'unit_verification')}/decision`, {
    decision: 'approve',
    verdict: 'true',
    confirmedLevel: 'senior',
  });
  const b = await apiAs('bureau1');
  await b('POST', `/tasks/${taskId(rejected.applicationNo, 'bureau_review')}/decision`, { decision: 'reject', comment: '已有同级别奖励记录' });

  // ---- the unit's inbox: name, type, stage, received, deadline, days left; sorted and filtered by type ----
  const unit = await person('unit.jgjx');
  await unit.goto('/tasks');
  const certRow = unit.locator(`[data-task-row="${cert.applicationNo}"]`);
  const shortRow = unit.locator(`[data-task-row="${shortage.applicationNo}"]`);
  await certRow.waitFor();
  for (const text of ['张伟', '资格证书奖励', '单位审核', '待办']) await certRow.getByText(text, { exact: true }).first().waitFor();
  for (const text of ['王芳', '紧缺人才奖励']) await shortRow.getByText(text, { exact: true }).first().waitFor();
  const headers = await unit.locator('thead th').allInnerTexts();
  for (const h of ['申请编号', '申请人', '类型', '环节', '收件日期', '办结期限', '剩余时间']) expect(headers.map((x) => x.trim())).toContain(h);
  const today = shanghaiDate(await sys().env.currentTimeMs());
  await certRow.getByText(today).first().waitFor();
  // sorted by applicant name (王芳 before 张伟 in pinyin order), then filtered to the shortage-talent claims
  await unit.locator('thead th').filter({ hasText: '申请人' }).click();
  const names = () => unit.getByTestId('task-applicant').allInnerTexts();
  expect(await names()).toEqual(['王芳', '张伟']);
  await chooseOption(unit, unit.getByTestId('task-type-filter'), '紧缺人才奖励');
  await unit.waitForURL((u) => u.searchParams.get('type') === 'shortage_talent');
  expect(await names()).toEqual(['王芳']);
  await screenshot(unit, 'quality-02-unit-inbox-filtered');

  // ---- the task page at 1366 px: labels and ID / phone numbers on one line; a refusal without English ----
  await unit.goto('/tasks');
  await unit.locator(`[data-testid="task-link"][data-ref="${cert.applicationNo}"]`).click();
  await unit.getByTestId('decision-submit').waitFor();
  await unit.getByTestId('detail-id-number').waitFor();
  expect(await brokenTexts(unit, '.ant-descriptions-item-label')).toEqual([]);
  expect(await brokenTexts(unit, '[data-testid="detail-id-number"], [data-testid="detail-phone"], .ant-descriptions-item-content .nowrap')).toEqual([]);
  await screenshot(unit, 'quality-03-task-1366');
  // the API refuses with its English detail (here: made to, as a proxy or a newer server might): the clerk reads Chinese
  await unit.route('**/api/v1/tasks/*/decision', (route) =>
    route.fulfill({
      status: 400,
      contentType: 'application/problem+json',
      body: JSON.stringify({
        type: 'about:blank',
        title: 'Bad Request',
        status: 400,
        code: 'VALIDATION_FAILED',
        detail: 'confirmedLevel: Invalid enum value. Expected junior | intermediate | senior',
      }),
    }),
  );
  await openConfirmation(unit, 'decision-submit');
  await confirmDialog(unit, '确认提交');
  const refusal = unit.getByTestId('decision-error');
  await refusal.waitFor();
  expect(await refusal.textContent()).toContain('填写内容有误');
  expect(await englishOn(unit, '[data-testid="decision-error"]')).toEqual([]);
  await screenshot(unit, 'quality-04-refusal-in-chinese');
  await unit.unroute('**/api/v1/tasks/*/decision');
  await decideInBrowser(unit, cert.applicationNo, 'quality-05-unit-decides');

  // ---- bureau and town decide; the timeline names each person once, the payout note is not an opinion ----
  await decideInBrowser(await person('bureau1'), cert.applicationNo, 'quality-06-bureau-decides', async (p) => {
    await p.getByTestId('decision-comment').fill('无同类同级别奖励记录，予以核准');
  });
  await decideInBrowser(await person('rereview.nxz'), cert.applicationNo, 'quality-07-town-decides');
  const applicant = await person('applicant1');
  await applicant.goto(`/claims/${encodeURIComponent(cert.id)}`);
  await reloadUntil(applicant, () => applicant.getByTestId('claim-status').filter({ hasText: '已发放' }), 'the claim paid');
  const who = await applicant.getByTestId('timeline-who').allInnerTexts();
  const unitLine = who.find((w) => w.includes('浙江南浔精工机械有限公司'));
  expect(unitLine).toBeDefined();
  expect(unitLine!.split('浙江南浔精工机械有限公司').length - 1).toBe(1);
  const paidItem = applicant.locator('.ant-timeline-item').filter({ hasText: '奖励已发放' });
  await paidItem.first().waitFor();
  expect(await paidItem.first().textContent()).not.toContain('意见：');
  await screenshot(applicant, 'quality-08-claim-timeline');

  // ---- printouts: one A4 sheet per copy (一式三份 = 3 pages), with 10 mm margins and without ----
  await applicant.goto(`/claims/${encodeURIComponent(cert.id)}/print`);
  await applicant.locator('.paper').first().waitFor();
  await applicant.getByText('本表一式三份').first().waitFor();
  await checkA11y(applicant, 'quality-print-2-1');
  expect(await printedPages(applicant)).toBe(3);
  expect(await printedPages(applicant, '10mm')).toBe(3);
  expect(await printedPages(applicant, '0')).toBe(3);
  const applicant2 = await person('applicant2');
  await applicant2.goto(`/claims/${encodeURIComponent(shortage.id)}/print`);
  await applicant2.getByText('附件2-2').first().waitFor();
  expect(await printedPages(applicant2)).toBe(3);
  expect(await printedPages(applicant2, '10mm')).toBe(3);

  // ---- reports: approved-unpaid apart from under review; 核定金额 0 for the rejected claim; a title ----
  const bureau = await person('bureau1');
  await bureau.goto('/reports');
  await bureau.getByRole('heading', { level: 1, name: '统计报表' }).waitFor();
  await bureau.getByTestId('chart-stage').locator('canvas').waitFor();
  const stat = async (id: string) => ((await bureau.getByTestId(id).locator('.ant-statistic-content').textContent()) ?? '').replace(/\s/g, '');
  await reloadUntil(bureau, () => bureau.getByTestId('stat-paid').getByText('2,000'), 'the paid total');
  expect(await stat('stat-approved-unpaid')).toBe('¥0');
  // under review: the shortage claim's first year (3,000) at unit verification
  expect(await stat('stat-under-review')).toBe('¥3,000');
  const rejectedRow = bureau.locator('.ant-tabs-tabpane-active tr').filter({ hasText: '不予核准' });
  const cells = await rejectedRow.first().locator('td').allInnerTexts();
  // 类别, 状态, 复审单位, 件数, 申请金额, 核定金额, 已发放
  expect([...cells.slice(0, 2), ...cells.slice(3)]).toEqual(['资格证书奖励', '不予核准', '1', '¥3,000 元', '¥0 元', '¥0 元']);
  await screenshot(bureau, 'quality-09-reports');

  // ---- a phone: the 奖励发放 plan as cards, nothing cut off at the right ----
  const phone = await person('applicant2', { mobile: true });
  await phone.goto(`/claims/${encodeURIComponent(shortage.id)}`);
  const plan = phone.getByTestId('instalment-plan');
  await plan.locator('[data-year="3"] [data-cell]').first().waitFor();
  expect(await plan.locator('table').count()).toBe(0);
  expect(await phone.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
  await screenshot(phone, 'quality-10-phone-instalments');

  // ---- the larger-text mode (适老化): bigger text everywhere, remembered on this device ----
  const size = () => applicant.evaluate(() => parseFloat(getComputedStyle(document.querySelector('.ant-descriptions-item-content') ?? document.body).fontSize));
  await applicant.goto(`/claims/${encodeURIComponent(cert.id)}`);
  await applicant.locator('.ant-descriptions-item-content').first().waitFor();
  const before = await size();
  await applicant.getByTestId('large-text-toggle').click();
  await expect(applicant.getByTestId('large-text-toggle').getAttribute('aria-pressed')).resolves.toBe('true');
  expect(await size()).toBeGreaterThanOrEqual(before + 3);
  await applicant.reload();
  await applicant.locator('.ant-descriptions-item-content').first().waitFor();
  expect(await size()).toBeGreaterThanOrEqual(before + 3);
  await screenshot(applicant, 'quality-11-large-text');
  await applicant.getByTestId('large-text-toggle').click();

  expect(crowd().pageErrors).toEqual([]);
});
