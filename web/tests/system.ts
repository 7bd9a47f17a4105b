/**
 * Test harness for the browser journeys: `npm start` exactly as a person runs it (embedded Postgres, Temporal dev
 * server, worker, API and console), on free ports with its own DATA_DIR (test/helpers/npmStart.ts), and Debian's
 * Chromium driven by playwright-core.
 */
import fs from 'node:fs';
import path from 'node:path';
import { SCREENSHOTS, startSystem, type RunningSystem } from '../../test/helpers/npmStart';
import { chromium, type Browser, type BrowserContext, type Locator, type Page } from 'playwright-core';
import { findChromium } from '../../tools/chromium';
import { checkA11y } from './a11y';

export { ROOT, SCREENSHOTS, startSystem, type RunningSystem } from '../../test/helpers/npmStart';

/** Chromium found (or installed) by tools/chromium.ts: CHROMIUM_PATH, then PATH, then apt-get as root. */
export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: await findChromium({ log: (m) => console.log(m) }),
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--disable-dev-shm-usage',
    ],
  });
}

let devices = 0;

/**
 * A browser context as a person's phone or desktop, in China. Each context is its own device: behind the loopback
 * reverse proxy the app trusts, it comes from an address of its own (X-Forwarded-For), as a clerk or an expert at
 * their own desk would, so the per-address login limit counts each person separately.
 */
export async function newContext(browser: Browser, base: string, opts: { mobile?: boolean } = {}): Promise<BrowserContext> {
  const device = ++devices;
  const ctx = await browser.newContext({
    extraHTTPHeaders: { 'X-Forwarded-For': `10.20.${Math.floor(device / 250) % 250}.${(device % 250) + 1}` },
    baseURL: base,
    locale: 'zh-CN',
    // deliberately not Asia/Shanghai: the console must show Shanghai time whatever the device's zone
    timezoneId: 'Europe/Berlin',
    viewport: opts.mobile ? { width: 390, height: 844 } : { width: 1366, height: 900 },
    deviceScaleFactor: 1,
    isMobile: !!opts.mobile,
    hasTouch: !!opts.mobile,
  });
  // generous: CI runs this beside other suites on 2 cores, and a decision returns only once its workflow has settled
  ctx.setDefaultTimeout(90_000);
  ctx.setDefaultNavigationTimeout(90_000);
  return ctx;
}

/**
 * Saves what the page shows, after checking it with axe-core (a11y.ts): every screen a journey saves passes
 * WCAG 2.0 AA without critical or serious findings. `{ a11y: false }` only for the saved screens of a failed run.
 */
export async function screenshot(page: Page, name: string, opts: { a11y?: boolean } = {}): Promise<void> {
  fs.mkdirSync(SCREENSHOTS, { recursive: true });
  // let antd's animations (messages, modals, steps) settle
  await page.waitForTimeout(400);
  await page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`), fullPage: true });
  if (opts.a11y !== false) await checkA11y(page, name);
}

/** Logs in through the login form, as a person would. */
export async function loginAs(page: Page, username: string, password = 'demo'): Promise<void> {
  await page.goto('/login');
  await page.locator('#login-username').fill(username);
  await page.locator('#login-password').fill(password);
  await page.getByTestId('login-submit').click();
  await page.waitForURL((u) => !u.pathname.startsWith('/login'));
}

/**
 * Picks a date in an antd DatePicker by typing it. Enter confirms it (and, as in any HTML form, submits the form);
 * `{ submit: false }` confirms it by leaving the field instead.
 */
export async function pickDate(page: Page, id: string, date: string, opts: { submit?: boolean } = {}): Promise<void> {
  const input = page.locator(`#${id}`);
  await input.click();
  await input.fill(date);
  await input.press(opts.submit === false ? 'Tab' : 'Enter');
}

/**
 * Clicks the OK button of the confirmation dialog now open and waits until the dialog is gone. A click that lands
 * while the dialog is still animating in is sometimes lost on a loaded machine: then it is clicked again (never
 * while the button shows its request is on the way).
 */
export async function confirmDialog(page: Page, ok: string): Promise<void> {
  const dialog = page.locator('.ant-modal-confirm').last();
  const button = dialog.getByRole('button', { name: named(ok) });
  for (let attempt = 1; ; attempt++) {
    await button.click({ timeout: 30_000 }).catch((err) => {
      if (attempt === 1) throw err;
    });
    try {
      await dialog.waitFor({ state: 'hidden', timeout: 3_000 });
      return;
    } catch {
      if (await button.evaluate((b) => b.classList.contains('ant-btn-loading')).catch(() => false)) {
        await dialog.waitFor({ state: 'hidden', timeout: 90_000 });
        return;
      }
      if (attempt >= 5) throw new Error(`the dialog's "${ok}" did not take`);
    }
  }
}

