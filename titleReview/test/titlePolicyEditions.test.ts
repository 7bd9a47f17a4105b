/**
 * 程序从新 for the title review on the time-skipping server (no period is shortened: time is skipped): an edition
 * published with a future date that lengthens the publicity to 7 working days applies to a unit publicity opened
 * after the date; one opened before keeps its 5. Each notice records the edition and clause its period came from; the
 * views show it as 依据, and the dry run lists the stages still to open that an edition would touch.
 */
import { withTitleMaterials } from '../../test/helpers/materials';
import type { Express } from 'express';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { eventually, useTimeSkippingTestbed } from '../../test/helpers/temporal';
import type { TestDb } from '../../test/helpers/db';
import { testApp } from '../../test/helpers/app';
import { actor } from '../../test/helpers/claims';
import { client, newApplicant, tokenFor } from '../../test/helpers/titleReview';
import { loadCalendar } from '../../platform/calendar/calendarTable';
import { addDays, addWorkingDays, shanghaiDate, workingDaysBetween } from '../../platform/calendar/workdays';
import { editionInForce, publishEdition } from '../../platform/policy/service';
import { titlePolicyDomain } from '../policy/domain';
import { TITLE_POLICY } from '../policy/parameters';
import { titleApplicationWorkflowId } from '../rules';

let env: TestWorkflowEnvironment;
let tdb: TestDb;
let app: Express;
useTimeSkippingTestbed('zjpolicy', (t) => {
  ({ env, tdb } = t);
  app = testApp(t.tdb.db, t.env.client, t.taskQueue);
});

const taskRow = (id: string) => tdb.db.selectFrom('task').selectAll().where('id', '=', id).executeTakeFirst();
const unitNotice = (applicationId: string) =>
  tdb.db.selectFrom('notice').selectAll().where('kind', '=', 'unit_publicity').where('subject_id', '=', applicationId).executeTakeFirst();

test('the dry run lists the stages still to open that a new edition would touch, and writes nothing', async () => {
  const api = client(app);
  const office = await tokenFor(tdb.db, 'office1');
  const admin = await tokenFor(tdb.db, 'admin');
  const today = shanghaiDate(await env.currentTimeMs());
  const { cal } = await loadCalendar(tdb.db, Number(today.slice(0, 4)) - 1, Number(today.slice(0, 4)) + 2);
  const meetingDate = addWorkingDays(today, 60, cal).date;
  const s = await api.post('/api/v1/zhejiang/sessions', office, { year: Number(meetingDate.slice(0, 4)), level: 'senior', meetingDate });
  expect(s.status).toBe(201);
  const p = await newApplicant(tdb.db, '丙试算');
  const a = await api.post(
    '/api/v1/zhejiang/applications',
    p.token,
    await withTitleMaterials(app, p.token, {
      sessionId: s.body.id,
      category: 'safety_science',
      channel: 'landmark',
      employerOrgCode: 'NX-E-JGJX',
      commitment: true,
      materials: { landmark: '主持省级安全生产科技项目' },
    }),
  );
  expect(a.status).toBe(201);
  const first = await editionInForce(tdb.db, TITLE_POLICY, new Date());
  const from = addDays(shanghaiDate(new Date()), 1);
  const body = {
    policy: TITLE_POLICY,
    basedOn: first.id,
    title: first.title,
    effectiveFrom: from,
    parameters: { publicityWorkingDays: 7, minCommittee: 19 },
    reason: 'test: 试算',
  };
  const before = (await api.get('/api/v1/policies')).body;
  const dry = await api.post('/api/v1/admin/policies/dry-run', admin, body);
  expect([dry.status, dry.body.code, dry.body.detail]).toEqual([200, undefined, undefined]);
  const mine = (dry.body.affected as { subject: { id: string }; stage: string; change: string }[])
    .filter((x) => x.subject.id === a.body.id || x.subject.id === s.body.id)
    .map((x) => [x.stage, x.change]);
  const ref = `ZJ-${meetingDate.slice(0, 4)}-senior`;
  expect(mine).toEqual([
    ['unit_publicity', `${a.body.applicationNo}: unit publicity opens after ${from} → 7 working days instead of 5`],
    ['plan', `${ref}: plan and committee draw opens after ${from} → committee ≥ 19 instead of 17`],
    ['pre_review', `${ref}: pre-review publicity opens after ${from} → 7 working days instead of 5`],
    ['meeting', `${ref}: meeting opens after ${from} → quorum 19 instead of 17`],
    ['results_publicity', `${ref}: results publicity opens after ${from} → 7 working days instead of 5`],
  ]);
  expect(dry.body.notes).toEqual(['passFraction, banYears: unchanged']);
  expect((await api.get('/api/v1/policies')).body).toEqual(before);
  // only the administrator runs it
  expect((await api.post('/api/v1/admin/policies/dry-run', office, body)).status).toBe(403);
});

