/**
 * The Zhejiang title review in a real browser, on the time-skipping harness (skippingSystem.ts): the committee
 * office opens a session and manages the expert pool, two applicants declare through the form, their units
 * recommend, the public files an objection on the unit publicity (investigated and dismissed by the unit), the
 * competent department, the lower committee and the office decide, the office starts the pre-review publicity,
 * 省人力社保厅 approves the plan, the office draws the committee (the seed is shown) and records attendance, every
 * attending expert votes on their own one-screen ballot (a second submission is refused), the chair closes the
 * ballot and the tallies are shown, and after the results publicity the certificate verifies on the public page.
 * Every human step is a click in the browser; the test only skips time between stages (never a policy period).
 */
import type { Page } from 'playwright-core';
import {
  chooseEmployer,
  chooseOption,
  confirmDialog,
  decideInBrowser,
  named,
  openConfirmation,
  pickDate,
  reloadUntil,
  screenshot,
  attachMaterials,
} from './system';
import { useSkippingJourney } from './skippingSystem';
import { eventually } from '../../test/helpers/temporal';
import { loadCalendar } from '../../platform/calendar/calendarTable';
import { addWorkingDays, shanghaiDate, startOfShanghaiDay } from '../../platform/calendar/workdays';
import { titleApplicationWorkflowId, titleSessionWorkflowId } from '../../titleReview/rules';
import { demoAccounts } from '../../db/seed';

jest.setTimeout(600_000);

const { sys, crowd, person } = useSkippingJourney('zj');

const db = () => sys().tdb.db;
const openTask = (taskId: string) =>
  eventually(
    () => db().selectFrom('task').select('id').where('id', '=', taskId.replaceAll('/', '~')).where('state', '=', 'open').executeTakeFirst(),
    `task ${taskId}`,
    60_000,
  );
const sessionStatus = async (id: string) => (await db().selectFrom('zj_session').select('status').where('id', '=', id).executeTakeFirstOrThrow()).status;
const appStatus = async (id: string) => (await db().selectFrom('zj_application').select('status').where('id', '=', id).executeTakeFirstOrThrow()).status;