/**
 * Submits a form whose submit button opens a confirmation dialog, and returns the dialog. It first waits until no
 * field shows a refusal any more (a refusal still shown after the corrections fails the test, naming it): the
 * refusals' collapse moves the button up, and a click that lands while it moves is sometimes lost on a loaded
 * machine. A click that still opens nothing is made again, as a person would; never while the dialog is open.
 * `submit` is the button's test id, or the button.
 */
export async function openConfirmation(page: Page, submit: string | Locator): Promise<Locator> {
  const refusals = page.locator('.ant-form-item-explain-error');
  const shown = async () => (await refusals.allTextContents()).filter((t) => t.trim()).join('; ');
  await page
    .waitForFunction(() => !document.querySelector('.ant-form-item-explain-error'), undefined, { timeout: 30_000 })
    .catch(async () => {
      throw new Error(`the form still refuses: ${await shown()}`);
    });
  const dialog = page.locator('.ant-modal-confirm').last();
  const button = typeof submit === 'string' ? page.getByTestId(submit) : submit;
  for (let attempt = 1; ; attempt++) {
    if (!(await dialog.isVisible())) await button.click({ timeout: 15_000 }).catch(() => undefined);
    try {
      await dialog.waitFor({ timeout: 8_000 });
      return dialog;
    } catch {
      const refused = await shown();
      if (refused) throw new Error(`the form refused: ${refused}`);
      if (attempt >= 5) throw new Error(`submitting (${String(submit)}) opened no confirmation dialog`);
    }
  }
}

/**
 * Chooses `option` in an Ant Design select as a person does: opens it, types `search` when given, clicks the option
 * in the open list, and looks that the field now shows it, trying again when it does not (on a loaded machine a click
 * can land while the list is still sliding open and select nothing).
 */
export async function chooseOption(page: Page, field: Locator, option: string, search?: string): Promise<void> {
  const select = field.locator('xpath=ancestor-or-self::*[contains(concat(" ", normalize-space(@class), " "), " ant-select ")][1]');
  for (let attempt = 1; ; attempt++) {
    await field.click();
    if (search !== undefined) await field.fill(search);
    await page.locator('.ant-select-dropdown:not(.ant-select-dropdown-hidden) .ant-select-item-option').filter({ hasText: option }).first().click();
    try {
      await select.locator('.ant-select-selection-item').filter({ hasText: option }).first().waitFor({ timeout: 5_000 });
      return;
    } catch (e) {
      if (attempt >= 4) throw new Error(`the select did not take "${option}" after ${attempt} tries: ${String(e)}`);
      await page.keyboard.press('Escape');
    }
  }
}

/** Chooses the employer in a form's searchable 工作单位 select. */
export async function chooseEmployer(page: Page, search: string, name: string): Promise<void> {
  await chooseOption(page, page.locator('#employerOrgCode'), name, search);
}

/** The clerk opens the task (by its subject's reference) from the inbox, checks what the page shows, and decides. */
export async function decideInBrowser(page: Page, ref: string, shot: string, setup?: (page: Page) => Promise<void>): Promise<void> {
  await page.goto('/tasks');
  const link = page.locator(`[data-testid="task-link"][data-ref="${ref}"]`).first();
  await link.waitFor();
  await link.click();
  await page.getByTestId('task-title').waitFor();
  await page.getByTestId('decision-submit').waitFor();
  if (setup) await setup(page);
  await screenshot(page, shot);
  await openConfirmation(page, 'decision-submit');
  await confirmDialog(page, '确认提交');
  const refused = page.getByTestId('decision-error');
  try {
    await Promise.race([
      page.waitForURL((u) => u.pathname === '/tasks'),
      refused.waitFor().then(async () => {
        throw new Error(`the decision on ${ref} was refused: ${await refused.textContent()}`);
      }),
    ]);
  } catch (err) {
    await screenshot(page, `${shot}-failed`, { a11y: false }).catch(() => undefined);
    throw err;
  }
}

/** A button's accessible name: antd puts a space between two Chinese characters (提交 → 提 交). */
export const named = (text: string): RegExp => new RegExp(`^\\s*${[...text].join('\\s*')}\\s*$`);

/**
 * The people of a journey, each at their own device (browser context), logged in through the login form; page
 * errors are collected, and `lastScreens` saves what every screen showed last (for a failed run).
 */
