/**
 * Real journeys in a real browser against `npm start`: an applicant submits a certificate claim, the unit, the
 * bureau and the town clerk each decide their task in the console, the applicant sees it paid; a clerk of another
 * town cannot see the task; the public progress lookup works. Screenshots go to test-results/screenshots/.
 */
import {
  chooseEmployer,
  confirmDialog,
  decideInBrowser,
  loginAs,
  openConfirmation,
  pickDate,
  screenshot,
  useRunningSystem,
  attachMaterials,
  reloadUntil,
  SAMPLE_PDF,
  SAMPLE_PNG,
} from './system';
import { demoAccounts } from '../../db/seed';
import { printedPages } from './pdf';

jest.setTimeout(600_000);

const { sys, context } = useRunningSystem('web-npm-start.log');

const today = () => new Intl.DateTimeFormat('sv-SE', { timeZone: 'Asia/Shanghai' }).format(new Date());
const daysAgo = (n: number) => new Intl.DateTimeFormat('sv-SE', { timeZone: 'Asia/Shanghai' }).format(new Date(Date.now() - n * 86_400_000));

test('certificate claim: applicant submits, three clerks decide in the browser, applicant sees it paid; the public lookup works', async () => {
  const applicantCtx = await context();
  const applicant = await applicantCtx.newPage();
  const consoleErrors: string[] = [];
  applicant.on('pageerror', (e) => consoleErrors.push(String(e)));

  // the login page lists the demo accounts in development mode
  await applicant.goto('/login');
  await applicant.locator('[data-username="bureau1"]').waitFor();
  await screenshot(applicant, '01-login');

  await loginAs(applicant, 'applicant1');
  await applicant.waitForURL('**/my/claims');
  await applicant.goto('/my/claims/new');

  // the form validates as the API does: a receipt date before the issue date is refused before submitting
  await chooseEmployer(applicant, '菱湖物流', '湖州菱湖物流运输有限公司');
  await applicant.locator('#position').fill('安全主管');
  await applicant.locator('#employerAddress').fill('湖州市南浔区菱湖镇工业园区1号');
  await applicant.locator('#employerPhone').fill('0572-3000000');
  await applicant.locator('#certNumber').fill('AQ-2026-000123');
  await applicant.getByText('初级（1,000元）').click();
  await expect(applicant.getByTestId('amount').textContent()).resolves.toContain('1,000');
  await pickDate(applicant, 'issuedOn', daysAgo(20));
  await pickDate(applicant, 'receivedOn', daysAgo(30));
  await attachMaterials(applicant, ['id_card', 'certificate']);
  await applicant.getByTestId('declaration').click();
  await applicant.getByTestId('claim-submit').click();
  await applicant.getByText('领取日期不能早于发证日期').waitFor();
  await pickDate(applicant, 'receivedOn', daysAgo(10), { submit: false });
  await applicant.getByText('领取日期不能早于发证日期').waitFor({ state: 'detached' });
  await screenshot(applicant, '02-claim-form');
  // the amount is shown before submitting
  const confirm = await openConfirmation(applicant, 'claim-submit');
  await confirm.getByText('¥1,000 元').waitFor();
  await confirmDialog(applicant, '确认提交');
  const noEl = applicant.getByTestId('created-application-no');
  await noEl.waitFor();
  const applicationNo = (await noEl.textContent())!.trim();
  expect(applicationNo).toMatch(/^NX-ZS-\d{4}-\d{6}$/);
  await screenshot(applicant, '03-claim-submitted');
  await applicant.getByRole('button', { name: '查看办理进度' }).click();
  await applicant.getByTestId('claim-steps').waitFor();
  await expect(applicant.getByTestId('claim-status').first().textContent()).resolves.toBe('单位审核中');
  await applicant.getByText('下一步：湖州菱湖物流运输有限公司 单位审核').waitFor();

  // 1. the employer's verifier: 属实, level confirmed
  const unitCtx = await context();
  const unit = await unitCtx.newPage();
  await loginAs(unit, 'unit.lhwl');
  await screenshot(unit, '04-inbox-unit');
  await decideInBrowser(unit, applicationNo, '05-task-unit-verification', async (p) => {
    // the unit sees the full ID number and the 附件2-1 fields
    await p.getByText('AQ-2026-000123').waitFor();
    await p.getByTestId('verdict-true').waitFor();
  });
  await unitCtx.close();

  // 2. the bureau's preliminary review within 10 working days: the due date and working days left are shown
  const bureauCtx = await context();
  const bureau = await bureauCtx.newPage();
  await loginAs(bureau, 'bureau1');
  await bureau.goto('/tasks');
  const row = bureau.locator('tr').filter({ has: bureau.locator(`[data-ref="${applicationNo}"]`) });
  await row.getByText(/剩 \d+ 个工作日/).waitFor();
  // search by the applicant's name, then by the application number: the claim's row stays, the others go
  for (const term of ['张伟', applicationNo]) {
    await bureau.getByPlaceholder('申请编号或申请人姓名').fill(term);
    await bureau.getByPlaceholder('申请编号或申请人姓名').press('Enter');
    await bureau.waitForURL((u) => u.searchParams.get('q') === term);
    await row.getByText(/剩 \d+ 个工作日/).waitFor();
    const refs = () => bureau.locator('[data-testid="task-link"]').evaluateAll((els) => els.map((e) => e.getAttribute('data-ref')));
    for (let t0 = Date.now(); (await refs()).some((r) => r !== applicationNo); ) {
      if (Date.now() - t0 > 30_000) throw new Error(`searching "${term}" still lists ${(await refs()).join(', ')}`);
      await bureau.waitForTimeout(200);
    }
  }
  await screenshot(bureau, '06-inbox-bureau');
  await decideInBrowser(bureau, applicationNo, '07-task-bureau-review', async (p) => {
    await p.getByText('单位审核意见').waitFor();
    await p.getByTestId('decision-comment').fill('无同类同级别奖励记录，予以核准');
  });

  // 3. a clerk of another town sees neither the task in the inbox nor the task page
  const townTaskUrl = await (async () => {
    const ctx = await context();
    const p = await ctx.newPage();
    await loginAs(p, 'rereview.lhz');
    await p.goto('/tasks');
    const link = p.locator(`[data-testid="task-link"][data-ref="${applicationNo}"]`);
    await link.waitFor();
    const href = (await link.getAttribute('href'))!;
    await ctx.close();
    return href;
  })();
  const otherCtx = await context();
  const other = await otherCtx.newPage();
  await loginAs(other, 'rereview.nxz');
  await other.goto('/tasks');
  await other.getByText('暂无待办任务').waitFor();
  expect(await other.locator(`[data-ref="${applicationNo}"]`).count()).toBe(0);
  await other.getByPlaceholder('申请编号或申请人姓名').fill(applicationNo);
  await other.getByPlaceholder('申请编号或申请人姓名').press('Enter');
  await other.getByText('暂无待办任务').waitFor();
  await other.goto(townTaskUrl);
  await other.getByText('无法打开此任务').waitFor();
  await screenshot(other, '08-other-town-cannot-see');
  await otherCtx.close();

  // 4. the town (菱湖镇) re-reviews and confirms the amount
  const townCtx = await context();
  const town = await townCtx.newPage();
  await loginAs(town, 'rereview.lhz');
  await decideInBrowser(town, applicationNo, '09-task-rereview', async (p) => {
    await expect(p.locator('#amountYuan').inputValue()).resolves.toBe('1000');
  });
  await townCtx.close();

  // the applicant sees it paid, with every step's department, date and decision
  await applicant.goto('/my/claims');
  const mine = applicant.locator(`[data-application-no="${applicationNo}"]`);
  await mine.waitFor();
  const paidTag = mine.getByTestId('claim-status').filter({ hasText: '已发放' });
  for (let i = 0; i < 30 && !(await paidTag.count()); i++) {
    await applicant.waitForTimeout(1000);
    await applicant.reload();
    await mine.waitFor();
  }
  await paidTag.waitFor();
  await screenshot(applicant, '10-my-claims-paid');
  await mine.getByText('查看进度').click();
  await applicant.getByTestId('claim-done').waitFor();
  await expect(applicant.getByTestId('paid-yuan').textContent()).resolves.toBe('¥1,000 元');
  const steps = applicant.getByTestId('claim-steps');
  for (const text of ['单位审核', '区应急管理局初审', '复审', '发放', '湖州菱湖物流运输有限公司', '南浔区应急管理局', '菱湖镇'])
    await steps.getByText(text).first().waitFor();
  // instants in Asia/Shanghai, YYYY-MM-DD HH:mm, though the browser is in Berlin
  const stepsText = (await steps.textContent()) ?? '';
  expect(stepsText).toMatch(new RegExp(`${today()} \\d{2}:\\d{2}`));
  await screenshot(applicant, '11-claim-paid-progress');

  // the printable 附件2-1, three copies with the recorded opinions
  await applicant.goto(`${new URL(applicant.url()).pathname}/print`);
  await applicant.getByText('南浔区注册安全工程师职业资格证书奖励申请表').first().waitFor();
  expect(await applicant.locator('.paper').count()).toBe(3);
  await applicant.getByText('第三联　申请人所在单位存档').waitFor();
  await screenshot(applicant, '12-print-form-2-1');
  // one A4 sheet per copy, with 10 mm margins or none
  expect(await printedPages(applicant, '10mm')).toBe(3);
  expect(await printedPages(applicant, '0')).toBe(3);

  // the same progress on a phone
  const phoneCtx = await context({ mobile: true });
  const phone = await phoneCtx.newPage();
  await loginAs(phone, 'applicant1');
  await phone.goto('/my/claims');
  await phone.locator(`[data-application-no="${applicationNo}"]`).getByText('查看进度').click();
  await phone.getByTestId('claim-done').waitFor();
  await screenshot(phone, '13-phone-claim-progress');
  expect(await phone.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(400);
  await phoneCtx.close();

  // the public progress lookup: application number + last 6 ID characters, no login, no personal data
  const idNumber = demoAccounts().find((a) => a.username === 'applicant1')!.idNumber;
  const publicCtx = await context({ mobile: true });
  const pub = await publicCtx.newPage();
  await pub.goto('/public/progress');
  await pub.getByTestId('public-application-no').fill(applicationNo);
  await pub.getByTestId('public-id-last6').fill('000000');
  await pub.getByTestId('public-search').click();
  await pub.getByTestId('public-error').waitFor();
  await pub.getByTestId('public-id-last6').fill(idNumber.slice(-6));
  await pub.getByTestId('public-search').click();
  const result = pub.getByTestId('public-result');
  await result.waitFor();
  await result.getByText('已发放').first().waitFor();
  const publicText = (await result.textContent()) ?? '';
  expect(publicText).not.toContain('张伟');
  expect(publicText).not.toContain(idNumber);
  await screenshot(pub, '14-public-progress');
  await publicCtx.close();

  // reports for the bureau: the chart and the tables
  await bureau.goto('/reports');
  await bureau.getByTestId('chart-stage').locator('canvas').waitFor();
  await bureau.getByText('菱湖镇').first().waitFor();
  await screenshot(bureau, '15-reports');
  await bureauCtx.close();

  expect(consoleErrors).toEqual([]);
  await applicantCtx.close();
});

test('materials and rating: uploads with preview and removal, the unit clerk opens and downloads them, the applicant rates the ended claim', async () => {
  const ctx = await context();
  const applicant = await ctx.newPage();
  const errors: string[] = [];
  applicant.on('pageerror', (e) => errors.push(String(e)));
  await loginAs(applicant, 'applicant2');
  await applicant.waitForURL('**/my/claims');
  await applicant.goto('/my/claims/new');
  await chooseEmployer(applicant, '精工', '浙江南浔精工机械有限公司');
  await applicant.locator('#certNumber').fill('AQ-2026-000456');
  await applicant.getByText('初级（1,000元）').click();
  await pickDate(applicant, 'issuedOn', daysAgo(30), { submit: false });
  await pickDate(applicant, 'receivedOn', daysAgo(20), { submit: false });
  await applicant.getByTestId('declaration').click();
  // without its materials the form says what is missing and submits nothing
  await applicant.getByTestId('claim-submit').click();
  await applicant.getByTestId('materials-missing').getByText('身份证复印件、证书复印件').waitFor();
  // a photo of the ID card shows as a thumbnail, the certificate scan as a PDF; the photo is replaced before submitting
  await applicant.getByTestId('upload-id_card').setInputFiles({ name: 'id.png', mimeType: 'image/png', buffer: SAMPLE_PNG });
  await applicant.getByRole('img', { name: '身份证复印件预览：id.png' }).waitFor();
  await applicant.getByTestId('upload-certificate').setInputFiles({ name: '证书.pdf', mimeType: 'application/pdf', buffer: SAMPLE_PDF });
  await applicant.getByTestId('material-certificate').getByRole('img', { name: 'PDF 文件' }).waitFor();
  await screenshot(applicant, '20-claim-materials');
  await applicant.getByRole('button', { name: '删除 id.png' }).click();
  await applicant.getByTestId('material-id_card').waitFor({ state: 'detached' });
  await attachMaterials(applicant, ['id_card']);
  // the confirmation after uploads (the upload toasts and the file list on the page behind it are checked too)
  const confirm = await openConfirmation(applicant, 'claim-submit');
  await confirm.getByText('2 份（身份证复印件、证书复印件）').waitFor();
  await screenshot(applicant, '20b-claim-confirm-after-upload');
  await confirmDialog(applicant, '确认提交');
  const no = (await applicant.getByTestId('created-application-no').textContent())!.trim();
  await screenshot(applicant, '20c-claim-submitted-after-upload');

  // the unit's verifier sees both files on the task, downloads the certificate, and finds no record of it
  const unitCtx = await context();
  const unit = await unitCtx.newPage();
  await loginAs(unit, 'unit.jgjx');
  await decideInBrowser(unit, no, '21-task-materials', async (p) => {
    const pane = p.getByTestId('task-materials');
    await pane.getByText('证书.pdf').waitFor();
    await pane.getByText('id_card.pdf').waitFor();
    const [download] = await Promise.all([p.waitForEvent('download'), pane.getByRole('button', { name: '下载 证书.pdf' }).click()]);
    expect(download.suggestedFilename()).toBe('证书.pdf');
    await p.getByText('暂无该证书信息').click();
    await p.getByTestId('decision-comment').fill('本单位无该证书记录');
  });
  await unitCtx.close();

  // the claim has ended: the applicant sees the materials and rates the service once
  await applicant.getByRole('button', { name: '查看办理进度' }).click();
  await applicant.getByTestId('claim-materials').getByText('证书.pdf').waitFor();
  const rating = applicant.getByTestId('rating-form');
  await reloadUntil(applicant, () => rating, 'the rating form of the ended claim');
  await rating.locator('.ant-rate-star').nth(3).click();
  await applicant.getByTestId('rating-comment').fill('答复及时');
  await applicant.getByTestId('rating-submit').click();
  await applicant.getByTestId('rating-done').getByText('满意', { exact: true }).waitFor();
  await screenshot(applicant, '22-claim-rated');
  await applicant.reload();
  await applicant.getByTestId('rating-done').waitFor();
  expect(await applicant.getByTestId('rating-form').count()).toBe(0);
  expect(errors).toEqual([]);
  await ctx.close();
});

test('the console is served with its own CSP and deep links; API 404s stay problem+json', async () => {
  const index = await fetch(`${sys().base}/tasks/some-task`);
  expect(index.status).toBe(200);
  expect(index.headers.get('content-type')).toContain('text/html');
  const csp = index.headers.get('content-security-policy') ?? '';
  expect(csp).toContain("script-src 'self'");
  expect(csp).not.toContain("unsafe-inline' 'self'; script");
  expect(await index.text()).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
  const api404 = await fetch(`${sys().base}/api/v1/no-such-thing`);
  expect(api404.status).toBe(404);
  expect(api404.headers.get('content-type')).toContain('application/problem+json');
});

test('the committee office, the expert and the public pages open without errors', async () => {
  const ctx = await context();
  const page = await ctx.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await loginAs(page, 'office1');
  await page.goto('/zhejiang/sessions');
  await page.getByText('职称评审会').first().waitFor();
  await screenshot(page, '16-zhejiang-sessions');
  await page.goto('/zhejiang/experts');
  await page.getByText('评审专家库').first().waitFor();
  await screenshot(page, '17-zhejiang-experts');
  await page.goto('/public/notices');
  await page.getByText('公示公告').first().waitFor();
  await screenshot(page, '18-public-notices');
  await page.goto('/public/certificates/NO-SUCH-CODE');
  await page.getByText('未查到该证书').waitFor();
  await loginAs(page, 'expert1');
  await page.goto('/zhejiang/ballots');
  await page.getByText('我的评审会').waitFor();
  // an expert with no meeting: the empty table says so, legibly
  await page.getByText('暂无需要参加的评审会').waitFor();
  await screenshot(page, '19-expert-no-meeting');
  await page.goto('/no-such-page');
  await page.getByRole('heading', { level: 1, name: '页面不存在' }).waitFor();
  await screenshot(page, '19b-not-found');
  expect(errors).toEqual([]);
  await ctx.close();
});
