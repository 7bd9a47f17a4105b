// scratch: scans pages on the dev system (not committed)
import { chromium } from 'playwright-core';
import { axeScan } from './a11y';
const base = process.env.BASE ?? 'http://127.0.0.1:3791';
const only = process.argv.slice(2);
async function token(u: string) {
  const r = await fetch(`${base}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-forwarded-for': '10.9.9.' + Math.floor(Math.random() * 200) }, body: JSON.stringify({ username: u, password: 'demo' }) });
  return (await r.json()) as { token: string; user: unknown };
}
(async () => {
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu'] });
  const plan: [string | null, string[]][] = [
    [null, ['/login', '/register', '/public/progress', '/public/notices', '/public/certificates', '/public/certificates/NOPE']],
    ['applicant1', ['/my/claims', '/my/claims/new', '/zhejiang/apply']],
    ['unit.jgjx', ['/tasks']],
    ['bureau1', ['/tasks', '/claims', '/reports']],
    ['office1', ['/zhejiang/sessions', '/zhejiang/experts']],
    ['expert1', ['/zhejiang/ballots']],
  ];
  const extra = process.env.EXTRA ? JSON.parse(process.env.EXTRA) as [string, string[]][] : [];
  for (const [who, paths] of [...plan, ...extra]) {
    const ctx = await browser.newContext({ baseURL: base, viewport: { width: 1366, height: 900 }, locale: 'zh-CN', extraHTTPHeaders: { 'X-Forwarded-For': '10.8.8.' + Math.floor(Math.random() * 200) } });
    const page = await ctx.newPage();
    if (who) {
      const t = await token(who);
      await page.goto('/login');
      await page.evaluate(([tk, u]) => { localStorage.setItem('zj.token', tk as string); localStorage.setItem('zj.user', JSON.stringify(u)); }, [t.token, t.user]);
    }
    for (const p of paths) {
      if (only.length && !only.some((o) => p.includes(o))) continue;
      await page.goto(p);
      await page.waitForLoadState('networkidle');
      await page.waitForTimeout(500);
      const r = await axeScan(page);
      for (const v of r.violations) console.log(`${who ?? '-'} ${p} [${v.impact}] ${v.id} x${v.nodes.length}: ${v.nodes.slice(0, 3).map((n) => n.target.join(' ') + (process.env.V ? ' :: ' + n.failureSummary : '')).join(' | ')}`);
      if (!r.violations.length) console.log(`${who ?? '-'} ${p} clean`);
    }
    await ctx.close();
  }
  await browser.close();
})();
