/**
 * Accessibility check of every page a journey visits (GB/T 37668-2019, which follows WCAG 2.0 AA): axe-core runs
 * inside the page and the journey fails on any critical or serious violation. The console's CSP forbids injected
 * <script> elements (addScriptTag), so axe's source is evaluated through page.evaluate instead.
 *
 * Every journey calls `checkA11y(page, name)` on each page it visits; `screenshot()` in system.ts calls it too, so
 * each screen a journey saves has been checked. Moderate and minor findings are collected in
 * test-results/a11y.json for the record but do not fail the journey.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';

const AXE_SOURCE = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
const REPORT = path.resolve(__dirname, '..', '..', 'test-results', 'a11y.json');
const FAILING = new Set(['critical', 'serious']);

export interface A11yFinding {
  page: string;
  url: string;
  rule: string;
  impact: string;
  help: string;
  targets: string[];
}

interface AxeResult {
  violations: { id: string; impact: string | null; help: string; nodes: { target: unknown[]; failureSummary?: string }[] }[];
}

/** every finding of this process, by page name */
export const a11yFindings: A11yFinding[] = [];

/** Runs axe-core (WCAG 2.0 A and AA rules) on the page as it is now. */
export async function axeScan(page: Page): Promise<AxeResult> {
  // antd's animations (modals, messages) settle first: a half-faded element has a half colour
  await page.waitForTimeout(300);
  await page
    .evaluate(() =>
      Promise.race([Promise.all(document.getAnimations().map((a) => a.finished.catch(() => undefined))), new Promise((r) => setTimeout(r, 2000))]),
    )
    .catch(() => undefined);
  const loaded = await page.evaluate(() => typeof (window as unknown as { axe?: unknown }).axe !== 'undefined');
  if (!loaded) await page.evaluate(AXE_SOURCE);
  return page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run: (ctx: unknown, opts: unknown) => Promise<AxeResult> } }).axe;
    // the transient toasts (antd message) fade in and out on their own timer: a scan that meets one mid-fade measures
    // a half colour, so they are left out (their text is the theme's normal text colour)
    const r = await axe.run(
      { exclude: [['.ant-message']] },
      { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'best-practice'] }, resultTypes: ['violations'] },
    );
    return {
      violations: r.violations.map((v) => ({
        id: v.id,
        impact: v.impact,
        help: v.help,
        nodes: v.nodes.map((n) => ({ target: n.target, failureSummary: n.failureSummary })),
      })),
    };
  });
}

/**
 * Checks the page and throws, naming each rule and the elements, if axe finds a critical or serious violation.
 * `name` names the page in the message and in test-results/a11y.json.
 */
export async function checkA11y(page: Page, name: string): Promise<A11yFinding[]> {
  const result = await axeScan(page);
  const url = page.url();
  const findings = result.violations.map((v) => ({
    page: name,
    url,
    rule: v.id,
    impact: v.impact ?? 'minor',
    help: v.help,
    targets: v.nodes.map((n) => n.target.map(String).join(' ')),
  }));
  a11yFindings.push(...findings);
  try {
    fs.mkdirSync(path.dirname(REPORT), { recursive: true });
    fs.writeFileSync(REPORT, JSON.stringify(a11yFindings, null, 1));
  } catch {
    /* the record is a convenience */
  }
  const failing = findings.filter((f) => FAILING.has(f.impact));
  if (failing.length) {
    const lines = failing.map(
      (f) => `  [${f.impact}] ${f.rule} (${f.help}): ${f.targets.slice(0, 5).join(' | ')}${f.targets.length > 5 ? ` … ${f.targets.length} elements` : ''}`,
    );
    throw new Error(`accessibility (axe-core, WCAG 2.0 AA) on ${name} (${url}):\n${lines.join('\n')}`);
  }
  return findings;
}
