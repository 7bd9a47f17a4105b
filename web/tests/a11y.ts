/**
 * Accessibility check of every page a journey visits (GB/T 37668-2019, which follows WCAG 2.0 AA): axe-core runs
 * inside the page and the journey fails on any critical or serious violation. The console's CSP forbids injected
 * <script> elements (addScriptTag), so axe's source is evaluated through page.evaluate instead.
 *
 * Every journey calls `checkA11y(page, name)` on each page it visits; `screenshot()` in system.ts calls it too, so
 * each screen a journey saves has been checked. Besides the critical and serious findings, the moderate ones an
 * outside audit found (heading levels that jump, content outside landmarks, no h1, no main) fail the journey too;
 * the other moderate and minor findings are collected in test-results/a11y.json for the record.
 * The toasts (antd message) are checked like everything else, once their animation has finished, and so is the
 * experimental rule label-content-name-mismatch (WCAG 2.5.3: a control's name contains its visible text).
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';

const AXE_SOURCE = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
const REPORT = path.resolve(__dirname, '..', '..', 'test-results', 'a11y.json');
const FAILING = new Set(['critical', 'serious']);
/** moderate rules that fail a journey as well (issue 24: each was found on a screen and fixed) */
const FAILING_RULES = new Set(['heading-order', 'page-has-heading-one', 'landmark-one-main', 'region']);

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
    // the toasts are scanned too: their fade-in has finished (animations awaited above)
    const r = await axe.run(document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'best-practice'] },
      rules: { 'label-content-name-mismatch': { enabled: true } },
      resultTypes: ['violations'],
    });
    // a popup that antd renders at the end of <body> (a select's list, a date picker, a tooltip) belongs to the control
    // that opened it (aria-controls / aria-owns), not to a landmark of its own: the region rule does not apply to it
    const POPUPS = '.ant-select-dropdown, .ant-picker-dropdown, .ant-dropdown, .ant-tooltip, .ant-popover, .ant-cascader-dropdown';
    const isPopup = (target: unknown) => {
      const el = typeof target === 'string' ? document.querySelector(target) : null;
      return !!el && (el.matches(POPUPS) || !!el.querySelector(POPUPS) || !!el.closest(POPUPS));
    };
    for (const v of r.violations) if (v.id === 'region') v.nodes = v.nodes.filter((n) => !isPopup(n.target[0]));
    r.violations = r.violations.filter((v) => v.nodes.length > 0);
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
  const failing = findings.filter((f) => FAILING.has(f.impact) || FAILING_RULES.has(f.rule));
  if (failing.length) {
    const lines = failing.map(
      (f) => `  [${f.impact}] ${f.rule} (${f.help}): ${f.targets.slice(0, 5).join(' | ')}${f.targets.length > 5 ? ` … ${f.targets.length} elements` : ''}`,
    );
    throw new Error(`accessibility (axe-core, WCAG 2.0 AA) on ${name} (${url}):\n${lines.join('\n')}`);
  }
  return findings;
}
