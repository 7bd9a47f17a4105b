/**
 * A senior title session under the ballot threshold option (issue 19), driven over HTTP to its open ballot on the
 * time-skipping server: one qualified applicant (the unit publicity's 5 working days skipped, never shortened), the
 * plan approved, 17 members drawn and all attending. Used by titleReview/test/ballotThreshold.test.ts and the
 * browser journey web/tests/ballotShares.test.ts.
 */
import type { Express } from 'express';
import type { Kysely } from 'kysely';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Database } from '../../db/schema';
import { eventually } from './temporal';
import { client, newApplicant, tokenFor } from './titleReview';
import { withTitleMaterials } from './materials';
import { loadCalendar } from '../../platform/calendar/calendarTable';
import { addWorkingDays, shanghaiDate, startOfShanghaiDay } from '../../platform/calendar/workdays';
import { storedTaskId } from '../../platform/tasks/taskIds';
import { titleApplicationWorkflowId, titleSessionWorkflowId } from '../../titleReview/rules';

export interface ThresholdBallot {
  S: string;
  A: { id: string; applicationNo: string };
  members: { expertId: string; role: string }[];
  chair: string;
  /** the two vice-chairs, by expert id (share x = 2, 3) */
  vices: string[];
}

/** `app`: the Express app, or the base URL of a server running it (supertest takes either). */
export async function openThresholdBallot(db: Kysely<Database>, env: TestWorkflowEnvironment, app: Express | string): Promise<ThresholdBallot> {
  const api = client(app as Express);
  const t: Record<string, string> = {};
  for (const u of ['office1', 'hrss1', 'dept1', 'lower1', 'unit.jgjx']) t[u] = await tokenFor(db, u);
  const taskOf = (applicationNo: string, key: string) => storedTaskId(`${titleApplicationWorkflowId(applicationNo)}/${key}`);
  const approve = async (taskId: string, token: string, extra: Record<string, unknown> = {}) => {
    await eventually(
      () => db.selectFrom('task').selectAll().where('id', '=', storedTaskId(taskId)).where('state', '=', 'open').executeTakeFirst(),
      `task ${taskId}`,
    );
    const r = await api.decide(taskId, token, { decision: 'approve', comment: '同意', ...extra });
    expect(r.status).toBe(200);
    return r.body;
  };
  const skipTo = async (instantMs: number) => {
    const now = await env.currentTimeMs();
    if (instantMs > now) await env.sleep(instantMs - now);
  };
  const sessionRow = (id: string) => db.selectFrom('zj_session').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
  const { cal } = await loadCalendar(db, 2025, 2030);
  const today = shanghaiDate(await env.currentTimeMs());
  const meetingDate = addWorkingDays(today, 25, cal).date;
  const year = Number(meetingDate.slice(0, 4));

  // ---- a senior session under the threshold option, one qualified applicant ----------------------------------------
  const opened = await api.post('/api/v1/zhejiang/sessions', t.office1, { year, level: 'senior', meetingDate, ballotThreshold: true });
  expect(opened.status).toBe(201);
  expect(opened.body).toMatchObject({ ballotThreshold: true });
  const S = opened.body.id as string;
  await eventually(async () => (await db.selectFrom('zj_session').select('id').where('id', '=', S).executeTakeFirst()) != null, 'session recorded');
  expect((await sessionRow(S)).ballot_threshold).toBe(true);

  const person = await newApplicant(db, '赵门限');
  const applied = await api.post(
    '/api/v1/zhejiang/applications',
    person.token,
    await withTitleMaterials(app as Express, person.token, {
      commitment: true,
      channel: 'standard',
      sessionId: S,
      category: 'production_management',
      employerOrgCode: 'NX-E-JGJX',
    }),
  );
  expect(applied.status).toBe(201);
  const A = applied.body as { id: string; applicationNo: string };
  await approve(taskOf(A.applicationNo, 'unit_recommendation'), t['unit.jgjx']!, { comment: '同意推荐' });
  const notice = await eventually(
    async () =>
      (await api.get('/api/v1/public/notices?kind=unit_publicity&current=true')).body.find(
        (n: { entries: { applicationId: string }[] }) => n.entries[0]!.applicationId === A.id,
      ),
    'unit publicity',
  );
  await skipTo(new Date(notice.endsAt).getTime() + 60_000);
  await approve(taskOf(A.applicationNo, 'competent_dept_review'), t.dept1!);
  await approve(taskOf(A.applicationNo, 'lower_committee_recommendation'), t.lower1!);
  expect((await approve(taskOf(A.applicationNo, 'qualification_review'), t.office1!)).subject.status).toBe('qualified');

  // ---- pre-review, the plan approved, the committee drawn, the meeting day ------------------------------------------
  expect((await api.post(`/api/v1/zhejiang/sessions/${S}/pre-review`, t.office1, {})).status).toBe(200);
  await approve(`${titleSessionWorkflowId(year, 'senior')}/hrss_approval/1`, t.hrss1!, { comment: '核准' });
  const draw = await api.post(`/api/v1/zhejiang/sessions/${S}/committee`, t.office1, { size: 17, seed: 'zj-threshold-seed' });
  expect(draw.status).toBe(201);
  const members = draw.body.members as { expertId: string; role: string }[];
  await skipTo(startOfShanghaiDay(meetingDate).getTime() + 9 * 3600_000);
  await eventually(async () => (await sessionRow(S)).status === 'ready', 'session ready');
  const att = await api.post(`/api/v1/zhejiang/sessions/${S}/attendance`, t.office1, { present: members.map((m) => m.expertId) });
  expect(att.body).toMatchObject({ status: 'balloting', ballotOpen: true });

  const chair = members.find((m) => m.role === 'chair')!.expertId;
  const vices = members
    .filter((m) => m.role === 'vice_chair')
    .map((m) => m.expertId)
    .sort();
  return { S, A, members, chair, vices };
}
