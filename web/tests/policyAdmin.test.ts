/**
 * The administrator's policy-edition page in a real browser against `npm start`: 发布 is offered only after a dry run
 * of exactly the same request (试算影响 lists what the edition would touch); the published edition is then compared
 * side by side with the one it is based on, its changed parameter marked.
 */
import { chooseOption, loginAs, pickDate, screenshot, useRunningSystem } from './system';

jest.setTimeout(600_000);

const { sys, context } = useRunningSystem('web-npm-start-policies.log');

/** A date `days` ahead in Asia/Shanghai, as YYYY-MM-DD. */
const daysAhead = (days: number) => new Date(Date.now() + 8 * 3600_000 + days * 86_400_000).toISOString().slice(0, 10);

test('admin publishes a title-review edition after a dry run, then compares it with the one it is based on', async () => {
  const ctx = await context();
  const page = await ctx.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await loginAs(page, 'admin');
  await page.goto('/admin/policies');
  await page.getByRole('heading', { name: '政策版本对比' }).waitFor();

  const first = 'zhejiang-title-2019-12-04';
  const from = daysAhead(30);
  await chooseOption(page, page.getByLabel('基于版本（新版本施行之日，该版本终止）'), first);
  expect(await page.getByLabel('文件名称').inputValue()).toContain('职务任职资格评审实施方案');
  await page.getByLabel('文号').fill('浙应急人〔2027〕8号');
  await pickDate(page, 'from', from, { submit: false });
  await page.getByLabel('改动的参数（JSON）').fill('{"publicityWorkingDays": 7}');
  await page.getByLabel('发布理由').fill('公示期延长为7个工作日');

  // no publication without a dry run of this very request
  const publish = page.getByTestId('policy-publish');
  expect(await publish.isDisabled()).toBe(true);
  await page.getByTestId('policy-dry-run').click();
  const result = page.getByTestId('policy-dry-run-result');
  await result.waitFor();
  expect(await result.textContent()).toMatch(/受影响 \d+ 个环节；不受影响的在办事项 \d+ 件/);
  expect(await result.textContent()).toContain('passFraction, banYears: unchanged');
  await screenshot(page, 'policies-01-dry-run');
  expect(await publish.isDisabled()).toBe(false);

  // a change after the dry run takes the offer back until it is run again
  await page.getByLabel('改动的参数（JSON）').fill('{"publicityWorkingDays": 8}');
  await page.waitForFunction(() => (document.querySelector('[data-testid="policy-publish"]') as HTMLButtonElement | null)?.disabled === true);
  await page.getByLabel('改动的参数（JSON）').fill('{"publicityWorkingDays": 7}');
  await page.getByTestId('policy-dry-run').click();
  await page.waitForFunction(() => (document.querySelector('[data-testid="policy-publish"]') as HTMLButtonElement | null)?.disabled === false);
  await publish.click();
  await page.getByText('新版本已发布').waitFor();

  // the edition is public, future, with the changed parameter and its clause
  const editions = (await (await fetch(`${sys().base}/api/v1/policies`)).json()) as { id: string; policy: string; status: string; effectiveFrom: string }[];
  const published = editions.find((e) => e.policy === 'zhejiang-title' && e.id !== first);
  expect(published).toMatchObject({ status: 'future' });
  expect(Date.parse(published!.effectiveFrom)).toBe(Date.parse(`${from}T00:00:00+08:00`)); // 00:00 Asia/Shanghai

  // side by side: the first edition and the new one; only the publicity differs, marked
  await chooseOption(page, page.getByRole('combobox', { name: '版本 A' }), first);
  // version A's list has closed (it offers the same editions as B's)
  await page.waitForFunction(() => document.querySelectorAll('.ant-select-dropdown:not(.ant-select-dropdown-hidden)').length === 0);
  await chooseOption(page, page.getByRole('combobox', { name: '版本 B' }), published!.id);
  const row = (name: string) => page.locator('tr').filter({ has: page.locator('td', { hasText: new RegExp(`^${name}$`) }) });
  await row('publicityWorkingDays').waitFor();
  const cells = await row('publicityWorkingDays').locator('td').allTextContents();
  expect(cells.slice(0, 4)).toEqual(['publicityWorkingDays', '程序（按环节开始时）', '5', '7']);
  expect(await row('publicityWorkingDays').getAttribute('class')).toContain('row-changed');
  expect(await row('publicityWorkingDays').locator('b').textContent()).toBe('7');
  const unchanged = await row('minCommittee').locator('td').allTextContents();
  expect(unchanged.slice(2, 4)).toEqual(['17', '17']);
  expect(await row('minCommittee').getAttribute('class')).not.toContain('row-changed');
  await screenshot(page, 'policies-02-compared');
  expect(errors).toEqual([]);
});
