/**
 * Refusals and pool management of the title review over HTTP: every refusal a problem+json with a stable code.
 */
import type { Express } from 'express';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { timeSkippingEnv, startWorker, uniqueTaskQueue } from '../../test/helpers/temporal';
import { freshDatabase, type TestDb } from '../../test/helpers/db';
import { testApp } from '../../test/helpers/app';
import { client, expectProblem, newApplicant, tokenFor } from '../../test/helpers/titleReview';
import { loadCalendar } from '../../platform/calendar/calendarTable';
import { addDays, addWorkingDays, shanghaiDate } from '../../platform/calendar/workdays';
import { titleApplicationWorkflowId } from '../rules';
import { withTitleMaterials } from '../../test/helpers/materials';

let env: TestWorkflowEnvironment;
let tdb: TestDb;
let app: Express;
let api: ReturnType<typeof client>;
let stopWorker: () => Promise<void>;
let office: string;

beforeAll(async () => {
  [env, tdb] = await Promise.all([timeSkippingEnv(), freshDatabase()]);
  const taskQueue = uniqueTaskQueue('zjapi');
  ({ stop: stopWorker } = await startWorker(env, tdb.db, taskQueue));
  app = testApp(tdb.db, env.client, taskQueue);
  api = client(app);
  office = await tokenFor(tdb.db, 'office1');
});
afterAll(async () => {
  await stopWorker?.();
  await env?.teardown();
  await tdb?.drop();
});

test('expert pools: eligibility is enforced, a pool below 50 eligible experts cannot be drawn from', async () => {
  const tooRecent = await api.post('/api/v1/zhejiang/experts', office, {
    name: '新晋专家',
    specialty: 'safety_science',
    title: 'senior',
    titleSince: addDays(shanghaiDate(new Date()), -365 * 4),
    orgName: '浙江大学',
  });
  expectProblem(tooRecent, 422, 'NOT_ELIGIBLE');
  expect(tooRecent.body.reasons).toEqual(['SENIOR_TITLE_UNDER_5_YEARS']);
  expectProblem(
    await api.post('/api/v1/zhejiang/experts', office, {
      name: '副高专家',
      specialty: 'safety_science',
      title: 'senior',
      titleSince: '2000-01-01',
      orgName: '浙江大学',
      pool: 'professor',
    }),
    422,
    'NOT_ELIGIBLE',
  );
  const ok = await api.post('/api/v1/zhejiang/experts', office, {
    name: '资深专家',
    specialty: 'technical_service',
    title: 'professor',
    titleSince: '2015-03-01',
    orgName: '浙江工业大学',
  });
  expect(ok.status).toBe(201);
  expect(ok.body).toMatchObject({ pool: 'professor', eligible: true });
  const list = await api.get('/api/v1/zhejiang/experts?pool=professor', office);
  expect(list.body.filter((e: { eligible: boolean }) => e.eligible).length).toBeGreaterThanOrEqual(50);
  expectProblem(await api.get('/api/v1/zhejiang/experts', await tokenFor(tdb.db, 'applicant1')), 403, 'FORBIDDEN');

  // a professor session with one qualified application; then the pool shrinks below 50
  const { cal } = await loadCalendar(tdb.db, 2025, 2030);
  const meetingDate = addWorkingDays(shanghaiDate(await env.currentTimeMs()), 25, cal).date;
  const year = Number(meetingDate.slice(0, 4));
  const s = await api.post('/api/v1/zhejiang/sessions', office, { year, level: 'professor', meetingDate });
  expect(s.status).toBe(201);
  expectProblem(await api.post(`/api/v1/zhejiang/sessions/${s.body.id}/committee`, office, {}), 409, 'SESSION_STATE'); // before the pre-review
  await tdb.db.updateTable('zj_expert').set({ active: false }).where('pool', '=', 'professor').where('id', '>', 'EXP-P-045').execute();
  expectProblem(await api.post(`/api/v1/zhejiang/sessions/${s.body.id}/committee`, office, {}), 422, 'POOL_TOO_SMALL');
});