test('a publicity opened after a future edition’s date runs its 7 working days; one opened before keeps 5', async () => {
  const api = client(app);
  const office = await tokenFor(tdb.db, 'office1');
  const unit = await tokenFor(tdb.db, 'unit.jgjx');
  const today = shanghaiDate(await env.currentTimeMs());
  const { cal } = await loadCalendar(tdb.db, Number(today.slice(0, 4)) - 1, Number(today.slice(0, 4)) + 2);
  const meetingDate = addWorkingDays(today, 60, cal).date;
  const s = await api.post('/api/v1/zhejiang/sessions', office, { year: Number(meetingDate.slice(0, 4)), level: 'professor', meetingDate });
  expect(s.status).toBe(201);

  // the committee office's revision: publicity 5 → 7 working days from a date 10 days ahead
  const date = addDays(today, 10);
  const first = await editionInForce(tdb.db, TITLE_POLICY, new Date(await env.currentTimeMs()));
  const later = await publishEdition(
    tdb.db,
    [titlePolicyDomain],
    { policy: TITLE_POLICY, basedOn: first.id, effectiveFrom: date, parameters: { publicityWorkingDays: 7 }, reason: 'test: 修订公示期' },
    await actor(tdb.db, 'admin'),
    new Date(await env.currentTimeMs()),
    null,
  );

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
    return { ...p, id: a.body.id as string, taskId };
  };
  const recommend = async (x: { taskId(kind: string): string }) =>
    expect((await api.decide(x.taskId('unit_recommendation'), unit, { decision: 'approve' })).status).toBe(200);

  const before = await submit('甲公示前');
  const after = await submit('乙公示后');
  // A's unit publicity opens before the date: 5 working days, on the first edition's clause
  await recommend(before);
  const a = await eventually(() => unitNotice(before.id), 'A’s unit publicity');
  expect(a.working_days).toBe(5);
  expect(workingDaysBetween(shanghaiDate(a.starts_at), a.ends_on, cal).count).toBe(5);
  expect(a.policy).toMatchObject({ editionId: first.id, parameter: 'publicityWorkingDays', basis: expect.stringContaining('依据《') });

  // B's opens after the date (submitted before it: 程序从新 takes the stage's opening)
  await env.sleep(Date.parse(`${addDays(date, 1)}T10:00:00+08:00`) - (await env.currentTimeMs()));
  await recommend(after);
  const b = await eventually(() => unitNotice(after.id), 'B’s unit publicity');
  expect(b.working_days).toBe(7);
  expect(workingDaysBetween(shanghaiDate(b.starts_at), b.ends_on, cal).count).toBe(7);
  expect(b.policy).toMatchObject({ editionId: later.id, parameter: 'publicityWorkingDays' });
  // A's, opened before, keeps its end
  expect((await unitNotice(before.id))!.ends_on).toBe(a.ends_on);

  // the applicant's view and the task page name each period's basis, and the pass threshold's (实体从旧: the edition
  // in force at submission, the first for both)
  const view = async (x: { id: string; token: string }) => (await api.get(`/api/v1/zhejiang/applications/${x.id}`, x.token)).body;
  const [va, vb] = [await view(before), await view(after)];
  expect(va.policy.publicity).toEqual([
    expect.objectContaining({ kind: 'unit_publicity', workingDays: 5, endsOn: a.ends_on, policy: expect.objectContaining({ editionId: first.id }) }),
  ]);
  expect(vb.policy.publicity).toEqual([
    expect.objectContaining({ kind: 'unit_publicity', workingDays: 7, endsOn: b.ends_on, policy: expect.objectContaining({ editionId: later.id }) }),
  ]);
  expect(vb.policy.publicity[0].policy.basis).toMatch(/^依据《浙江省安全工程专业.*》.*公示/);
  for (const v of [va, vb]) {
    expect(v.policy.passFraction).toMatchObject({ editionId: first.id, value: '2/3', basis: expect.stringContaining('三分之二') });
    expect(v.policy.banYears).toMatchObject({ editionId: first.id, value: 3 });
  }
  const investigation = await api.post(`/api/v1/public/notices/${encodeURIComponent(b.id)}/objections`, undefined, { text: '业绩材料存疑，请核实' });
  expect(investigation.status).toBe(201);
  await eventually(() => taskRow(investigation.body.taskId), 'the investigation');
  const page = await api.get(`/api/v1/tasks/${encodeURIComponent(investigation.body.taskId)}`, unit);
  expect(page.status).toBe(200);
  expect(page.body.subjectSummary.policy.publicity[0]).toMatchObject({ workingDays: 7, policy: { editionId: later.id } });
  expect((await api.decide(investigation.body.taskId, unit, { decision: 'reject', comment: '经核实业绩属实，异议不成立' })).status).toBe(200);

  // each runs to its own end before the application reaches the competent department
  await env.sleep(14 * 24 * 3600_000);
  for (const [x, n] of [
    [before, a],
    [after, b],
  ] as const) {
    const t = await eventually(() => taskRow(x.taskId('competent_dept_review')), 'competent department task');
    expect(new Date(t.opened_at).getTime()).toBeGreaterThanOrEqual(new Date(n.ends_at).getTime());
  }
});
