/**
 * Organisation administration over HTTP, with the real app, Postgres and workflows: an admin registers an
 * enterprise (a wrong credit code refused), its unit verifier is created, a certificate claim reaches that verifier
 * and then the body responsible for the enterprise; a move keeps open claims where they are and sends new ones to
 * the new body; a deactivated enterprise takes no new claims; an outside unit routed to a new competent department
 * is usable by a title applicant.
 *
 * The unit verifier account is inserted through the database here: the accounts API (POST /admin/users) is built
 * on another branch and not in this one.
 */
import request from 'supertest';
import type { Express } from 'express';
import { withClaimMaterials, withTitleMaterials } from '../../../test/helpers/materials';
import { useTimeSkippingTestbed, eventually } from '../../../test/helpers/temporal';
import { testApp, auth } from '../../../test/helpers/app';
import { tokenFor, newApplicant } from '../../../test/helpers/titleReview';
import { hashPassword } from '../../auth/passwords';
import { makeCreditCode } from '../creditCode';
import { shanghaiDate, addDays } from '../../calendar/workdays';

let app: Express;
let t: import('../../../test/helpers/temporal').Testbed;
useTimeSkippingTestbed('orgs', (tb) => {
  t = tb;
  app = testApp(tb.tdb.db, tb.env.client, tb.taskQueue);
});

const post = (path: string, token: string, body: unknown) =>
  request(app)
    .post(path)
    .set(auth(token))
    .send(body as object);
const patch = (path: string, token: string, body: unknown) =>
  request(app)
    .patch(path)
    .set(auth(token))
    .send(body as object);
const get = (path: string, token: string) => request(app).get(path).set(auth(token));
const decide = (taskId: string, token: string, body: unknown) => post(`/api/v1/tasks/${encodeURIComponent(taskId)}/decision`, token, body);
function expectProblem(res: request.Response, status: number, code: string) {
  expect({ status: res.status, code: res.body.code }).toEqual({ status, code });
  expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
}
const today = () => shanghaiDate(new Date());
const claimBody = (employerOrgCode: string) => ({
  kind: 'certificate',
  employerOrgCode,
  position: '安全员',
  employerNature: 'production',
  certificate: { number: `ZA${Math.floor(Math.random() * 1e8)}`, level: 'junior', issuedOn: addDays(today(), -40), receivedOn: addDays(today(), -30) },
});
async function taskOf(token: string, kind: string, claimId: string) {
  return eventually(
    async () => (await get(`/api/v1/tasks?kind=${kind}`, token)).body.find((x: { subject: { id: string } }) => x.subject.id === claimId),
    `${kind} task of ${claimId}`,
  );
}
async function inboxHas(token: string, kind: string, claimId: string) {
  return (await get(`/api/v1/tasks?kind=${kind}`, token)).body.some((x: { subject: { id: string } }) => x.subject.id === claimId);
}

