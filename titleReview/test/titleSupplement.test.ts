/**
 * Title-review gaps (issue 13 part 7):
 * - the competent department and the qualification review may ask for supplementary materials (补正): the task pauses
 *   (its clock stopped, the application `supplement_requested`), the applicant answers with
 *   POST /api/v1/zhejiang/applications/:id/supplement, and the task resumes;
 * - an application still in progress when the session's pre-review publicity starts is refused at once with a reason
 *   the applicant sees (its open task cancelled), instead of being carried on and deferred silently.
 */
import { withTitleMaterials } from '../../test/helpers/materials';
import type { Express } from 'express';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { eventually, useTimeSkippingTestbed } from '../../test/helpers/temporal';
import type { TestDb } from '../../test/helpers/db';
import { testApp } from '../../test/helpers/app';
import { client, expectProblem, newApplicant, tokenFor } from '../../test/helpers/titleReview';
import { loadCalendar } from '../../platform/calendar/calendarTable';
import { addWorkingDays, shanghaiDate } from '../../platform/calendar/workdays';
import { titleApplicationWorkflowId } from '../rules';

let env: TestWorkflowEnvironment;
let tdb: TestDb;
let app: Express;
useTimeSkippingTestbed('zjsupp', (t) => {
  ({ env, tdb } = t);
  app = testApp(t.tdb.db, t.env.client, t.taskQueue);
});

const taskRow = (id: string) => tdb.db.selectFrom('task').selectAll().where('id', '=', id).executeTakeFirst();
const appRow = (id: string) => tdb.db.selectFrom('zj_application').selectAll().where('id', '=', id).executeTakeFirstOrThrow();

