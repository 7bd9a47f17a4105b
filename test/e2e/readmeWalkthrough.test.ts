/**
 * The README's curl walk-through ("## A claim, start to finish, with curl"), run as written against `npm start`, so
 * the README cannot rot silently. The shell blocks are read from README.md at test time; only the address changes
 * (http://localhost:3000 → the started system) and the three files it uploads are made in a fresh working directory.
 * Every `# → …` comment is a promise: its status and its concrete "key":value pairs must be in the answer of the
 * curl just before it. Also run: the demo-accounts list (its table) and the admin's calendar load.
 *
 * How the answers are seen: a `curl` shell function in front of the blocks runs the real curl with `-w`, appending
 * each answer and its status to a log (and passing the body on, unchanged but for a trailing newline, to the
 * README's own `$(…)` and `sed`). `mark` lines inserted before each numbered step say which step a call belongs to.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ROOT, startSystem, type RunningSystem } from '../helpers/npmStart';
import { SAMPLE_JPEG, SAMPLE_PDF } from '../helpers/materials';
import { shanghaiDate } from '../../platform/calendar/workdays';

jest.setTimeout(600_000);

const README = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');

/** The first ```sh block after a heading of the README. */
function shBlock(heading: string): string {
  const at = README.indexOf(`\n${heading}\n`);
  if (at < 0) throw new Error(`README.md has no heading "${heading}"`);
  const block = /\n```sh\n([\s\S]*?)\n```/.exec(README.slice(at));
  if (!block?.[1]) throw new Error(`no sh block after "${heading}"`);
  return block[1];
}

interface Call {
  step: string;
  status: number;
  url: string;
  body: string;
}

const PRELUDE = `set -o pipefail
curl() { command curl -w '\\n@@HTTP %{http_code} %{url_effective}\\n' "$@" | tee -a "$WALK_LOG" | sed '/^@@HTTP /d'; }
mark() { echo "@@$*" >> "$WALK_LOG"; }
`;

let system: RunningSystem;
let work: string;
const calls: Call[] = [];
/** each `# → …` promise with the call it is about */
const promises: { text: string; call: Call | undefined }[] = [];
let againClaim: string;
const year = shanghaiDate(new Date()).slice(0, 4);

beforeAll(async () => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'zj-readme-'));
  fs.writeFileSync(path.join(work, '身份证.jpg'), SAMPLE_JPEG);
  fs.writeFileSync(path.join(work, '资格证书.pdf'), Buffer.concat([SAMPLE_PDF, Buffer.from('% 资格证书\n')]));
  fs.writeFileSync(path.join(work, '证书扫描件.pdf'), Buffer.concat([SAMPLE_PDF, Buffer.from('% 证书扫描件\n')]));
  system = await startSystem();

  // the walk-through, marked step by step; then step 7 again (its "again → …"); then the other sections' curl
  const walk = shBlock('## A claim, start to finish, with curl').split('\n');
  const claimTexts: string[] = [];
  const script = [PRELUDE, 'mark STEP accounts', shBlock('## Demo accounts'), 'mark STEP 0'];
  const step7: string[] = [];
  for (const line of walk) {
    const step = /^# (\d+)\./.exec(line);
    if (step) script.push(`mark STEP ${step[1]}`);
    script.push(line);
    const promise = /(?<!again )→ (.*)$/.exec(line);
    if (promise?.[1]) script.push(`mark PROMISE ${claimTexts.push(promise[1]) - 1}`);
    if (step?.[1] === '7' || step7.length) step7.push(line);
  }
  againClaim = /again → (.*)$/m.exec(step7.join('\n'))?.[1] ?? '';
  script.push('mark STEP again', ...step7, 'mark STEP calendar', shBlock('## The working-day calendar'));
  const scriptFile = path.join(work, 'walkthrough.sh');
  fs.writeFileSync(scriptFile, script.join('\n').replace(/(http:\/\/)?localhost:3000/g, system.base));

  const log = path.join(work, 'walk.log');
  fs.writeFileSync(log, '');
  const run = await new Promise<{ code: number; stderr: string }>((resolve) =>
    execFile('bash', ['-e', scriptFile], { cwd: work, env: { ...process.env, WALK_LOG: log }, timeout: 400_000, maxBuffer: 64 << 20 }, (err, _out, stderr) =>
      resolve({ code: err ? ((err.code as number) ?? -1) : 0, stderr }),
    ),
  );
  let step = '';
  let body: string[] = [];
  for (const line of fs.readFileSync(log, 'utf8').split('\n')) {
    const m = /^@@(STEP|PROMISE|HTTP) (\S+) ?(.*)$/.exec(line);
    if (m?.[1] === 'STEP') step = m[2]!;
    else if (m?.[1] === 'PROMISE') promises.push({ text: claimTexts[Number(m[2])]!, call: calls.at(-1) });
    else if (m?.[1] === 'HTTP') calls.push({ step, status: Number(m[2]), url: m[3]!, body: body.join('\n').trim() });
    if (m) body = [];
    else body.push(line);
  }
  if (run.code !== 0)
    throw new Error(
      `the walk-through stopped (bash -e, exit ${run.code}) in step ${step}:\n${run.stderr}\nlast answers:\n${calls
        .slice(-3)
        .map((c) => `${c.status} ${c.url}\n${c.body}`)
        .join('\n')}`,
    );
});