export function people(browser: Browser, base: () => string) {
  const contexts: BrowserContext[] = [];
  const pageErrors: string[] = [];
  return {
    pageErrors,
    async device(who: string, opts: { mobile?: boolean } = {}): Promise<Page> {
      const ctx = await newContext(browser, base(), opts);
      contexts.push(ctx);
      const page = await ctx.newPage();
      page.on('pageerror', (e) => pageErrors.push(`${who}: ${String(e)}`));
      return page;
    },
    async person(username: string, opts: { mobile?: boolean } = {}): Promise<Page> {
      const page = await this.device(username, opts);
      await loginAs(page, username);
      return page;
    },
    async lastScreens(prefix: string): Promise<void> {
      let i = 0;
      for (const ctx of contexts) for (const page of ctx.pages()) await screenshot(page, `${prefix}-last-${++i}`, { a11y: false }).catch(() => undefined);
    },
  };
}

type People = ReturnType<typeof people>;

/** What a journey runs against: where its console is, and how it is stopped. */
export interface JourneySystem {
  base: string;
  stop(): Promise<void>;
}

/** A journey file's system, Chromium and people: getters, for the file's tests and its hooks after useJourney's. */
export interface Journey<S extends JourneySystem> {
  sys: () => S;
  browser: () => Browser;
  /** a new device at the system's console (newContext) */
  context: (opts?: { mobile?: boolean }) => Promise<BrowserContext>;
  /** the journey's people, each at their own device (people) */
  crowd: () => People;
  /** a person of the crowd, logged in through the login form */
  person: (username: string, opts?: { mobile?: boolean }) => Promise<Page>;
}

/**
 * The set-up of a journey file: the system (`start`) and Chromium are started before the file's tests; after them
 * the people's last screens are saved (`<screens>-last-N`), Chromium is closed, `beforeStop` runs and the system
 * is stopped. Whatever did start is stopped even when the other failed to.
 */
export function useJourney<S extends JourneySystem>(start: () => Promise<S>, opts: { screens: string; beforeStop?: (sys: S) => void }): Journey<S> {
  let sys: S | undefined;
  let browser: Browser | undefined;
  let crowd: People | undefined;
  beforeAll(async () => {
    const started = await Promise.allSettled([start().then((s) => (sys = s)), launchBrowser().then((b) => (browser = b))]);
    for (const r of started) if (r.status === 'rejected') throw r.reason;
    crowd = people(browser!, () => sys!.base);
  }, 300_000);
  afterAll(async () => {
    await crowd?.lastScreens(opts.screens);
    await browser?.close().catch(() => undefined);
    if (sys) {
      opts.beforeStop?.(sys);
      await sys.stop();
    }
  });
  return {
    sys: () => sys!,
    browser: () => browser!,
    context: (o = {}) => newContext(browser!, sys!.base, o),
    crowd: () => crowd!,
    person: (username, o = {}) => crowd!.person(username, o),
  };
}

/**
 * A journey against `npm start` (startSystem): useJourney, and what npm start printed written to
 * test-results/`logName` before it is stopped (for a failed run).
 */
export function useRunningSystem(logName: string): Journey<RunningSystem> {
  return useJourney(startSystem, {
    screens: path.basename(logName, '.log'),
    beforeStop(sys) {
      fs.mkdirSync(path.dirname(SCREENSHOTS), { recursive: true });
      fs.writeFileSync(path.join(path.dirname(SCREENSHOTS), logName), sys.output());
    },
  });
}

/** Reloads until `what` is visible: another person's step (or a skipped-to time) changed the page. */
export async function reloadUntil(page: Page, locate: () => Locator, what: string): Promise<void> {
  for (let i = 0; i < 40; i++) {
    if (
      await locate()
        .first()
        .isVisible()
        .catch(() => false)
    )
      return;
    await page.waitForTimeout(500);
    await page.reload();
    await page.waitForLoadState('networkidle');
  }
  throw new Error(`the page never showed ${what}`);
}

/** A minimal PDF and a 1×1 PNG for the upload fields (the server judges files by their bytes). */
export const SAMPLE_PDF = Buffer.from(
  '%PDF-1.4\n1 0 obj <</Type /Catalog /Pages 2 0 R>> endobj\n2 0 obj <</Type /Pages /Kids [] /Count 0>> endobj\ntrailer <</Root 1 0 R>>\n%%EOF\n',
);
export const SAMPLE_PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64');

/** Uploads one PDF per kind in a form's 申请材料 fields and waits until each is listed. */
export async function attachMaterials(page: Page, kinds: string[]): Promise<void> {
  for (const kind of kinds) {
    await page
      .getByTestId(`upload-${kind}`)
      .setInputFiles({ name: `${kind}.pdf`, mimeType: 'application/pdf', buffer: Buffer.concat([SAMPLE_PDF, Buffer.from(`% ${kind} ${Date.now()}\n`)]) });
    await page.getByTestId(`material-${kind}`).first().waitFor();
  }
}