test('补正 on the competent department and qualification reviews; a late application refused when the pre-review starts', async () => {
  const api = client(app);
  const office = await tokenFor(tdb.db, 'office1');
  const unit = await tokenFor(tdb.db, 'unit.jgjx');
  const dept = await tokenFor(tdb.db, 'dept1');
  const { cal } = await loadCalendar(tdb.db, 2025, 2031);
  const meetingDate = addWorkingDays(shanghaiDate(await env.currentTimeMs()), 40, cal).date;
  const s = await api.post('/api/v1/zhejiang/sessions', office, { year: Number(meetingDate.slice(0, 4)), level: 'professor', meetingDate });
  expect(s.status).toBe(201);

  const submit = async (name: string) => {
    const p = await newApplicant(tdb.db, name);
    const a = await api.post(
      '/api/v1/zhejiang/applications',
      p.token,
      await withTitleMaterials(app, p.token, {
        sessionId: s.body.id,
        category: 'technical_service',
        channel: 'landmark',
        employerOrgCode: 'NX-E-JGJX',
        commitment: true,
        materials: { landmark: '主持国家重点研发计划项目' },
      }),
    );
    expect(a.status).toBe(201);
    const taskId = (kind: string) => `${titleApplicationWorkflowId(a.body.applicationNo)}~${kind}`;
    await eventually(() => taskRow(taskId('unit_recommendation')), 'unit task');
    expect((await api.decide(taskId('unit_recommendation'), unit, { decision: 'approve' })).status).toBe(200);
    return { ...p, id: a.body.id as string, taskId };
  };
  const first = await submit('甲补正');
  const late = await submit('乙在途');
  // messages (platform/notifications): the unit publicity naming the applicant, and the answer to an objection about them
  const notices = await api.get('/api/v1/public/notices?kind=unit_publicity&current=true');
  const notice = notices.body.find((n: { entries: { applicationId: string }[] }) => n.entries[0]!.applicationId === first.id);
  const objection = await api.post(`/api/v1/public/notices/${encodeURIComponent(notice.id)}/objections`, undefined, {
    text: '对申报人的业绩材料有疑问，请核实',
  });
  expect(objection.status).toBe(201);
  await eventually(() => taskRow(objection.body.taskId), 'the investigation');
  expect((await api.decide(objection.body.taskId, unit, { decision: 'reject', comment: '经核实业绩属实，异议不成立' })).status).toBe(200);
  const messagesOf = async (token: string) =>
    (await api.get('/api/v1/notifications', token)).body as { kind: string; title: string; body: string; subject: { id: string } }[];
  await eventually(async () => (await messagesOf(first.token)).some((m) => m.kind === 'objection_answered'), 'the objection answer');
  const firstMessages = await messagesOf(first.token);
  expect(firstMessages.filter((m) => m.kind === 'publicity_started')).toHaveLength(1);
  expect(firstMessages.filter((m) => m.kind === 'objection_answered')).toEqual([
    expect.objectContaining({ title: '关于您的异议已答复：异议不成立', subject: expect.objectContaining({ id: first.id }) }),
  ]);
  expect(firstMessages.find((m) => m.kind === 'objection_answered')!.body).toContain('经核实业绩属实');
  expect((await messagesOf(late.token)).filter((m) => m.kind === 'objection_answered')).toEqual([]);
  // data minimisation: the competent department does not see an application before its own stage
  const deptSees = async (id: string) => ({
    view: (await api.get(`/api/v1/zhejiang/applications/${id}`, dept)).status,
    listed: ((await api.get('/api/v1/zhejiang/applications', dept)).body as { id: string }[]).some((a) => a.id === id),
  });
  expect(await deptSees(first.id)).toEqual({ view: 404, listed: false });
  // the unit's internal publicity (5 working days) runs out: both reach the competent department
  await env.sleep(10 * 24 * 3600_000);
  for (const x of [first, late])
    await eventually(async () => (await taskRow(x.taskId('competent_dept_review')))?.state === 'open', 'competent department task');
  expect(await deptSees(first.id)).toEqual({ view: 200, listed: true });

  // the department asks for materials: the task pauses and the applicant sees it
  expectProblem(await api.decide(first.taskId('competent_dept_review'), dept, { decision: 'request_supplement' }), 422, 'INVALID_DECISION');
  const asked = await api.decide(first.taskId('competent_dept_review'), dept, { decision: 'request_supplement', comment: '请补充近三年业绩证明' });
  expect(asked.status).toBe(200);
  expect(asked.body.subject).toMatchObject({ status: 'supplement_requested' });
  expect((await taskRow(first.taskId('competent_dept_review')))!.state).toBe('paused');
  expect((await api.get(`/api/v1/zhejiang/applications/${first.id}`, first.token)).body.status).toBe('supplement_requested');
  // only the applicant answers; the reviewer cannot decide while it waits
  expectProblem(await api.post(`/api/v1/zhejiang/applications/${first.id}/supplement`, late.token, { comment: '不是我的' }), 404, 'NOT_FOUND');
  expectProblem(await api.post(`/api/v1/zhejiang/applications/${late.id}/supplement`, late.token, { comment: '没人要' }), 409, 'TASK_NOT_PAUSED');
  expectProblem(await api.decide(first.taskId('competent_dept_review'), dept, { decision: 'approve' }), 409, 'TASK_PAUSED');
  const answered = await api.post(`/api/v1/zhejiang/applications/${first.id}/supplement`, first.token, { comment: '已上传业绩证明' });
  expect(answered.status).toBe(200);
  expect(answered.body).toMatchObject({ task: { state: 'open' }, subject: { status: 'competent_dept_review' } });
  const events = (await tdb.db.selectFrom('timeline').select('event').where('subject_id', '=', first.id).execute()).map((e) => e.event);
  expect(events).toEqual(expect.arrayContaining(['supplement_requested', 'supplement_submitted']));

  // the department approves; the office's qualification review may ask too, then qualifies it
  expect((await api.decide(first.taskId('competent_dept_review'), dept, { decision: 'approve' })).status).toBe(200);
  await eventually(() => taskRow(first.taskId('qualification_review')), 'qualification review');
  expect((await api.decide(first.taskId('qualification_review'), office, { decision: 'request_supplement', comment: '请补充学历证书' })).status).toBe(200);
  expect((await api.post(`/api/v1/zhejiang/applications/${first.id}/supplement`, first.token, {})).status).toBe(200);
  expect((await api.decide(first.taskId('qualification_review'), office, { decision: 'approve' })).status).toBe(200);
  await eventually(async () => (await appRow(first.id)).status === 'qualified', 'qualified');

  // the pre-review publicity starts while the second is still with the competent department: refused, with the reason
  const pre = await api.post(`/api/v1/zhejiang/sessions/${s.body.id}/pre-review`, office, {});
  expect(pre.status).toBeLessThan(300);
  const refused = await eventually(async () => {
    const r = await appRow(late.id);
    return r.status === 'rejected' ? r : null;
  }, 'the late application refused');
  expect(refused.close_reason).toMatch(/评前公示已于 \d{4}-\d{2}-\d{2} 开始，本申请未能在此之前通过资格审查/);
  expect((await taskRow(late.taskId('competent_dept_review')))!.state).toBe('cancelled');
  const seen = await api.get(`/api/v1/zhejiang/applications/${late.id}`, late.token);
  expect(JSON.stringify(seen.body)).toContain('评前公示');
  expect((await appRow(first.id)).status).toBe('qualified');
  const lateMessages = (await messagesOf(late.token)).filter((m) => m.title === '职称申报未能参加本年度评审');
  expect(lateMessages).toHaveLength(1);
  expect(lateMessages[0]!.body).toContain('评前公示已于');
});
