/**
 * Nanxun claim journeys in a real browser (on the same harness as the title review, without skipping time):
 * the bureau asks for supplementary materials and the applicant answers them; the shortage-talent (紧缺人才奖励)
 * form validates as the API does and shows the amount before submitting, its first year goes through the three
 * clerks, and the claim page shows the three-year instalment plan; the printable 附件2-2; the bureau's reports
 * with a CSV export.
 */
import fs from 'node:fs';
import type { Page } from 'playwright-core';
import { chooseEmployer, confirmDialog, decideInBrowser, openConfirmation, pickDate, reloadUntil, screenshot, attachMaterials } from './system';
import { useSkippingJourney } from './skippingSystem';
import { printedPages } from './pdf';
import { demoAccounts } from '../../db/seed';
import { shanghaiDate } from '../../platform/calendar/workdays';

jest.setTimeout(400_000);

const { sys, crowd, person } = useSkippingJourney('claims');

/** the business day as the server's clock sees it (this file skips no time) */
const daysAgo = async (n: number) => shanghaiDate((await sys().env.currentTimeMs()) - n * 86_400_000);

/** submits the filled form, confirms the amount shown, and returns the new application number */
async function confirmAndSubmit(page: Page, amountText: string): Promise<string> {
  const confirm = await openConfirmation(page, 'claim-submit');
  await confirm.getByText(amountText).waitFor();
  await screenshot(page, `claims-confirm-${amountText.replace(/[^0-9]/g, '')}`);
  await confirmDialog(page, '确认提交');
  const no = page.getByTestId('created-application-no');
  await no.waitFor();
  return (await no.textContent())!.trim();
}

test('the bureau asks for supplementary materials, the applicant answers them, the bureau approves', async () => {
  const applicant = await person('applicant3');
  await applicant.goto('/my/claims/new');
  await chooseEmployer(applicant, '双林', '湖州双林建设工程有限公司');
  await applicant.locator('#certNumber').fill('AQ-2026-000777');
  await applicant.getByText('初级（1,000元）').click();
  await pickDate(applicant, 'issuedOn', await daysAgo(30), { submit: false });
  await pickDate(applicant, 'receivedOn', await daysAgo(20), { submit: false });
  await attachMaterials(applicant, ['id_card', 'certificate']);
  await applicant.getByTestId('declaration').click();
  const no = await confirmAndSubmit(applicant, '¥1,000 元');

  const unit = await person('unit.sljs');
  await decideInBrowser(unit, no, 'claims-01-unit-verification');

  // 区应急管理局 asks for supplementary materials: what is missing must be written down
  const bureau = await person('bureau1');
  await bureau.goto('/tasks');
  await bureau.locator(`[data-testid="task-link"][data-ref="${no}"]`).click();
  await bureau.getByTestId('decision-supplement').click();
  await bureau.getByTestId('decision-submit').click();
  await bureau.getByText('请写明需要补正的材料').waitFor();
  await bureau.getByTestId('decision-comment').fill('请补充证书原件的彩色扫描件（正反面）');
  await screenshot(bureau, 'claims-02-bureau-requests-supplement');
  await bureau.getByTestId('decision-submit').click();
  await bureau.locator('.ant-modal-confirm').getByText('要求补正材料').waitFor();
  await confirmDialog(bureau, '确认提交');
  await bureau.waitForURL((u) => u.pathname === '/tasks');
  // the task now waits for the applicant; the clock is stopped
  await bureau.goBack();
  await bureau.getByText('已要求申请人补正材料，补正后任务自动恢复，办理时限继续计算。').waitFor();

  // the applicant sees what is asked for and answers it
  await applicant.getByRole('button', { name: '查看办理进度' }).click();
  const card = applicant.getByTestId('supplement-card');
  await reloadUntil(applicant, () => applicant.getByTestId('supplement-card'), 'the request for supplements');
  await card.getByText('请补充证书原件的彩色扫描件（正反面）').waitFor();
  await card.getByText('初审要求补正材料（南浔区应急管理局）').waitFor();
  await applicant.getByTestId('supplement-submit').click();
  await card.getByText('请说明补正的材料').waitFor();
  await applicant.getByTestId('supplement-comment').fill('已通过单位补交证书原件彩色扫描件（正反面）');
  await screenshot(applicant, 'claims-03-applicant-answers-supplement');
  await applicant.getByTestId('supplement-submit').click();
  await applicant.getByText('补正材料已提交，审核继续进行').waitFor();
  await card.waitFor({ state: 'detached' });
  await applicant.getByText('下一步：南浔区应急管理局 初审').waitFor();

  // the bureau's task is open again, with the answer on record; the bureau approves
  await decideInBrowser(bureau, no, 'claims-04-bureau-after-supplement', async (p) => {
    await p.getByText('已通过单位补交证书原件彩色扫描件（正反面）').first().waitFor();
    await p.getByTestId('decision-approve').click();
    await p.getByTestId('decision-comment').fill('材料已补齐，予以核准');
  });
  await reloadUntil(applicant, () => applicant.getByTestId('claim-status').filter({ hasText: '复审中' }), 'the re-review');
  const timeline = (await applicant.locator('body').textContent()) ?? '';
  for (const text of ['要求补正材料', '已补正材料', '材料已补齐，予以核准']) expect(timeline).toContain(text);
  await screenshot(applicant, 'claims-05-after-supplement-approved');
  expect(crowd().pageErrors).toEqual([]);
});

