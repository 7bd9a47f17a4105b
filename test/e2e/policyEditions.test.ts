/**
 * A policy edition published on a running system (`npm start`, real time, no skipping): an edition effective a few
 * seconds ahead raises 中级 to 2,500; a claim submitted before it is paid 2,000, one submitted after it 2,500, and
 * each claim's view names the edition (and clause) its amount and its bureau review's deadline come from.
 */
import { shanghaiDate, addDays } from '../../platform/calendar/workdays';
import { uploadClaimMaterials } from '../../nanxun/materialsClient';
import { startSystem, type RunningSystem } from '../helpers/npmStart';

jest.setTimeout(400_000);

let sys: RunningSystem;
beforeAll(async () => {
  sys = await startSystem();
});
afterAll(async () => {
  await sys?.stop();
});

async function api(method: string, p: string, token?: string, body?: unknown) {
  const r = await fetch(`${sys.base}${p}`, {
    method,
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: r.status, body: (await r.json().catch(() => null)) as any };
}
const login = async (u: string) => (await api('POST', '/api/v1/auth/login', undefined, { username: u, password: 'demo' })).body.token as string;

async function submit(applicant: string, number: string) {
  const token = await login(applicant);
  const today = shanghaiDate(new Date());
  const r = await api('POST', '/api/v1/nanxun/claims', token, {
    kind: 'certificate',
    employerOrgCode: 'NX-E-LHWL',
    certificate: { number, level: 'intermediate', issuedOn: addDays(today, -20), receivedOn: addDays(today, -10) },
    materials: await uploadClaimMaterials(sys.base, token, 'certificate'),
  });
  expect(r.status).toBe(201);
  return { ...r.body, token };
}

async function decideOpenTask(username: string, claimId: string, body: object, check?: (task: any) => void) {
  const token = await login(username);
  for (let i = 0; i < 100; i++) {
    const t = (await api('GET', '/api/v1/tasks', token)).body.find((x: any) => x.subject.id === claimId);
    // the task page shows what the clerk acts on, with the basis of its deadline
    if (t && check) check((await api('GET', `/api/v1/tasks/${encodeURIComponent(t.id)}`, token)).body);
    if (t) return api('POST', `/api/v1/tasks/${encodeURIComponent(t.id)}/decision`, token, body);
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`no open task for ${username} on ${claimId}`);
}

async function payThrough(claim: { id: string; amountYuan: number }) {
  await decideOpenTask('unit.lhwl', claim.id, { decision: 'approve' });
  await decideOpenTask('bureau1', claim.id, { decision: 'approve' }, (task) =>
    expect(task.policy).toMatchObject({ parameter: 'bureauReviewWorkingDays', basis: expect.stringContaining('10个工作日') }),
  );
  expect((await decideOpenTask('rereview.lhz', claim.id, { decision: 'approve', amountYuan: claim.amountYuan })).body.subject.status).toBe('paid');
}

test('an edition effective a few seconds ahead: 2,000 before it, 2,500 after it, each view naming its edition', async () => {
  const first = (await api('GET', '/api/v1/policies?policy=nanxun-talent')).body.find((e: any) => e.status === 'in_force');
  expect(first).toMatchObject({ title: '南浔区注册安全工程师引育八条激励办法', documentNo: '征求意见稿' });

  const before = await submit('applicant1', 'E2E-POLICY-1');
  expect(before).toMatchObject({ amountYuan: 2000, policy: { editionId: first.id } });

  const admin = await login('admin');
  const effectiveFrom = new Date(Date.now() + 5000).toISOString();
  const published = await api('POST', '/api/v1/admin/policies', admin, {
    policy: 'nanxun-talent',
    basedOn: first.id,
    title: first.title,
    documentNo: '浔政办发〔2026〕1号',
    effectiveFrom,
    parameters: { 'certificateRewardYuan.intermediate': 2500 },
    reason: '正式稿提高中级证书奖励',
  });
  expect(published.status).toBe(201);
  expect(published.body).toMatchObject({ status: 'future', basedOn: first.id });

  // wait (real time) until the edition is in force
  for (;;) {
    const e = (await api('GET', `/api/v1/policies/${published.body.id}`)).body;
    if (e.status === 'in_force') break;
    await new Promise((r) => setTimeout(r, 500));
  }
  const after = await submit('applicant2', 'E2E-POLICY-2');
  expect(after).toMatchObject({ amountYuan: 2500, policy: { editionId: published.body.id } });

  await payThrough(before);
  await payThrough(after);
  const bureau = await login('bureau1');
  for (const [c, edition, yuan] of [
    [before, first, 2000],
    [after, published.body, 2500],
  ] as const) {
    const view = (await api('GET', `/api/v1/nanxun/claims/${c.id}`, bureau)).body;
    expect(view).toMatchObject({ status: 'paid', paidYuan: yuan, policy: { editionId: edition.id, parameter: 'certificateRewardYuan.intermediate' } });
    expect(view.policy.basis).toMatch(/^依据《南浔区注册安全工程师引育八条激励办法》二、激励内容（一）.*，\d{4}版$/);
    // the bureau review's deadline names the edition in force when it opened (both opened after the new edition)
    expect(view.tasks.find((t: any) => t.kind === 'bureau_review').policy).toMatchObject({
      editionId: published.body.id,
      parameter: 'bureauReviewWorkingDays',
    });
  }
  // the first edition ends where the new one begins
  const list = (await api('GET', '/api/v1/policies?policy=nanxun-talent')).body;
  expect(list.find((e: any) => e.id === first.id)).toMatchObject({ status: 'past', effectiveTo: published.body.effectiveFrom });
});