test('a senior title session in the browser, from opening it to a verified certificate', async () => {
  const { cal } = await loadCalendar(db(), 2025, 2030);
  const today = shanghaiDate(await sys().env.currentTimeMs());
  const meetingDate = addWorkingDays(today, 25, cal).date;
  const year = Number(meetingDate.slice(0, 4));

  // ---- the committee office opens the session ---------------------------------------------------------------
  const office = await person('office1');
  // the session page asks for the committee only once one is drawn: no 404 from …/committee before the draw
  const committeeAnswers: number[] = [];
  office.on('response', (r) => {
    if (/\/api\/v1\/zhejiang\/sessions\/[^/]+\/committee$/.test(new URL(r.url()).pathname) && r.request().method() === 'GET') committeeAnswers.push(r.status());
  });
  await office.goto('/zhejiang/sessions');
  await office.getByRole('button', { name: named('新建评审会') }).click();
  await office.locator('#year').fill(String(year));
  await office.getByLabel('高级工程师', { exact: true }).check();
  await pickDate(office, 'meetingDate', meetingDate, { submit: false });
  await expect(office.locator('#meetingDate').inputValue()).resolves.toBe(meetingDate);
  await office
    .locator('.ant-modal')
    .getByRole('button', { name: named('创建') })
    .click();
  await office.waitForURL(/\/zhejiang\/sessions\/[^/]+$/);
  const sessionId = decodeURIComponent(new URL(office.url()).pathname.split('/').pop()!);
  await office.getByTestId('session-status').filter({ hasText: '受理申报' }).waitFor();
  await office.getByText(`${year}年度高级工程师评审`).waitFor();
  // no committee before the pre-review publicity starts, and none asked for
  expect(await office.getByTestId('draw-committee').isDisabled()).toBe(true);
  await office.waitForLoadState('networkidle');
  expect(committeeAnswers).toEqual([]);
  await screenshot(office, 'zj-01-session-opened');

  // ---- the expert pool: one eligible expert added, one refused (a senior title held under 5 years) -------------
  await office.goto('/zhejiang/experts');
  await office.getByText('评审专家库').first().waitFor();
  const addExpert = async (name: string, since: string, username?: string) => {
    const modal = office.locator('.ant-modal').filter({ hasText: '添加评审专家' });
    await modal.waitFor({ state: 'hidden' });
    await office.getByRole('button', { name: named('添加专家') }).click();
    await modal.waitFor();
    await modal.locator('#name').fill(name);
    await modal.locator('#orgName').fill('浙江省安全生产科学研究院');
    if (username) await modal.locator('#username').fill(username);
    await pickDate(office, 'titleSince', since, { submit: false });
    // the footer's OK button by its place, not its accessible name: while a request is on the way antd prefixes the
    // name with its spinner's label, and a click must not wait on that
    await modal.locator('.ant-modal-footer button.ant-btn-primary').click();
  };
  await addExpert('沈新专家', `${year - 3}-05-01`);
  await office.getByText('不符合申请条件：高级评审专家须取得高级职称满5年').waitFor();
  await office
    .locator('.ant-modal')
    .filter({ hasText: '添加评审专家' })
    .getByRole('button', { name: named('取消') })
    .click();
  await addExpert('陈明', '2012-05-01', 'expert1');
  await office.getByText('已加入专家库').waitFor();
  await office.getByTestId('expert-search').fill('陈明');
  await office.locator('tr').filter({ hasText: '陈明' }).getByText('符合').waitFor();
  await screenshot(office, 'zj-02-expert-pool');

  // ---- two applicants declare through the form ------------------------------------------------------------------
  const declare = async (username: string, employer: string, category: string, summary: string) => {
    const p = await person(username);
    await p.goto('/zhejiang/apply');
    await chooseOption(p, p.locator('#sessionId'), `${year}年度高级工程师评审`);
    await p.getByLabel(category, { exact: true }).check();
    await chooseEmployer(p, employer.slice(2, 6), employer);
    await p.locator('#summary').fill(summary);
    await attachMaterials(p, ['achievement']);
    // the commitment is required
    await p.getByRole('button', { name: named('提交申报') }).click();
    await p.getByText('须承诺所提交材料真实').waitFor();
    await p.locator('#commitment').check();
    await screenshot(p, `zj-03-apply-${username}`);
    await openConfirmation(p, p.getByRole('button', { name: named('提交申报') }));
    await confirmDialog(p, '提交');
    await p.waitForURL(/\/zhejiang\/applications\//);
    await p.getByTestId('title-status').filter({ hasText: '单位推荐' }).waitFor();
    const id = decodeURIComponent(new URL(p.url()).pathname.split('/').pop()!);
    const row = await db().selectFrom('zj_application').select(['application_no']).where('id', '=', id).executeTakeFirstOrThrow();
    return { page: p, id, no: row.application_no };
  };
  const A = await declare('applicant1', '浙江南浔精工机械有限公司', '安全生产管理', '主持完成企业双重预防机制建设，获市级安全生产科技进步奖');
  const B = await declare('applicant2', '湖州练市新材料股份有限公司', '安全技术服务', '参与编制行业安全评价导则两项');
  await screenshot(A.page, 'zj-04-application-submitted');

  // ---- the units recommend; the materials are publicised in the unit for 5 working days ---------------------------
  const task = (no: string, key: string) => `${titleApplicationWorkflowId(no)}/${key}`;
  for (const [who, unit] of [
    [A, 'unit.jgjx'],
    [B, 'unit.lsxc'],
  ] as const) {
    await openTask(task(who.no, 'unit_recommendation'));
    const p = await person(unit);
    await decideInBrowser(p, who.no, `zj-05-unit-recommendation-${unit}`, async (tp) => {
      await tp
        .getByTestId('title-subject')
        .getByText(who === A ? '张伟' : '王芳')
        .waitFor();
      await tp.getByText('同意推荐（材料真实，政治表现、廉洁自律、道德品行良好）').waitFor();
      // title-review steps take no request for supplements
      expect(await tp.getByText('要求补正材料').count()).toBe(0);
      await tp.getByTestId('decision-comment').fill('经考核，材料真实，同意推荐');
    });
  }
  await eventually(async () => (await appStatus(A.id)) === 'unit_publicity' && (await appStatus(B.id)) === 'unit_publicity', 'both in the unit publicity');

  // the public sees the unit publicity and files an objection against 王芳 (no login)
  const pub = await crowd().device('public', { mobile: true });
  await pub.goto('/public/notices');
  const bNotice = pub.locator('.ant-collapse-item').filter({ hasText: '职称申报材料单位内部公示：王芳' });
  await bNotice.getByText('公示中').waitFor();
  await bNotice.getByTestId('object-button').click();
  const objModal = pub.locator('.ant-modal').filter({ hasText: '提出异议' });
  await objModal.getByRole('button', { name: named('提交') }).click();
  await objModal.getByText('请填写异议内容').waitFor();
  await objModal.locator('#text').fill('申报人所列行业导则编制中的署名顺序有疑问，请核实');
  await objModal.locator('#contact').fill('匿名');
  await screenshot(pub, 'zj-06-public-objection-form');
  await objModal.getByRole('button', { name: named('提交') }).click();
  await pub.getByText('异议已提交').waitFor();
  expect(await pub.locator('body').textContent()).not.toContain(demoAccounts().find((a) => a.username === 'applicant2')!.idNumber);

  // the unit investigates and finds the objection unfounded: a finding is required
  const objectionTask = await eventually(
    () =>
      db()
        .selectFrom('task')
        .innerJoin('objection', 'objection.task_id', 'task.id')
        .select('task.id')
        .where('task.kind', '=', 'objection_investigation')
        .where('task.subject_id', '=', B.id)
        .where('task.state', '=', 'open')
        .executeTakeFirst(),
    'the investigation task',
    60_000,
  );
  const unitB = await person('unit.lsxc');
  await unitB.goto(`/tasks/${encodeURIComponent(objectionTask.id)}`);
  await unitB.getByTestId('objection-text').filter({ hasText: '署名顺序有疑问' }).waitFor();
  // the task page names the basis of the publicity's period and of the pass threshold (the edition's clauses)
  expect(await unitB.getByTestId('publicity-basis').first().textContent()).toMatch(/^依据《浙江省安全工程专业.*》.*公示不少于5个工作日，2019版$/);
  expect(await unitB.getByTestId('pass-basis').textContent()).toContain('三分之二');
  await unitB.getByTestId('decision-reject').click();
  await unitB.getByTestId('decision-submit').click();
  await unitB.getByText('请写明调查核实情况').waitFor();
  await unitB.getByTestId('decision-comment').fill('经核实，导则封面署名与申报材料一致，异议不成立');
  await screenshot(unitB, 'zj-07-objection-investigation');
  await openConfirmation(unitB, 'decision-submit');
  await confirmDialog(unitB, '确认提交');
  await unitB.waitForURL((u) => u.pathname === '/tasks');
  await eventually(
    async () => (await db().selectFrom('objection').select('status').where('task_id', '=', objectionTask.id).executeTakeFirstOrThrow()).status === 'dismissed',
    'objection dismissed',
  );

  // ---- the unit publicity runs its 5 working days (skipped, not shortened) ----------------------------------------
  const unitNoticeEnd = await db()
    .selectFrom('notice')
    .select((eb) => eb.fn.max('ends_at').as('end'))
    .where('kind', '=', 'unit_publicity')
    .executeTakeFirstOrThrow();
  await sys().skipTo(new Date(unitNoticeEnd.end as unknown as string).getTime() + 60_000);

  // ---- competent department → lower committee → qualification review --------------------------------------------
  for (const [key, user] of [
    ['competent_dept_review', 'dept1'],
    ['lower_committee_recommendation', 'lower1'],
    ['qualification_review', 'office1'],
  ] as const) {
    const p = user === 'office1' ? office : await person(user);
    for (const who of [A, B]) {
      await openTask(task(who.no, key));
      await decideInBrowser(p, who.no, `zj-08-${key}`, async (tp) => {
        await tp.getByTestId('title-subject').waitFor();
        await tp.getByTestId('decision-comment').fill('同意');
      });
    }
  }
  await eventually(async () => (await appStatus(A.id)) === 'qualified' && (await appStatus(B.id)) === 'qualified', 'both qualified');

  // ---- pre-review publicity and the plan to 省人力社保厅 ----------------------------------------------------------
  await office.goto(`/zhejiang/sessions/${encodeURIComponent(sessionId)}`);
  await openConfirmation(office, 'pre-review');
  await confirmDialog(office, '确认');
  await office.getByTestId('session-status').filter({ hasText: '评前公示' }).waitFor();
  const S_WF = titleSessionWorkflowId(year, 'senior');
  await openTask(`${S_WF}/hrss_approval/1`);
  const hrss = await person('hrss1');
  await decideInBrowser(hrss, `ZJ-${year}-senior`, 'zj-09-hrss-approval', async (tp) => {
    await tp.getByText('核准评审工作方案').waitFor();
    await tp.getByTestId('decision-comment').fill('核准');
  });

  // ---- the committee draw: reproducible, the seed shown ----------------------------------------------------------
  await office.goto(`/zhejiang/sessions/${encodeURIComponent(sessionId)}`);
  await openConfirmation(office, 'draw-committee');
  await confirmDialog(office, '抽取');
  const seed = office.getByTestId('draw-seed');
  await seed.waitFor();
  expect(((await seed.textContent()) ?? '').trim()).toMatch(/^[0-9a-f]{32}$/);
  await office.getByText('已复核：按种子重新抽取结果一致').waitFor();
  expect(await office.locator('tr[data-row-key^="EXP-S-"]').count()).toBe(19);
  await screenshot(office, 'zj-10-committee-drawn');

  // ---- the meeting day (after the pre-review publicity and with the 10 working days' lead time) --------------------
  await sys().skipTo(startOfShanghaiDay(meetingDate).getTime() + 9 * 3600_000);
  await eventually(async () => (await sessionStatus(sessionId)) === 'ready', 'session ready', 60_000);
  await office.reload();
  await office.getByTestId('session-status').filter({ hasText: '待开会' }).waitFor();
  const members = await db()
    .selectFrom('zj_committee_member')
    .innerJoin('zj_expert', 'zj_expert.id', 'zj_committee_member.expert_id')
    .innerJoin('app_user', 'app_user.id', 'zj_expert.user_id')
    .select(['zj_committee_member.expert_id as expertId', 'zj_committee_member.role', 'app_user.username'])
    .where('session_id', '=', sessionId)
    .orderBy('zj_committee_member.expert_id')
    .execute();
  expect(members).toHaveLength(19);
  const absent = members.filter((m) => m.role === 'member').slice(0, 2);
  const present = members.filter((m) => !absent.includes(m));
  const tick = (expertId: string) => office.locator(`tr[data-row-key="${expertId}"] input[type="checkbox"]`).check();
  for (const m of present.slice(0, 16)) await tick(m.expertId);
  await office.getByTestId('present-count').filter({ hasText: '已勾选出席 16 人' }).waitFor();
  await office.getByTestId('record-attendance').click();
  await office.getByText('出席人数不足17人').waitFor();
  await tick(present[16]!.expertId);
  await office.getByTestId('record-attendance').click();
  await office.getByText('出席情况已记录').waitFor();
  await office.getByTestId('session-status').filter({ hasText: '投票中' }).waitFor();
  // attendance is recorded once: the boxes and the button are disabled from now on
  expect(await office.getByTestId('record-attendance').isDisabled()).toBe(true);
  expect(await office.locator(`tr[data-row-key="${absent[0]!.expertId}"] input[type="checkbox"]`).isDisabled()).toBe(true);
  await screenshot(office, 'zj-11-attendance-recorded');

  // ---- the secret ballot: each attending expert on their own ballot page ------------------------------------------
  const ballotUrl = `/zhejiang/ballots/${encodeURIComponent(sessionId)}`;
  // an absent member may not vote
  const absentee = await person(absent[0]!.username);
  await absentee.goto(ballotUrl);
  await absentee.getByText('您未登记出席，不能投票').waitFor();
  const chair = present.find((m) => m.role === 'chair')!;
  const voters = present; // all 17 attending vote
  let first: Page | undefined;
  for (let i = 0; i < voters.length; i++) {
    const m = voters[i]!;
    const p = await person(m.username, { mobile: i === 0 });
    if (i === 0) first = p;
    await p.goto('/zhejiang/ballots');
    await p.getByRole('link', { name: '进入投票' }).first().click();
    await p.waitForURL((u) => u.pathname === ballotUrl);
    // one screen: both applicants; the submit button waits until every applicant has a vote
    await p.getByTestId(`vote-${A.no}`).waitFor();
    await p.getByTestId(`vote-${B.no}`).waitFor();
    expect(await p.getByTestId('ballot-submit').isDisabled()).toBe(true);
    await p.getByTestId(`vote-${A.no}`).getByText('赞成').click();
    expect(await p.getByTestId('ballot-submit').isDisabled()).toBe(true);
    await p
      .getByTestId(`vote-${B.no}`)
      .getByText(i < 11 ? '赞成' : '反对')
      .click();
    let second: Page | undefined;
    if (i === 0) {
      // the same expert has the ballot open in a second tab too
      second = await p.context().newPage();
      await second.goto(ballotUrl);
      await second.getByTestId(`vote-${A.no}`).getByText('反对').click();
      await second.getByTestId(`vote-${B.no}`).getByText('反对').click();
      await screenshot(p, 'zj-12-ballot-phone');
      expect(await p.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(400);
    }
    const ballotConfirm = await openConfirmation(p, 'ballot-submit');
    await ballotConfirm.getByText('赞成 ').waitFor();
    await confirmDialog(p, '提交选票');
    await p.getByTestId('ballot-done').waitFor();
    if (second) {
      // submitting again from the other tab is refused, and the page says so
      await openConfirmation(second, 'ballot-submit');
      await confirmDialog(second, '提交选票');
      await second.getByTestId('ballot-error').filter({ hasText: '您已投过票' }).waitFor();
      await second.getByTestId('ballot-done').waitFor();
      await screenshot(second, 'zj-13-second-ballot-refused');
      await second.close();
    }
    if (m !== chair && m.role === 'member' && i === 1) {
      // an ordinary member cannot close the ballot
      await openConfirmation(p, 'close-ballot');
      await confirmDialog(p, '结束投票');
      await p.getByText('仅出席会议的主任委员或副主任委员可宣布投票结束').waitFor();
    }
    if (m !== chair && i > 1) await p.context().close();
  }
  void first;
  expect(
    Number(
      (
        await db()
          .selectFrom('ballot_voter')
          .select((eb) => eb.fn.countAll<string>().as('n'))
          .where('session_id', '=', sessionId)
          .executeTakeFirstOrThrow()
      ).n,
    ),
  ).toBe(17);

  // ---- the chair closes the ballot; the tallies are shown -------------------------------------------------------
  const chairPage = await person(chair.username);
  await chairPage.goto(ballotUrl);
  await chairPage.getByTestId('ballot-done').waitFor();
  await openConfirmation(chairPage, 'close-ballot');
  await confirmDialog(chairPage, '结束投票');
  const results = chairPage.getByTestId('ballot-results');
  await results.waitFor();
  const rowOf = (id: string) => results.locator(`[data-application-id="${id}"]`);
  await expect(rowOf(A.id).locator('td').allTextContents()).resolves.toEqual(['张伟', '17', '0', '0', '17', '通过（赞成票达出席人数三分之二以上）']);
  await expect(rowOf(B.id).locator('td').allTextContents()).resolves.toEqual(['王芳', '11', '6', '0', '17', '未通过']);
  await screenshot(chairPage, 'zj-14-ballot-closed-tallies');
  // the office's session page shows the same count
  await office.reload();
  await office.getByTestId('tally').locator(`[data-application-id="${A.id}"]`).getByText('通过（赞成票达出席人数三分之二以上）').waitFor();
  await office.getByTestId('session-status').filter({ hasText: '评审结果公示' }).waitFor();
  await screenshot(office, 'zj-15-session-results');

  // ---- the results publicity on the public page; after its 5 working days the certificate ---------------------------
  await pub.goto('/public/notices');
  const resultsNotice = pub
    .locator('.ant-collapse-item')
    .filter({ hasText: `${year}年度浙江省安全工程专业` })
    .filter({ hasText: '结果公示' });
  await resultsNotice.getByText('公示中').waitFor();
  await resultsNotice.getByText('张伟').waitFor();
  expect(await resultsNotice.getByText('王芳').count()).toBe(0);
  await screenshot(pub, 'zj-16-results-publicity-phone');
  const resultsEnd = await db()
    .selectFrom('notice')
    .select((eb) => eb.fn.max('ends_at').as('end'))
    .where('kind', '=', 'results')
    .executeTakeFirstOrThrow();
  await sys().skipTo(new Date(resultsEnd.end as unknown as string).getTime() + 60_000);
  await eventually(async () => (await appStatus(A.id)) === 'certified', 'A certified', 60_000);

  await reloadUntil(A.page, () => A.page.getByTestId('title-status').filter({ hasText: '已颁发电子证书' }), 'the certificate');
  await A.page.getByTestId('title-result').getByText('通过').waitFor();
  // the applicant's view gives the basis of each publicity it went through and of the threshold it passed
  const bases = await A.page.getByTestId('publicity-basis').allTextContents();
  expect(bases).toHaveLength(3); // 单位内部公示, 评前公示, 评审结果公示
  for (const b of bases) expect(b).toContain('公示不少于5个工作日');
  expect(await A.page.getByTestId('pass-basis').textContent()).toContain('获得出席委员三分之二以上赞成票的方为通过');
  await screenshot(A.page, 'zj-17-application-certified');
  await A.page.getByTestId('certificate-link').click();
  await A.page.getByTestId('certificate-verdict').filter({ hasText: '证书真实有效' }).waitFor();
  await A.page.getByText('张伟').waitFor();
  const applicant1Id = demoAccounts().find((a) => a.username === 'applicant1')!.idNumber;
  expect(await A.page.locator('body').textContent()).not.toContain(applicant1Id);
  // the public verifies it by its code, without logging in
  const code = decodeURIComponent(new URL(A.page.url()).pathname.split('/').pop()!);
  await pub.goto('/public/certificates');
  await pub.getByPlaceholder('证书编号 / 查验码').fill(code);
  await pub.getByRole('button', { name: /查\s*验/ }).click();
  await pub.getByTestId('certificate-verdict').filter({ hasText: '证书真实有效' }).waitFor();
  await pub.getByText('高级工程师').first().waitFor();
  await screenshot(pub, 'zj-18-certificate-verified-phone');
  await reloadUntil(B.page, () => B.page.getByTestId('title-status').filter({ hasText: '评审未通过' }), 'the failed result');
  await B.page.getByTestId('title-result').getByText('未通过').waitFor();

  // ---- misconduct found later (recorded through the API): the public notice and the revoked certificate read in words,
  // never a raw key (decision, banFromYear, levelName…) and never a column twice ---------------------------------------
  const officeLogin = (await (
    await fetch(`${sys().base}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-forwarded-for': '10.98.0.1' },
      body: JSON.stringify({ username: 'office1', password: 'demo' }),
    })
  ).json()) as { token: string };
  const misconduct = await fetch(`${sys().base}/api/v1/zhejiang/applications/${encodeURIComponent(A.id)}/misconduct`, {
    method: 'POST',
    headers: { authorization: `Bearer ${officeLogin.token}`, 'content-type': 'application/json', 'x-forwarded-for': '10.98.0.1' },
    body: JSON.stringify({ reason: '业绩材料弄虚作假' }),
  });
  expect(misconduct.status).toBeLessThan(300);
  await pub.goto('/public/notices');
  // the notice whose own header names it (an enclosing group of notices contains the same text)
  const misconductNotice = pub
    .locator('.ant-collapse-item')
    .filter({ has: pub.locator(':scope > .ant-collapse-header', { hasText: '职称评审违纪处理结果公示：张伟' }) })
    .first();
  await reloadUntil(pub, () => misconductNotice.getByText('禁止申报期'), 'the misconduct notice');
  // the column headers a reader (or a screen reader) gets: Ant Design's hidden measuring row repeats them as th
  const heads = (await misconductNotice.getByRole('columnheader').allInnerTexts()).map((h) => h.trim()).filter(Boolean);
  expect(heads.filter((h) => !/^[\u4e00-\u9fff（）]+$/.test(h))).toEqual([]);
  expect(new Set(heads).size).toBe(heads.length);
  for (const h of ['姓名', '评审级别', '处理决定', '禁止申报期']) expect(heads).toContain(h);
  await misconductNotice
    .getByText(/^\d{4}年至\d{4}年$/)
    .first()
    .waitFor();
  await screenshot(pub, 'zj-19-misconduct-notice-phone');
  await pub.goto(`/public/certificates/${encodeURIComponent(code)}`);
  await pub.getByTestId('certificate-verdict').filter({ hasText: '证书不在有效状态' }).waitFor();
  const labels = (await pub.locator('.ant-descriptions-item-label').allInnerTexts()).map((l) => l.trim());
  expect(labels.filter((l) => !/^[\u4e00-\u9fff（）]+$/.test(l))).toEqual([]);
  expect(new Set(labels).size).toBe(labels.length);
  await pub.getByText('已撤销', { exact: true }).waitFor();
  await screenshot(pub, 'zj-20-certificate-revoked-phone');

  expect(crowd().pageErrors).toEqual([]);
});