test('the shortage-talent claim: the form checks as the API does, the first year is paid, the three-year plan is shown', async () => {
  const idNumber = demoAccounts().find((a) => a.username === 'applicant2')!.idNumber;
  const applicant = await person('applicant2', { mobile: true });
  await applicant.goto('/my/claims/new');
  await applicant.getByRole('tab', { name: '紧缺人才奖励' }).click();
  await applicant.getByText('紧缺人才奖励：企业首次引入的中级注册安全工程师').waitFor();
  // the form starts from the registered identity
  await expect(applicant.getByTestId('id-number').inputValue()).resolves.toBe(idNumber);

  // everything the API would refuse, refused before submitting
  const wrongCheckDigit = idNumber.slice(0, 17) + (idNumber.endsWith('0') ? '1' : '0');
  await applicant.getByTestId('id-number').fill(wrongCheckDigit);
  await chooseEmployer(applicant, '菱湖', '湖州菱湖物流运输有限公司');
  await applicant.locator('#certNumber').fill('AQ-ZJ-2025-004321');
  await applicant.getByText('初级（1,000元）').click();
  await pickDate(applicant, 'issuedOn', await daysAgo(400), { submit: false });
  await pickDate(applicant, 'receivedOn', await daysAgo(410), { submit: false });
  await pickDate(applicant, 'since', await daysAgo(200), { submit: false });
  await applicant.locator('#contractYears').fill('2');
  await applicant.locator('#socialSecurityMonths').fill('6');
  await attachMaterials(applicant, ['id_card', 'certificate', 'contract', 'social_insurance', 'tax']);
  await applicant.getByTestId('declaration').click();
  await applicant.getByTestId('claim-submit').click();
  for (const message of [
    '身份证号校验位或出生日期不正确，请核对',
    '紧缺人才奖励仅限中级注册安全工程师',
    '领取日期不能早于发证日期',
    '入职不满一年',
    '合同期限须3年及以上',
    '须缴纳满一年（12个月）',
  ]) {
    await applicant.getByText(message).first().waitFor();
  }
  expect(await applicant.locator('.ant-modal-confirm').count()).toBe(0);
  await screenshot(applicant, 'claims-06-shortage-form-refusals-phone');
  expect(await applicant.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(400);

  // corrected; the amount and the three-year split are shown before submitting
  await applicant.getByTestId('id-number').fill(idNumber);
  await applicant.getByText('中级（2,000元）').click();
  await pickDate(applicant, 'receivedOn', await daysAgo(390), { submit: false });
  await pickDate(applicant, 'since', await daysAgo(500), { submit: false });
  await applicant.locator('#contractYears').fill('5');
  await applicant.locator('#socialSecurityMonths').fill('16');
  await expect(applicant.getByTestId('amount').textContent()).resolves.toContain('10,000');
  await applicant.getByText('第一年 3,000 元，第二年 3,000 元，第三年 4,000 元').waitFor();
  const confirm = await openConfirmation(applicant, 'claim-submit');
  await confirm.getByText('¥10,000 元').waitFor();
  await confirm.getByText('（分三年：3,000 / 3,000 / 4,000 元）').waitFor();
  await confirm.getByText(idNumber).waitFor();
  await screenshot(applicant, 'claims-07-shortage-confirm-phone');
  await confirmDialog(applicant, '确认提交');
  const noEl = applicant.getByTestId('created-application-no');
  await noEl.waitFor();
  const no = (await noEl.textContent())!.trim();
  await applicant.getByRole('button', { name: '查看办理进度' }).click();
  const plan = applicant.getByTestId('instalment-plan');
  await plan.waitFor();
  // a table on a desk, cards on a phone (this applicant is on a phone): the same cells either way
  const row = (year: number) => plan.locator(`[data-year="${year}"] :is(td, [data-cell])`);
  await expect(row(1).allTextContents()).resolves.toEqual(['第1年', '¥3,000 元', '审核中', '—', '—']);
  await expect(row(2).allTextContents()).resolves.toEqual(['第2年', '¥3,000 元', '未到期', '上一期发放满一年', '—']);
  await expect(row(3).allTextContents()).resolves.toEqual(['第3年', '¥4,000 元', '未到期', '上一期发放满一年', '—']);

  // year 1: the unit, the bureau and the industry regulator (区交通运输局) decide in the browser
  await decideInBrowser(await person('unit.lhwl'), no, 'claims-08-shortage-unit');
  await decideInBrowser(await person('bureau1'), no, 'claims-09-shortage-bureau');
  await decideInBrowser(await person('rereview.jtj'), no, 'claims-10-shortage-regulator', async (p) => {
    // the regulator confirms this year's instalment, not the whole award
    await p.getByText('第1年奖励：¥3,000 元（共3年 ¥10,000 元）').waitFor();
    await expect(p.locator('#amountYuan').inputValue()).resolves.toBe('3000');
  });

  // the claim page: year 1 paid, years 2 and 3 planned, the next verification dated one year after the payout
  await reloadUntil(applicant, () => applicant.getByTestId('awaiting-next'), 'year 1 paid');
  await applicant.getByTestId('awaiting-next').getByText('已发放 ¥3,000 元，第2年 ¥3,000 元 待发放').waitFor();
  const today = shanghaiDate(await sys().env.currentTimeMs());
  const anniversary = `${Number(today.slice(0, 4)) + 1}${today.slice(4)}`;
  // the applicant sees the yearly release (12-01) that pays year 2, the anniversary only as its basis
  const release = `${Number(today.slice(0, 4)) + 1}-12-01`;
  await applicant.getByTestId('awaiting-next').getByText(`${release} 年度统一发放时开始核实并发放（依据：首期发放满一年之日 ${anniversary}）`).waitFor();
  await expect(row(1).allTextContents()).resolves.toEqual(['第1年', '¥3,000 元', '已发放', '—', expect.stringMatching(new RegExp(`^${today} \\d{2}:\\d{2}$`))]);
  await expect(row(2).allTextContents()).resolves.toEqual(['第2年', '¥3,000 元', '未到期', release, '—']);
  await expect(row(3).allTextContents()).resolves.toEqual(['第3年', '¥4,000 元', '未到期', '上一期发放满一年', '—']);
  await expect(applicant.getByTestId('paid-yuan').textContent()).resolves.toBe('¥3,000 元');
  await screenshot(applicant, 'claims-11-shortage-plan-phone');
  expect(await applicant.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(400);

  // the printable 附件2-2, three copies
  const id = decodeURIComponent(new URL(applicant.url()).pathname.split('/')[2]!);
  const desk = await person('applicant2');
  await desk.goto(`/claims/${encodeURIComponent(id)}/print`);
  await desk.getByText('南浔区注册安全工程师紧缺人才奖励申请表').first().waitFor();
  expect(await desk.locator('.paper').count()).toBe(3);
  await desk.getByText('附件2-2').first().waitFor();
  await desk.getByText('湖州菱湖物流运输有限公司').first().waitFor();
  await screenshot(desk, 'claims-12-print-form-2-2');
  // one A4 sheet per copy
  expect(await printedPages(desk, '10mm')).toBe(3);

  // the bureau's reports: the chart, and the funds table exported as CSV
  const bureau = await person('bureau1');
  await bureau.goto('/reports');
  await bureau.getByTestId('chart-stage').locator('canvas').waitFor();
  await bureau.getByRole('tab', { name: /经费/ }).click();
  const pane = bureau.locator('.ant-tabs-tabpane-active');
  await pane.locator('tr').filter({ hasText: '南浔区交通运输局' }).getByText('¥3,000 元').first().waitFor();
  await pane.getByTestId('chart-funds').locator('canvas').waitFor();
  const [download] = await Promise.all([bureau.waitForEvent('download'), pane.getByRole('button', { name: /导出 CSV/ }).click()]);
  expect(download.suggestedFilename()).toBe('专项经费发放统计.csv');
  const csv = fs.readFileSync((await download.path())!, 'utf8');
  expect(csv).toContain('南浔区交通运输局');
  expect(csv.split('\n').find((l) => l.includes('南浔区交通运输局'))).toContain('3000');
  await screenshot(bureau, 'claims-13-reports-funds');
  expect(crowd().pageErrors).toEqual([]);
});
