/**
 * Test harness for the browser journeys: `npm start` exactly as a person runs it (embedded Postgres, Temporal dev
 * server, worker, API and console), on free ports with its own DATA_DIR, and Debian's Chromium driven by
 * playwright-core. Same pattern as test/e2e/npmStart.test.ts.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort } from '../../scripts/ports';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

export const ROOT = path.resolve(__dirname, '..', '..');
export const SCREENSHOTS = path.join(ROOT, 'test-results', 'screenshots');
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';


export interface RunningSystem {
  base: string;
  output: () => string;
  stop: () => Promise<void>;
}

export async function startSystem(): Promise<RunningSystem> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'zj-web-'));
  fs.chmodSync(dataDir, 0o755);
  const [api, pg, temporal, ui] = [await freePort(), await freePort(), await freePort(), await freePort()];
  let output = '';
  const child: ChildProcess = spawn('npm', ['start'], {
    cwd: ROOT,
    env: {
      ...process.env,
      DATA_DIR: dataDir,
      PORT: String(api),
      PG_PORT: String(pg),
      TEMPORAL_PORT: String(temporal),
      TEMPORAL_UI_PORT: String(ui),
      DATABASE_URL: '',
      TEMPORAL_ADDRESS: '',
      NODE_ENV: 'development',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  child.stdout!.on('data', (d) => (output += d));
  child.stderr!.on('data', (d) => (output += d));
  const base = `http://127.0.0.1:${api}`;

  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      try {
        process.kill(-child.pid!, 'SIGINT');
      } catch {
        /* gone */
      }
      const timer = setTimeout(() => {
        try {
          process.kill(-child.pid!, 'SIGKILL');
        } catch {
          /* gone */
        }
      }, 30_000);
      await exited;
      clearTimeout(timer);
    }
    fs.rmSync(dataDir, { recursive: true, force: true });
  };

  const t0 = Date.now();
  for (;;) {
    try {
      const res = await fetch(`${base}/healthz`);
      if (res.status === 200) break;
    } catch {
      /* not up yet */
    }
    if (child.exitCode !== null) {
      await stop();
      throw new Error(`npm start exited with ${child.exitCode}; output:\n${output}`);
    }
    if (Date.now() - t0 > 240_000) {
      await stop();
      throw new Error(`not healthy after 240 s; output:\n${output}`);
    }
    await new Promise((res) => setTimeout(res, 500));
  }
  return { base, output: () => output, stop };
}

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'],
  });
}

/** A browser context as a person's phone or desktop, in China. */
export async function newContext(browser: Browser, base: string, opts: { mobile?: boolean } = {}): Promise<BrowserContext> {
  const ctx = await browser.newContext({
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

export async function screenshot(page: Page, name: string): Promise<void> {
  fs.mkdirSync(SCREENSHOTS, { recursive: true });
  // let antd's animations (messages, modals, steps) settle
  await page.waitForTimeout(400);
  await page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`), fullPage: true });
}

/** Logs in through the login form, as a person would. */
export async function loginAs(page: Page, username: string, password = 'demo'): Promise<void> {
  await page.goto('/login');
  await page.locator('#login-username').fill(username);
  await page.locator('#login-password').fill(password);
  await page.getByTestId('login-submit').click();
  await page.waitForURL((u) => !u.pathname.startsWith('/login'));
}