test('an enterprise registered by the admin: its verifier gets the claim, then the town responsible re-reviews it; a move and a deactivation', async () => {
  const db = t.tdb.db;
  const admin = await tokenFor(db, 'admin');
  const cc = makeCreditCode('91330503MA2H7K3P1');
  const body = {
    type: 'enterprise',
    name: '湖州和孚智能装备有限公司',
    creditCode: cc,
    townCode: 'NX-T-HFZ',
    regulatorCode: 'NX-FGJXJ',
    address: '南浔区和孚镇工业园区8号',
  };

  // refused: a wrong check character, an unknown town, a non-admin
  const wrong = await post('/api/v1/admin/orgs', admin, { ...body, creditCode: cc.slice(0, 17) + (cc.endsWith('1') ? '2' : '1') });
  expectProblem(wrong, 422, 'INVALID_CREDIT_CODE');
  expect(wrong.body).toMatchObject({ fault: 'CHECK_CHARACTER', message: '统一社会信用代码校验位不正确' });
  const town = await post('/api/v1/admin/orgs', admin, { ...body, townCode: 'NX-T-NOPE' });
  expectProblem(town, 422, 'UNKNOWN_ORG');
  expect(town.body).toMatchObject({ field: 'townCode', value: 'NX-T-NOPE' });
  expectProblem(await post('/api/v1/admin/orgs', admin, { ...body, regulatorCode: 'NX-T-LSZ' }), 422, 'UNKNOWN_ORG'); // a town is no regulator
  expectProblem(await post('/api/v1/admin/orgs', await tokenFor(db, 'bureau1'), body), 403, 'FORBIDDEN');
  expect(await db.selectFrom('org').select('code').where('name', '=', body.name).execute()).toEqual([]);

  const created = await post('/api/v1/admin/orgs', admin, body);
  expect(created.status).toBe(201);
  expect(created.body).toMatchObject({
    type: 'enterprise',
    name: body.name,
    creditCode: cc,
    inDistrict: true,
    townCode: 'NX-T-HFZ',
    regulatorCode: 'NX-FGJXJ',
    certRereviewOrgCode: 'NX-T-HFZ',
    certRereviewBy: 'town',
    competentOrgCode: 'HZ-YJJ',
    lowerCommitteeOrgCode: 'HZ-ZJPW',
    active: true,
  });
  const code = created.body.code as string;
  const dup = await post('/api/v1/admin/orgs', admin, { ...body, name: '另一家公司', creditCode: cc.toLowerCase() });
  expectProblem(dup, 409, 'DUPLICATE_CREDIT_CODE');
  expect(dup.body.existingCode).toBe(code);
  expect(
    (await db.selectFrom('audit_log').selectAll().where('target_type', '=', 'org').where('target_id', '=', code).execute()).map((a) => [
      a.actor_username,
      a.action,
    ]),
  ).toEqual([['admin', 'org.create']]);

  // searchable by name and by credit code
  const found = await get(`/api/v1/admin/orgs?q=${encodeURIComponent('和孚智能')}`, admin);
  expect(found.body).toMatchObject({ total: 1, items: [{ code }] });
  expect((await get(`/api/v1/admin/orgs?q=${cc.slice(4, 14)}&type=enterprise,institution`, admin)).body.items.map((o: { code: string }) => o.code)).toEqual([
    code,
  ]);

  // its unit verifier (inserted directly: see the header) and an applicant
  await db
    .insertInto('app_user')
    .values({ username: 'unit.hfzn', password_hash: await hashPassword('demo'), display_name: '和孚智能·审核员', roles: ['unit_verifier'], org_code: code })
    .execute();
  const verifier = await tokenFor(db, 'unit.hfzn');
  const applicant = await tokenFor(db, 'applicant1');
  const bureau = await tokenFor(db, 'bureau1');
  const hfz = await tokenFor(db, 'rereview.hfz');

  const claim = await post('/api/v1/nanxun/claims', applicant, await withClaimMaterials(app, applicant, claimBody(code)));
  expect(claim.status).toBe(201);
  const uv = await taskOf(verifier, 'unit_verification', claim.body.id);
  expect(uv).toMatchObject({ orgCode: code, state: 'open' });
  expect(await inboxHas(await tokenFor(db, 'unit.jgjx'), 'unit_verification', claim.body.id)).toBe(false);
  expect((await decide(uv.id, verifier, { decision: 'approve', verdict: 'true', confirmedLevel: 'junior' })).status).toBe(200);
  const br = await taskOf(bureau, 'bureau_review', claim.body.id);
  expect((await decide(br.id, bureau, { decision: 'approve' })).body.subject).toEqual({ status: 'rereview', stage: 'rereview' });
  const rr = await taskOf(hfz, 'rereview', claim.body.id);
  expect(rr.orgCode).toBe('NX-T-HFZ');
  expect(await inboxHas(await tokenFor(db, 'rereview.nxz'), 'rereview', claim.body.id)).toBe(false);

  // the enterprise moves to 善琏镇: the open claim stays with 和孚镇 and says so; a new claim goes to 善琏镇
  const moved = await patch(`/api/v1/admin/orgs/${code}`, admin, { townCode: '善琏镇', name: '湖州善琏智能装备有限公司' });
  expect(moved.status).toBe(200);
  expect(moved.body).toMatchObject({ townCode: 'NX-T-SLN', certRereviewOrgCode: 'NX-T-SLN', name: '湖州善琏智能装备有限公司', openClaimsNoted: 1 });
  const view = await eventually(async () => {
    const v = await get(`/api/v1/nanxun/claims/${claim.body.id}`, applicant);
    return v.body.timeline?.some((e: { event: string }) => e.event === 'employer_moved') && v.body;
  }, 'the move on the claim timeline');
  expect(view.rereviewOrg).toEqual({ code: 'NX-T-HFZ', name: '和孚镇' });
  expect(view.timeline.find((e: { event: string }) => e.event === 'employer_moved').comment).toContain('本申请仍由和孚镇复审；此后新提交的申请由善琏镇复审');
  const paid = await decide(rr.id, hfz, { decision: 'approve', amountYuan: 1000 });
  expect(paid.body.subject).toEqual({ status: 'paid', stage: 'payout' });

  const second = await post(
    '/api/v1/nanxun/claims',
    await tokenFor(db, 'applicant2'),
    await withClaimMaterials(app, await tokenFor(db, 'applicant2'), claimBody(code)),
  );
  expect(second.status).toBe(201);
  expect((await db.selectFrom('claim').select('rereview_org_code').where('id', '=', second.body.id).executeTakeFirstOrThrow()).rereview_org_code).toBe(
    'NX-T-SLN',
  );
  const uv2 = await taskOf(verifier, 'unit_verification', second.body.id);

  // deactivated: no new claims; the open one still finishes its step
  const off = await patch(`/api/v1/admin/orgs/${code}`, admin, { active: false });
  expect(off.body.active).toBe(false);
  const refused = await post(
    '/api/v1/nanxun/claims',
    await tokenFor(db, 'applicant3'),
    await withClaimMaterials(app, await tokenFor(db, 'applicant3'), claimBody(code)),
  );
  expectProblem(refused, 422, 'NOT_ELIGIBLE');
  expect(refused.body.reasons).toContain('EMPLOYER_INACTIVE');
  expect((await decide(uv2.id, verifier, { decision: 'approve', verdict: 'true', confirmedLevel: 'junior' })).body.subject).toEqual({
    status: 'bureau_review',
    stage: 'bureau_review',
  });
  expect((await request(app).get('/api/v1/orgs?type=enterprise')).body.some((o: { code: string }) => o.code === code)).toBe(false);
  expect(
    (await db.selectFrom('audit_log').select('action').where('target_type', '=', 'org').where('target_id', '=', code).orderBy('id').execute()).map(
      (a) => a.action,
    ),
  ).toEqual(['org.create', 'org.update', 'org.deactivate']);
  // the seeded bodies are renamed at most: not moved, not deactivated
  expectProblem(await patch('/api/v1/admin/orgs/NX-T-SLN', admin, { active: false }), 400, 'VALIDATION_FAILED');
  expectProblem(await patch('/api/v1/admin/orgs/NX-T-SLN', admin, { townCode: 'NX-T-NXZ' }), 400, 'VALIDATION_FAILED');
  expectProblem(await patch('/api/v1/admin/orgs/NX-E-NOPE', admin, { name: 'x' }), 404, 'NOT_FOUND');
});