test('sessions: meeting too soon, one per level and year; applications: unknown employer, banned person', async () => {
  const soon = addDays(shanghaiDate(new Date()), 7);
  expectProblem(
    await api.post('/api/v1/zhejiang/sessions', office, { year: Number(soon.slice(0, 4)), level: 'senior', meetingDate: soon }),
    422,
    'MEETING_TOO_SOON',
  );
  expectProblem(await api.post('/api/v1/zhejiang/sessions', office, { year: 2031, level: 'senior', meetingDate: '2032-01-10' }), 400, 'VALIDATION_FAILED');
  expectProblem(
    await api.post('/api/v1/zhejiang/sessions', await tokenFor(tdb.db, 'hrss1'), { year: 2031, level: 'senior', meetingDate: '2031-06-10' }),
    403,
    'FORBIDDEN',
  );
  const s = await api.post('/api/v1/zhejiang/sessions', office, { year: 2031, level: 'senior', meetingDate: '2031-06-10' });
  expect(s.status).toBe(201);
  const p = await newApplicant(tdb.db, '冯被禁');
  await tdb.db
    .insertInto('title_ban')
    .values({ id_number: p.idNumber, from_year: 2029, to_year: 2031, reason: '第十七条', decided_by: 'office1', decided_at: new Date() })
    .execute();
  const r = await api.post('/api/v1/zhejiang/applications', p.token, {
    sessionId: s.body.id,
    category: 'safety_science',
    channel: 'standard',
    employerOrgCode: 'NX-E-NOPE',
    commitment: true,
  });
  expectProblem(r, 422, 'NOT_ELIGIBLE');
  expect(r.body).toMatchObject({ reasons: ['UNKNOWN_EMPLOYER', 'BANNED'], banEndsYear: 2031 });
  expectProblem(
    await api.post('/api/v1/zhejiang/applications', p.token, {
      sessionId: 'nope',
      category: 'safety_science',
      channel: 'standard',
      employerOrgCode: 'NX-E-JGJX',
      commitment: true,
    }),
    404,
    'NOT_FOUND',
  );
  expectProblem(await api.post(`/api/v1/zhejiang/sessions/${s.body.id}/attendance`, office, { present: ['x'] }), 409, 'SESSION_STATE');
  expectProblem(await api.post(`/api/v1/zhejiang/sessions/${s.body.id}/pre-review`, office, {}), 409, 'SESSION_STATE'); // nobody qualified
  expectProblem(
    await api.post(`/api/v1/zhejiang/sessions/${s.body.id}/ballots`, await tokenFor(tdb.db, 'expert01'), { votes: [{ applicationId: 'x', vote: 'yes' }] }),
    403,
    'NOT_A_VOTING_MEMBER',
  );
  expectProblem(await api.post('/api/v1/public/notices/nope/objections', undefined, { text: '没有这个公示' }), 404, 'NOT_FOUND');
});

test('an application task shows its subject in the inbox, masked to clerks who do not verify identity', async () => {
  const s = (await api.get('/api/v1/zhejiang/sessions?year=2031', office)).body[0];
  const p = await newApplicant(tdb.db, '陈收件');
  const a = await api.post(
    '/api/v1/zhejiang/applications',
    p.token,
    await withTitleMaterials(app, p.token, {
      sessionId: s.id,
      category: 'technical_service',
      channel: 'landmark',
      employerOrgCode: 'NX-E-JGJX',
      commitment: true,
      materials: { landmark: '主持国家重点研发计划项目' },
    }),
  );
  expect(a.status).toBe(201);
  const unit = await tokenFor(tdb.db, 'unit.jgjx');
  const inbox = await api.get(`/api/v1/tasks?kind=unit_recommendation&q=${encodeURIComponent('陈收件')}`, unit);
  expect(inbox.body).toHaveLength(1);
  const taskId = `${titleApplicationWorkflowId(a.body.applicationNo)}~unit_recommendation`;
  expect(inbox.body[0].id).toBe(taskId);
  const detail = await api.get(`/api/v1/tasks/${encodeURIComponent(taskId)}`, unit);
  expect(detail.body.subjectSummary).toMatchObject({ applicantName: '陈收件', applicantIdNumber: p.idNumber, channel: 'landmark', level: 'senior' });
  const mine = await api.get(`/api/v1/zhejiang/applications/${a.body.id}`, p.token);
  expect(mine.body).toMatchObject({ status: 'unit_recommendation', applicant: { idNumber: p.idNumber }, result: null });
  expectProblem(await api.get(`/api/v1/zhejiang/applications/${a.body.id}`, (await newApplicant(tdb.db, '路人')).token), 404, 'NOT_FOUND');
  // the public progress lookup finds title applications too, without personal data
  const progress = await api.get(`/api/v1/public/progress?applicationNo=${encodeURIComponent(a.body.applicationNo)}&idLast6=${p.idNumber.slice(-6)}`);
  expect(progress.body).toMatchObject({ applicationNo: a.body.applicationNo, kind: 'title_senior', status: 'unit_recommendation' });
  expect(JSON.stringify(progress.body)).not.toContain('陈收件');
  expectProblem(await api.get(`/api/v1/public/progress?applicationNo=${encodeURIComponent(a.body.applicationNo)}&idLast6=000000`), 404, 'NOT_FOUND');
  const openapi = await api.get('/api/v1/openapi.json');
  for (const path of [
    '/api/v1/zhejiang/sessions/{id}/ballots',
    '/api/v1/zhejiang/sessions/{id}/committee',
    '/api/v1/public/notices/{id}/objections',
    '/api/v1/public/certificates/{code}',
    '/api/v1/zhejiang/applications/{id}/misconduct',
  ]) {
    expect(openapi.body.paths[path]).toBeDefined();
  }
});