afterAll(async () => {
  await system?.stop();
  if (work) fs.rmSync(work, { recursive: true, force: true });
});

/** The n-th call of a step to a URL (path and query after /api/v1). */
function call(step: string, url: RegExp, n = 0): Call {
  const found = calls.filter((c) => c.step === step && url.test(c.url.replace(/^.*\/api\/v1/, '')))[n];
  if (!found) throw new Error(`step ${step} made no call ${url} (calls: ${calls.map((c) => `${c.step} ${c.url}`).join(', ')})`);
  return found;
}
const answer = (c: Call) => JSON.parse(c.body);

test('every command of the walk-through answers without a refusal, and every "→" comment holds', () => {
  expect(calls.filter((c) => c.step !== 'again' && c.status >= 400).map((c) => `${c.step}: ${c.status} ${c.url} ${c.body}`)).toEqual([]);
  expect(promises.length).toBeGreaterThanOrEqual(4);
  const broken: string[] = [];
  for (const { text, call: c } of promises) {
    if (!c) {
      broken.push(`"→ ${text}" follows no call`);
      continue;
    }
    const status = /^(\d{3})\b/.exec(text);
    if (status && Number(status[1]) !== c.status) broken.push(`"→ ${text}": ${c.url} answered ${c.status}`);
    // the README's examples are dated 2026: numbers follow the year the walk-through runs in
    for (const [pair] of text.matchAll(/"\w+":("[^"…]*"|-?\d+(?:\.\d+)?|true|false|null)(?=[,}\]])/g)) {
      if (!c.body.includes(pair.replace(/\b2026\b/g, year))) broken.push(`"→ ${text}": ${c.url} answered without ${pair}: ${c.body}`);
    }
  }
  expect(broken).toEqual([]);
});

test('the demo accounts are those the table names', () => {
  const accounts: { username: string; roles: string[] }[] = answer(call('accounts', /\/dev\/accounts$/));
  const table = README.slice(README.indexOf('| username')).split('\n\n')[0]!.split('\n').slice(2);
  const named = table.flatMap((row) =>
    row
      .split('|')[1]!
      .replace(/\(.*\)/, '')
      .split(',')
      .map((u) => u.trim())
      .filter((u) => u && u !== '…'),
  );
  expect(named.length).toBeGreaterThan(15);
  expect(named.filter((u) => !accounts.some((a) => a.username === u))).toEqual([]);
});

test('1. the applicant uploads the copies and submits: 201, the first number of the year, waiting for the unit', () => {
  const [idCard, cert] = [call('1', /\/materials$/, 0), call('1', /\/materials$/, 1)];
  expect([idCard.status, answer(idCard).contentType, cert.status, answer(cert).contentType]).toEqual([201, 'image/jpeg', 201, 'application/pdf']);
  const claim = call('1', /\/nanxun\/claims$/);
  expect(claim.status).toBe(201);
  expect(answer(claim)).toMatchObject({ applicationNo: `NX-ZS-${year}-000001`, status: 'unit_verification', amountYuan: 2000 });
});

test('2. the unit finds the task, reads the copy the applicant sent and confirms: the claim moves to the bureau', () => {
  const no = answer(call('1', /\/nanxun\/claims$/)).applicationNo;
  expect(answer(call('2', /\/tasks\?state=open$/)).map((t: { id: string }) => t.id)).toContain(`nanxun-claim-${no}~unit_verification`);
  expect(answer(call('2', /\/tasks\/[^/]+$/)).materials.map((m: { kind: string }) => m.kind)).toEqual(['id_card', 'certificate']);
  expect(fs.readFileSync(path.join(work, 'cert.pdf'))).toEqual(fs.readFileSync(path.join(work, '资格证书.pdf')));
  expect(answer(call('2', /\/decision$/))).toMatchObject({ task: { state: 'done' }, subject: { status: 'bureau_review' } });
});

test('3. the bureau sees its deadline, asks for a scan, the applicant sends it and the bureau approves', () => {
  const inbox = answer(call('3', /\/tasks\?kind=bureau_review$/));
  expect(inbox[0]).toMatchObject({ kind: 'bureau_review', workingDaysLeft: expect.any(Number), overdue: false });
  expect(answer(call('3', /\/decision$/, 0))).toMatchObject({ task: { state: 'paused' }, subject: { status: 'supplement_requested' } });
  expect(answer(call('3', /\/supplement$/))).toMatchObject({ task: { state: 'open' }, subject: { status: 'bureau_review' } });
  expect(answer(call('3', /\/decision$/, 1))).toMatchObject({ task: { state: 'done' }, subject: { status: 'rereview' } });
});

test('4.–5. the town approves the amount, the claim is paid, and the applicant sees it all', () => {
  expect(answer(call('4', /\/decision$/))).toMatchObject({ subject: { status: 'paid', stage: 'payout' } });
  const claim = answer(call('5', /\/nanxun\/claims\/NX-ZS-/));
  expect(claim).toMatchObject({ status: 'paid', paidYuan: 2000, rereviewOrg: { name: '南浔镇' } });
  const events = claim.timeline.map((e: { event: string }) => e.event);
  expect(events).toEqual(expect.arrayContaining(['supplement_requested', 'supplement_submitted', 'paid']));
  expect(claim.materials.map((m: { fileName: string }) => m.fileName)).toEqual(['身份证.jpg', '资格证书.pdf', '证书扫描件.pdf']);
});

test("6. the public progress, with the README's last 6 ID characters, shows the status and no personal data", () => {
  const { applicant } = answer(call('5', /\/nanxun\/claims\/NX-ZS-/));
  const progress = call('6', /\/public\/progress\?/);
  expect(progress.url).toContain(`idLast6=${applicant.idNumber.slice(-6)}`);
  expect(answer(progress)).toMatchObject({ status: 'paid' });
  for (const personal of [applicant.name, applicant.idNumber, applicant.phone, '"applicant', '"idNumber', '"phone'])
    expect(progress.body).not.toContain(personal);
});

test('7. the applicant rates once (again: refused), and the bureau sees the rating for each organisation that decided', () => {
  expect(call('7', /\/ratings$/).status).toBe(201);
  const again = call('again', /\/ratings$/);
  expect(`${again.status} ${answer(again).code}`).toBe(againClaim.split(/\s+/).slice(0, 2).join(' '));
  expect(againClaim).toMatch(/^409 ALREADY_RATED/);
  const report: { orgCode: string; count: number; averageScore: number }[] = answer(call('7', /\/reports\/ratings\?year=/));
  expect(call('7', /\/reports\/ratings\?year=/).url).toContain(`year=${year}`);
  expect(report.map((r) => [r.orgCode, r.count, r.averageScore]).sort()).toEqual([
    ['NX-E-JGJX', 1, 5],
    ['NX-T-NXZ', 1, 5],
    ['NX-YJGLJ', 1, 5],
  ]);
});

test("the admin's calendar load answers with the year and the changed dates", () => {
  const load = call('calendar', /\/admin\/calendar\/2027$/);
  expect(load.status).toBe(200);
  expect(answer(load)).toMatchObject({ year: 2027, changedDates: expect.any(Array) });
});