test('title review: a competent department, a lower committee and a unit outside Nanxun; an applicant of that unit is routed to them', async () => {
  const db = t.tdb.db;
  const admin = await tokenFor(db, 'admin');
  const dept = await post('/api/v1/admin/orgs', admin, { type: 'competent_dept', name: '宁波市应急管理局', creditCode: makeCreditCode('11330200MB1A2B3C4') });
  expect(dept.status).toBe(201);
  const lower = await post('/api/v1/admin/orgs', admin, { type: 'lower_committee', name: '宁波市安全工程专业中级工程师评审委员会' });
  expect(lower.status).toBe(201);
  expect(lower.body.code).toMatch(/^ZJ-LC-\d{6}$/);
  // an outside unit needs its competent department and lower committee
  expectProblem(
    await post('/api/v1/admin/orgs', admin, { type: 'institution', name: '宁波市安全生产科学研究院', creditCode: makeCreditCode('12330200MB0D1E2F3') }),
    400,
    'VALIDATION_FAILED',
  );
  expectProblem(
    await post('/api/v1/admin/orgs', admin, {
      type: 'institution',
      name: '宁波市安全生产科学研究院',
      creditCode: makeCreditCode('12330200MB0D1E2F3'),
      competentOrgCode: 'NX-T-LSZ',
      lowerCommitteeOrgCode: lower.body.code,
    }),
    422,
    'UNKNOWN_ORG',
  );
  const unit = await post('/api/v1/admin/orgs', admin, {
    type: 'institution',
    name: '宁波市安全生产科学研究院',
    creditCode: makeCreditCode('12330200MB0D1E2F3'),
    competentOrgCode: dept.body.code,
    lowerCommitteeOrgCode: '宁波市安全工程专业中级工程师评审委员会',
  });
  expect(unit.status).toBe(201);
  expect(unit.body).toMatchObject({ inDistrict: false, townCode: null, competentOrgCode: dept.body.code, lowerCommitteeOrgCode: lower.body.code });

  const office = await tokenFor(db, 'office1');
  const s = await post('/api/v1/zhejiang/sessions', office, { year: 2031, level: 'senior', meetingDate: '2031-06-10' });
  expect(s.status).toBe(201);
  const p = await newApplicant(db, '宁波申报人');
  const a = await post(
    '/api/v1/zhejiang/applications',
    p.token,
    await withTitleMaterials(app, p.token, {
      sessionId: s.body.id,
      category: 'safety_science',
      channel: 'standard',
      employerOrgCode: unit.body.code,
      commitment: true,
    }),
  );
  expect(a.status).toBe(201);
  expect(
    await db
      .selectFrom('zj_application')
      .select(['employer_org_code', 'competent_org_code', 'lower_committee_org_code'])
      .where('id', '=', a.body.id)
      .executeTakeFirstOrThrow(),
  ).toEqual({
    employer_org_code: unit.body.code,
    competent_org_code: dept.body.code,
    lower_committee_org_code: lower.body.code,
  });
  // a unit outside Nanxun is no employer for a Nanxun claim
  const nx = await post(
    '/api/v1/nanxun/claims',
    await tokenFor(db, 'applicant3'),
    await withClaimMaterials(app, await tokenFor(db, 'applicant3'), claimBody(unit.body.code)),
  );
  expectProblem(nx, 422, 'NOT_ELIGIBLE');
  expect(nx.body.reasons).toContain('EMPLOYER_NOT_IN_DISTRICT');
  // deactivated: no new title applications
  await patch(`/api/v1/admin/orgs/${unit.body.code}`, admin, { active: false });
  const p2 = await newApplicant(db, '宁波申报人二');
  const refused = await post(
    '/api/v1/zhejiang/applications',
    p2.token,
    await withTitleMaterials(app, p2.token, {
      sessionId: s.body.id,
      category: 'safety_science',
      channel: 'standard',
      employerOrgCode: unit.body.code,
      commitment: true,
    }),
  );
  expectProblem(refused, 422, 'NOT_ELIGIBLE');
  expect(refused.body.reasons).toEqual(['EMPLOYER_INACTIVE']);
});
