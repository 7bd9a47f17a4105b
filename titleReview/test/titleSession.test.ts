import { nanxunFirstTerms } from '../../test/helpers/policy';
import { storedTaskId } from '../../platform/tasks/taskIds';
/**
 * A whole Zhejiang title-review year on the time-skipping server, driven over HTTP by every role: two levels, two
 * categories, an upheld objection in a unit publicity, a pass at exactly two thirds (12 of 17) and a fail just below
 * (11), an absent member and a late vote refused, a results-publicity objection that overturns a pass, certificates
 * verified and one revoked by misconduct, and the ban refusing the person the next year but not four years later.
 * Publicity periods (5 working days) and the 10-working-day lead time are never shortened: time is skipped.
 */
import type { Express } from 'express';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { timeSkippingEnv, startWorker, uniqueTaskQueue, eventually } from '../../test/helpers/temporal';
import { freshDatabase, type TestDb } from '../../test/helpers/db';
import { testApp } from '../../test/helpers/app';
import { client, expectProblem, expertToken, newApplicant, tokenFor } from '../../test/helpers/titleReview';
import { loadCalendar } from '../../platform/calendar/calendarTable';
import { planClaim } from '../../nanxun/claimPlans';
import { addWorkingDays, shanghaiDate, startOfShanghaiDay } from '../../platform/calendar/workdays';
import { titleApplicationWorkflowId, titleSessionWorkflowId } from '../rules';
import { withTitleMaterials } from '../../test/helpers/materials';
import { decodedHistory } from '../../test/helpers/history';
import { allHistories, knownPersonalData, personalDataIn } from '../../test/helpers/historyScan';
import { Client } from '@temporalio/client';

let env: TestWorkflowEnvironment;
let tdb: TestDb;
let app: Express;
let api: ReturnType<typeof client>;
let stopWorker: () => Promise<void>;
const t: Record<string, string> = {};

beforeAll(async () => {
  [env, tdb] = await Promise.all([timeSkippingEnv(), freshDatabase()]);
  const taskQueue = uniqueTaskQueue('zj');
  ({ stop: stopWorker } = await startWorker(env, tdb.db, taskQueue));
  app = testApp(tdb.db, env.client, taskQueue);
  api = client(app);
  for (const u of ['office1', 'hrss1', 'dept1', 'dept2', 'lower1', 'lower2', 'unit.jgjx', 'unit.lsxc', 'unit.sljs', 'unit.lhwl', 'unit.hzak', 'unit.hzsj'])
    t[u] = await tokenFor(tdb.db, u);
});
afterAll(async () => {
  await stopWorker?.();
  await env?.teardown();
  await tdb?.drop();
});

const app_ = (id: string) => tdb.db.selectFrom('zj_application').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
const taskOf = (applicationNo: string, key: string) => storedTaskId(`${titleApplicationWorkflowId(applicationNo)}/${key}`);

async function waitTask(taskId: string) {
  return eventually(
    () => tdb.db.selectFrom('task').selectAll().where('id', '=', storedTaskId(taskId)).where('state', '=', 'open').executeTakeFirst(),
    `task ${taskId}`,
  );
}
async function approve(taskId: string, token: string, extra: Record<string, unknown> = {}) {
  await waitTask(taskId);
  const r = await api.decide(taskId, token, { decision: 'approve', comment: '同意', ...extra });
  expect(r.status).toBe(200);
  return r.body;
}
async function skipTo(instantMs: number) {
  const now = await env.currentTimeMs();
  if (instantMs > now) await env.sleep(instantMs - now);
}

test('a whole review year, from opening the sessions to certificates, misconduct and the ban', async () => {
  const { cal } = await loadCalendar(tdb.db, 2025, 2030);
  const today = shanghaiDate(await env.currentTimeMs());
  const meetingDate = addWorkingDays(today, 25, cal).date;
  const year = Number(meetingDate.slice(0, 4));

  // ---- 1. sessions ------------------------------------------------------------------------------------------
  const senior = await api.post('/api/v1/zhejiang/sessions', t.office1, { year, level: 'senior', meetingDate });
  expect(senior.status).toBe(201);
  expect(senior.body).toMatchObject({ status: 'accepting', level: 'senior' });
  const prof = await api.post('/api/v1/zhejiang/sessions', t.office1, { year, level: 'professor', meetingDate });
  expect(prof.status).toBe(201);
  expectProblem(await api.post('/api/v1/zhejiang/sessions', t.office1, { year, level: 'senior', meetingDate }), 409, 'SESSION_EXISTS');
  const S = senior.body.id as string;
  const P = prof.body.id as string;

  // ---- 2. applications ----------------------------------------------------------------------------------------
  const people = {
    A: await newApplicant(tdb.db, '赵安全'),
    B: await newApplicant(tdb.db, '钱技服'),
    C: await newApplicant(tdb.db, '孙管理'),
    D: await newApplicant(tdb.db, '李违纪'),
    X: await newApplicant(tdb.db, '周异议'),
    P: await newApplicant(tdb.db, '吴教授'),
  };
  const apply = async (who: keyof typeof people, body: Record<string, unknown>) =>
    api.post(
      '/api/v1/zhejiang/applications',
      people[who].token,
      await withTitleMaterials(app, people[who].token, { commitment: true, channel: 'standard', ...body }),
    );
  const created: Record<string, { id: string; applicationNo: string }> = {};
  for (const [who, body] of [
    ['A', { sessionId: S, category: 'production_management', employerOrgCode: 'NX-E-JGJX' }],
    ['B', { sessionId: S, category: 'technical_service', employerOrgCode: 'NX-E-LSXC', channel: 'landmark' }],
    ['C', { sessionId: S, category: 'production_management', employerOrgCode: 'ZJ-E-HZAK', channel: 'scored' }],
    ['D', { sessionId: S, category: 'technical_service', employerOrgCode: 'NX-E-SLJS' }],
    ['X', { sessionId: S, category: 'production_management', employerOrgCode: 'NX-E-LHWL' }],
    ['P', { sessionId: P, category: 'safety_science', employerOrgCode: 'ZJ-E-HZSJ' }],
  ] as const) {
    const r = await apply(who, body);
    expect(r.status).toBe(201);
    expect(r.body).toMatchObject({ status: 'unit_recommendation' });
    created[who] = r.body;
  }
  // refusals: a second application, the scored channel at professor level, another person's identity, no commitment
  expectProblem(await apply('A', { sessionId: S, category: 'production_management', employerOrgCode: 'NX-E-JGJX' }), 409, 'DUPLICATE_APPLICATION');
  const other = await newApplicant(tdb.db, '郑其他');
  const scored = await api.post('/api/v1/zhejiang/applications', other.token, {
    sessionId: P,
    category: 'safety_science',
    channel: 'scored',
    employerOrgCode: 'ZJ-E-HZSJ',
    commitment: false,
  });
  expectProblem(scored, 422, 'NOT_ELIGIBLE');
  expect(scored.body.reasons).toEqual(expect.arrayContaining(['CHANNEL_NOT_ALLOWED', 'COMMITMENT_REQUIRED']));
  expectProblem(
    await api.post('/api/v1/zhejiang/applications', other.token, {
      sessionId: S,
      category: 'safety_science',
      channel: 'standard',
      employerOrgCode: 'NX-E-JGJX',
      commitment: true,
      applicant: { name: '赵安全', idNumber: people.A.idNumber, phone: '13800000000' },
    }),
    422,
    'IDENTITY_MISMATCH',
  );

  // ---- 3. unit recommendation (the employer's clerk) → unit-internal publicity ------------------------------------
  const unitOf: Record<string, string> = { A: 'unit.jgjx', B: 'unit.lsxc', C: 'unit.hzak', D: 'unit.sljs', X: 'unit.lhwl', P: 'unit.hzsj' };
  // another unit cannot decide it
  await waitTask(taskOf(created.A!.applicationNo, 'unit_recommendation'));
  expectProblem(await api.decide(taskOf(created.A!.applicationNo, 'unit_recommendation'), t['unit.lsxc']!, { decision: 'approve' }), 403, 'NOT_YOUR_TASK');
  for (const who of Object.keys(created)) {
    const r = await approve(taskOf(created[who]!.applicationNo, 'unit_recommendation'), t[unitOf[who]!]!, {
      comment: '经考核，材料真实，政治表现、廉洁自律、道德品行良好，同意推荐',
    });
    expect(r.subject).toMatchObject({ status: 'unit_publicity' });
  }
  const notices = await api.get('/api/v1/public/notices?kind=unit_publicity&current=true');
  expect(notices.status).toBe(200);
  const noticeOf = (who: string) => notices.body.find((n: { entries: { applicationId: string }[] }) => n.entries[0]!.applicationId === created[who]!.id);
  const nx = noticeOf('X');
  expect(nx).toMatchObject({ kind: 'unit_publicity', open: true, workingDays: 5 });
  expect(JSON.stringify(nx)).not.toContain(people.X.idNumber);
  // an objection to X is upheld by X's unit; one to A is dismissed
  const ox = await api.post(`/api/v1/public/notices/${encodeURIComponent(nx.id)}/objections`, undefined, {
    text: '申报人业绩材料中的项目并非本人主持',
    contact: '匿名',
  });
  expect(ox.status).toBe(201);
  const oa = await api.post(`/api/v1/public/notices/${encodeURIComponent(noticeOf('A').id)}/objections`, undefined, { text: '对申报人的论文有疑问，请核实' });
  expect(oa.status).toBe(201);
  await waitTask(oa.body.taskId);
  expectProblem(await api.decide(oa.body.taskId, t['unit.jgjx']!, { decision: 'reject' }), 422, 'INVALID_DECISION'); // a finding is required
  expect((await api.decide(oa.body.taskId, t['unit.jgjx']!, { decision: 'reject', comment: '经核实论文为本人第一作者，异议不成立' })).status).toBe(200);
  await waitTask(ox.body.taskId);
  const upheld = await api.decide(ox.body.taskId, t['unit.lhwl']!, { decision: 'approve', comment: '经调查，项目负责人另有其人，异议成立' });
  expect(upheld.status).toBe(200);
  await eventually(async () => (await app_(created.X!.id)).status === 'rejected', 'X rejected');
  expect((await app_(created.X!.id)).close_reason).toContain('异议成立');
  expect(await tdb.db.selectFrom('objection').select(['status']).where('id', '=', ox.body.id).executeTakeFirstOrThrow()).toEqual({ status: 'upheld' });

  // the publicity runs its 5 working days: nothing moves before its end, objections are refused after it
  const endA = new Date(noticeOf('A').endsAt).getTime();
  await skipTo(endA - 3600_000);
  expect((await app_(created.A!.id)).status).toBe('unit_publicity');
  await skipTo(endA + 60_000);
  await eventually(async () => (await app_(created.A!.id)).status === 'competent_dept_review', 'A at the competent department');
  expectProblem(
    await api.post(`/api/v1/public/notices/${encodeURIComponent(noticeOf('A').id)}/objections`, undefined, { text: '迟到的异议内容' }),
    409,
    'NOTICE_CLOSED',
  );

  // ---- 4. competent department → lower committee (senior only) → qualification review ------------------------------
  const deptOf: Record<string, string> = { A: 'dept1', B: 'dept1', C: 'dept2', D: 'dept1', P: 'dept2' };
  const lowerOf: Record<string, string> = { A: 'lower1', B: 'lower1', C: 'lower2', D: 'lower1' };
  for (const who of ['A', 'B', 'C', 'D', 'P']) {
    const no = created[who]!.applicationNo;
    const r = await approve(taskOf(no, 'competent_dept_review'), t[deptOf[who]!]!);
    if (who === 'P') {
      expect(r.subject.status).toBe('qualification_review'); // professor level skips the lower committee
    } else {
      expect(r.subject.status).toBe('lower_committee_recommendation');
      await approve(taskOf(no, 'lower_committee_recommendation'), t[lowerOf[who]!]!);
    }
    const q = await approve(taskOf(no, 'qualification_review'), t.office1!);
    expect(q.subject.status).toBe('qualified');
  }
  expect(
    await tdb.db.selectFrom('task').select('id').where('id', '=', taskOf(created.P!.applicationNo, 'lower_committee_recommendation')).executeTakeFirst(),
  ).toBeUndefined();

  // ---- 5. pre-review publicity + the plan to 省人力社保厅 ----------------------------------------------------------
  const S_WF = titleSessionWorkflowId(year, 'senior');
  const P_WF = titleSessionWorkflowId(year, 'professor');
  for (const id of [S, P]) {
    const r = await api.post(`/api/v1/zhejiang/sessions/${id}/pre-review`, t.office1, {});
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ status: 'pre_review' });
  }
  expectProblem(await api.post(`/api/v1/zhejiang/sessions/${S}/pre-review`, t.office1, {}), 409, 'SESSION_STATE');
  const hrssTask = await waitTask(`${S_WF}/hrss_approval/1`);
  // the approval is due by the latest day that still leaves 10 working days before the meeting
  const detail = await api.get(`/api/v1/zhejiang/sessions/${S}`, t.office1);
  expect(hrssTask.due_on).toBe(detail.body.latestApprovalOn);
  await approve(`${S_WF}/hrss_approval/1`, t.hrss1!, { comment: '核准' });
  await approve(`${P_WF}/hrss_approval/1`, t.hrss1!, { comment: '核准' });

  // ---- 6. committee draws (reproducible, conflict-free) ------------------------------------------------------------
  const draw = await api.post(`/api/v1/zhejiang/sessions/${S}/committee`, t.office1, { size: 19, seed: 'zj-senior-seed-0001' });
  expect(draw.status).toBe(201);
  expect(draw.body.members).toHaveLength(19);
  const committee = await api.get(`/api/v1/zhejiang/sessions/${S}/committee`, t.office1);
  expect(committee.body).toMatchObject({ seed: 'zj-senior-seed-0001', reproduced: true, size: 19 });
  const pool = new Map((committee.body.poolSnapshot as { id: string; orgName: string }[]).map((e) => [e.id, e]));
  for (const m of draw.body.members as { expertId: string; subgroup: string }[]) {
    if (m.subgroup === 'production_management')
      expect(['浙江南浔精工机械有限公司', '杭州安科安全技术服务有限公司']).not.toContain(pool.get(m.expertId)!.orgName);
  }
  expect(new Set((draw.body.members as { subgroup: string }[]).map((m) => m.subgroup))).toEqual(new Set(['production_management', 'technical_service']));
  // two office clerks draw the professor committee at the same moment (each giving a reason, as a redraw needs):
  // the session takes the two Updates one after the other; neither is refused for arriving while the other works
  const draws = await Promise.all(
    ['第一位经办人抽取', '第二位经办人同时抽取'].map((reason) => api.post(`/api/v1/zhejiang/sessions/${P}/committee`, t.office1, { size: 17, reason })),
  );
  expect(draws.map((d) => d.status)).toEqual([201, 201]);
  expect(draws.map((d) => d.body.drawNo).sort()).toEqual([1, 2]);
  const pdraw = draws.find((d) => d.body.drawNo === 2)!; // the later draw is the committee

  // no meeting before the pre-review publicity has ended and before the meeting day
  expectProblem(
    await api.post(`/api/v1/zhejiang/sessions/${S}/attendance`, t.office1, { present: draw.body.members.map((m: { expertId: string }) => m.expertId) }),
    409,
    'SESSION_STATE',
  );
  await skipTo(startOfShanghaiDay(meetingDate).getTime() + 9 * 3600_000);
  await eventually(
    async () => (await tdb.db.selectFrom('zj_session').select('status').where('id', '=', S).executeTakeFirstOrThrow()).status === 'ready',
    'senior session ready',
  );
  await eventually(
    async () => (await tdb.db.selectFrom('zj_session').select('status').where('id', '=', P).executeTakeFirstOrThrow()).status === 'ready',
    'professor session ready',
  );

  // ---- 7. the senior meeting: attendance, secret ballot, close ---------------------------------------------------
  const members = draw.body.members as { expertId: string; role: string }[];
  const ordinary = members.filter((m) => m.role === 'member');
  const absent = ordinary.slice(0, 2).map((m) => m.expertId);
  const present = members.map((m) => m.expertId).filter((id) => !absent.includes(id));
  expectProblem(await api.post(`/api/v1/zhejiang/sessions/${S}/attendance`, t.office1, { present: present.slice(0, 16) }), 422, 'QUORUM_NOT_MET');
  const att = await api.post(`/api/v1/zhejiang/sessions/${S}/attendance`, t.office1, { present });
  expect(att.status).toBe(200);
  expect(att.body).toMatchObject({ status: 'balloting', ballotOpen: true });

  const userOf = (expertId: string) => expertToken(tdb.db, expertId);
  const paper = await api.get(`/api/v1/zhejiang/sessions/${S}/ballot`, await userOf(present[0]!));
  expect(paper.body).toMatchObject({ open: true, member: true, present: true, voted: false });
  expect(paper.body.applicants.map((a: { applicationId: string }) => a.applicationId).sort()).toEqual(
    [created.A!.id, created.B!.id, created.C!.id, created.D!.id].sort(),
  );
  // an expert who is not on this committee sees no applicants on the paper
  const outsider = await tdb.db
    .selectFrom('zj_expert')
    .select('zj_expert.id')
    .where('zj_expert.user_id', 'is not', null)
    .where(
      'zj_expert.id',
      'not in',
      members.map((m) => m.expertId),
    )
    .executeTakeFirstOrThrow();
  const outsiderPaper = await api.get(`/api/v1/zhejiang/sessions/${S}/ballot`, await userOf(outsider.id));
  expect(outsiderPaper.body).toMatchObject({ member: false, applicants: [] });

  // the absent member may not vote
  expectProblem(
    await api.post(`/api/v1/zhejiang/sessions/${S}/ballots`, await userOf(absent[0]!), { votes: [{ applicationId: created.A!.id, vote: 'yes' }] }),
    403,
    'NOT_A_VOTING_MEMBER',
  );
  const nonPresiding = present.find((id) => members.find((m) => m.expertId === id)!.role === 'member')!;
  const latecomer = present.filter((id) => members.find((m) => m.expertId === id)!.role === 'member').at(-1)!;
  const voters = present.filter((id) => id !== latecomer); // 16 of the 17 attending vote before the ballot closes
  expect(voters).toHaveLength(16);
  const ballot = (i: number) => [
    { applicationId: created.A!.id, vote: i < 12 ? 'yes' : 'no' }, // 12 yes of 17 attending: exactly two thirds
    { applicationId: created.B!.id, vote: i < 11 ? 'yes' : i < 14 ? 'abstain' : 'no' }, // 11: just below
    { applicationId: created.C!.id, vote: 'yes' },
    { applicationId: created.D!.id, vote: i < 15 ? 'yes' : 'abstain' },
  ];
  expectProblem(await api.post(`/api/v1/zhejiang/sessions/${S}/ballots`, await userOf(voters[0]!), { votes: ballot(0).slice(1) }), 422, 'INVALID_BALLOT');
  for (let i = 0; i < voters.length; i++) {
    const r = await api.post(`/api/v1/zhejiang/sessions/${S}/ballots`, await userOf(voters[i]!), { votes: ballot(i) });
    expect(r.status).toBe(201);
  }
  expectProblem(await api.post(`/api/v1/zhejiang/sessions/${S}/ballots`, await userOf(voters[3]!), { votes: ballot(3) }), 409, 'ALREADY_VOTED');

  // the database cannot tell who voted how
  await expectSecretBallot(S, voters.length, 4);

  expectProblem(await api.post(`/api/v1/zhejiang/sessions/${S}/close-ballot`, await userOf(nonPresiding)), 403, 'NOT_PRESIDING');
  const chair = members.find((m) => m.role === 'chair' || m.role === 'vice_chair')!.expertId;
  const closed = await api.post(`/api/v1/zhejiang/sessions/${S}/close-ballot`, await userOf(chair));
  expect(closed.status).toBe(200);
  const res = new Map((closed.body.results as { applicationId: string }[]).map((r) => [r.applicationId, r]));
  expect(res.get(created.A!.id)).toMatchObject({ yes: 12, no: 4, abstain: 0, attending: 17, passed: true });
  expect(res.get(created.B!.id)).toMatchObject({ yes: 11, abstain: 3, attending: 17, passed: false });
  expect(res.get(created.C!.id)).toMatchObject({ yes: 16, passed: true });
  expect(res.get(created.D!.id)).toMatchObject({ yes: 15, abstain: 1, passed: true });
  // a late vote after the close is refused
  expectProblem(await api.post(`/api/v1/zhejiang/sessions/${S}/ballots`, await userOf(latecomer), { votes: ballot(0) }), 409, 'BALLOT_CLOSED');
  expectProblem(await api.post(`/api/v1/zhejiang/sessions/${S}/close-ballot`, await userOf(chair)), 409, 'BALLOT_CLOSED');
  await eventually(async () => (await app_(created.B!.id)).status === 'failed', 'B failed');
  const aView = await api.get(`/api/v1/zhejiang/applications/${created.A!.id}`, people.A.token);
  expect(aView.body.result).toMatchObject({ yes: 12, attending: 17, passed: true });
  expect(JSON.stringify(aView.body)).not.toMatch(/EXP-S-/); // no expert appears next to a vote
  // the session workflow's history (what Temporal stores) carries who attended and the totals, never a vote
  await expectHistoryWithoutVotes(S_WF, voters, res.get(created.A!.id) as unknown as { yes: number });

  // ---- 8. the professor meeting: interview defence before the ballot ---------------------------------------------
  const pmembers = (pdraw.body.members as { expertId: string; role: string }[]).map((m) => m.expertId);
  const patt = await api.post(`/api/v1/zhejiang/sessions/${P}/attendance`, t.office1, { present: pmembers });
  expect(patt.body).toMatchObject({ status: 'interviews', ballotOpen: false });
  const pvote = { votes: [{ applicationId: created.P!.id, vote: 'yes' }] };
  expectProblem(await api.post(`/api/v1/zhejiang/sessions/${P}/ballots`, await userOf(pmembers[0]!), pvote), 409, 'BALLOT_CLOSED');
  const iv = await api.post(`/api/v1/zhejiang/sessions/${P}/interviews`, t.office1, {
    applicationId: created.P!.id,
    summary: '答辩陈述清晰，回答专家提问准确',
  });
  expect(iv.body).toMatchObject({ status: 'balloting', ballotOpen: true });
  for (const id of pmembers) expect((await api.post(`/api/v1/zhejiang/sessions/${P}/ballots`, await userOf(id), pvote)).status).toBe(201);
  const pchair = (pdraw.body.members as { expertId: string; role: string }[]).find((m) => m.role === 'chair')!.expertId;
  const pclosed = await api.post(`/api/v1/zhejiang/sessions/${P}/close-ballot`, await userOf(pchair));
  expect(pclosed.body.results[0]).toMatchObject({ yes: 17, attending: 17, passed: true });

  // ---- 9. results publicity: an upheld objection overturns C's pass ------------------------------------------------
  const results = await eventually(async () => {
    const r = await api.get('/api/v1/public/notices?kind=results');
    return r.body.find((n: { title: string; entries: { applicationId: string }[] }) => n.entries.some((e) => e.applicationId === created.C!.id));
  }, 'the results notice');
  expect(results.entries.map((e: { applicationId: string }) => e.applicationId).sort()).toEqual([created.A!.id, created.C!.id, created.D!.id].sort());
  const oc = await api.post(`/api/v1/public/notices/${encodeURIComponent(results.id)}/objections`, undefined, {
    text: '孙管理的量化赋分中获奖证书系伪造',
    applicationId: created.C!.id,
  });
  expect(oc.status).toBe(201);
  const investigation = await waitTask(oc.body.taskId);
  expect(investigation).toMatchObject({ kind: 'objection_investigation', org_code: 'ZJ-YJT-RSC', subject_id: created.C!.id });
  await approve(oc.body.taskId, t.office1!, { comment: '经调查核实，获奖证书不实，撤销其评审通过结果' });
  await eventually(async () => (await app_(created.C!.id)).status === 'overturned', 'C overturned');

  const resultsEnd = Math.max(
    new Date(results.endsAt).getTime(),
    ...(await api.get('/api/v1/public/notices?kind=results')).body.map((n: { endsAt: string }) => new Date(n.endsAt).getTime()),
  );
  await skipTo(resultsEnd + 60_000);

  // ---- 10. certificates, verified; C has none ------------------------------------------------------------------
  for (const who of ['A', 'D', 'P']) await eventually(async () => (await app_(created[who]!.id)).status === 'certified', `${who} certified`);
  await eventually(
    async () => (await tdb.db.selectFrom('zj_session').select('status').where('id', '=', S).executeTakeFirstOrThrow()).status === 'completed',
    'session completed',
  );
  const grants = await tdb.db.selectFrom('title_grant').selectAll().execute();
  expect(grants.map((g) => g.application_id).sort()).toEqual([created.A!.id, created.D!.id, created.P!.id].sort());
  expect(grants.find((g) => g.application_id === created.P!.id)).toMatchObject({
    level: 'professor',
    id_number: people.P.idNumber,
    category: 'safety_science',
    revoked_at: null,
  });
  const dGrant = grants.find((g) => g.application_id === created.D!.id)!;
  const verify = await api.get(`/api/v1/public/certificates/${dGrant.certificate_code}`);
  expect(verify.body).toMatchObject({ valid: true, status: 'valid', name: '李违纪', level: 'senior', revokedAt: null });
  expect(verify.body.idNumber).not.toBe(people.D.idNumber);
  expect((await api.get('/api/v1/public/certificates/ZJAQ-NOPE-000000')).status).toBe(404);

  // ---- 11. misconduct: D's title revoked, D banned from next year for 3 years -------------------------------------
  const mis = await api.post(`/api/v1/zhejiang/applications/${created.D!.id}/misconduct`, t.office1, {
    reason: '申报材料中的业绩证明系伪造（评价条件第十七条）',
  });
  expect(mis.status).toBe(200);
  const decisionYear = Number(shanghaiDate(await env.currentTimeMs()).slice(0, 4));
  expect(mis.body).toMatchObject({
    status: 'withdrawn',
    ban: { fromYear: decisionYear, toYear: decisionYear + 3 },
    revokedCertificate: dGrant.certificate_code,
  });
  expectProblem(await api.post(`/api/v1/zhejiang/applications/${created.D!.id}/misconduct`, t.office1, { reason: 'again' }), 409, 'ALREADY_WITHDRAWN');
  const revoked = await api.get(`/api/v1/public/certificates/${dGrant.certificate_code}`);
  expect(revoked.body).toMatchObject({ valid: false, status: 'revoked', revokedReason: expect.stringContaining('伪造') });
  // across the two systems: the granted title feeds the Nanxun high-level talent reward; a revoked one does not.
  // (Checked at the rule that the claim route applies, on this test's skipped-ahead date: the API's own clock is real time.)
  const pGrant = grants.find((g) => g.application_id === created.P!.id)!;
  const grantedOn = (g: typeof pGrant) => (g.granted_on instanceof Date ? shanghaiDate(g.granted_on) : String(g.granted_on).slice(0, 10));
  const employer = await tdb.db.selectFrom('org').selectAll().where('code', '=', 'NX-E-JGJX').executeTakeFirstOrThrow();
  const skippedToday = shanghaiDate(await env.currentTimeMs());
  const highLevel = (who: 'P' | 'D', g: typeof pGrant, level: 'senior' | 'professor') =>
    planClaim(
      tdb.db,
      {
        kind: 'high_level',
        employerOrgCode: employer.code,
        title: { level, certificateNumber: g.certificate_code, grantedOn: grantedOn(g), socialSecurityMonths: 24 },
      },
      people[who].idNumber,
      employer,
      skippedToday,
      nanxunFirstTerms,
    );
  const pPlan = await highLevel('P', pGrant, 'professor');
  expect(pPlan).toMatchObject({ reasons: [], amountYuan: 30000, form: { titleRecord: { verified: true } } });
  expect((await highLevel('D', dGrant, 'senior')).reasons).toContain('TITLE_REVOKED');
  // someone else presenting P's certificate code
  expect((await highLevel('D', pGrant, 'professor')).reasons).toContain('TITLE_RECORD_MISMATCH');
  const mnotice = (await api.get('/api/v1/public/notices?kind=misconduct')).body[0];
  expect(mnotice.entries[0]).toMatchObject({ name: '李违纪', banFromYear: decisionYear, banToYear: decisionYear + 3 });

  // the next year: refused (BANNED, with the year the ban ends); four years later: accepted
  const nextYear = decisionYear + 1;
  const s2 = await api.post('/api/v1/zhejiang/sessions', t.office1, { year: nextYear, level: 'senior', meetingDate: `${nextYear}-11-20` });
  expect(s2.status).toBe(201);
  const banned = await api.post('/api/v1/zhejiang/applications', people.D.token, {
    sessionId: s2.body.id,
    category: 'technical_service',
    channel: 'standard',
    employerOrgCode: 'NX-E-SLJS',
    commitment: true,
  });
  expectProblem(banned, 422, 'NOT_ELIGIBLE');
  expect(banned.body).toMatchObject({ reasons: ['BANNED'], banEndsYear: decisionYear + 3 });
  const later = decisionYear + 4;
  const s5 = await api.post('/api/v1/zhejiang/sessions', t.office1, { year: later, level: 'senior', meetingDate: `${later}-11-19` });
  expect(s5.status).toBe(201);
  const ok = await api.post(
    '/api/v1/zhejiang/applications',
    people.D.token,
    await withTitleMaterials(app, people.D.token, {
      sessionId: s5.body.id,
      category: 'technical_service',
      channel: 'standard',
      employerOrgCode: 'NX-E-SLJS',
      commitment: true,
    }),
  );
  expect(ok.status).toBe(201);

  // every step is on the timeline in Postgres
  const tl = (
    await tdb.db.selectFrom('timeline').select(['event']).where('subject_type', '=', 'title_session').where('subject_id', '=', S).orderBy('id').execute()
  ).map((e) => e.event);
  for (const e of [
    'pre_review_started',
    'publicity_opened',
    'plan_approved',
    'committee_drawn',
    'attendance_recorded',
    'ballot_opened',
    'ballot_closed',
    'results_announced',
    'completed',
  ])
    expect(tl).toContain(e);
});

test('the whole year’s histories, fetched without the codec or decoded, hold no ID number and no phone number', async () => {
  // what anyone with the Temporal database, the Web UI or the CLI sees: ciphertext only
  const plain = new Client({ connection: env.client.connection, namespace: 'default' });
  const known = await knownPersonalData(tdb.db);
  // the time-skipping server lists no workflows: every session, application and workflow that opened a task
  const ids = [
    ...new Set(
      [
        ...(await tdb.db.selectFrom('zj_session').select('workflow_id').execute()),
        ...(await tdb.db.selectFrom('zj_application').select('workflow_id').execute()),
        ...(await tdb.db.selectFrom('task').select('workflow_id').execute()),
      ].map((r) => r.workflow_id),
    ),
  ];
  const stored = await allHistories(plain, false, ids);
  expect(stored.size).toBeGreaterThanOrEqual(10); // sessions, applications, draws: the whole year
  expect(personalDataIn(stored, known)).toEqual([]);
  // what an admin reads through the codec endpoint: references (user ids, application numbers), not the numbers
  const decoded = await allHistories(env.client, true, ids);
  const all = [...decoded.values()].join('\n');
  expect(all).toContain('"decision":"approve"');
  expect(personalDataIn(decoded, known)).toEqual([]);
});

/** What a dump of the ballot tables shows (rows in physical order, as pg_dump writes them): sealed papers only. */
async function expectSecretBallot(sessionId: string, voters: number, applicants: number) {
  const cols = async (table: string) =>
    (
      await tdb.db
        .selectFrom('information_schema.columns' as never)
        .select('column_name' as never)
        .where('table_name' as never, '=', table as never)
        .execute()
    )
      .map((r) => (r as { column_name: string }).column_name)
      .sort();
  const voterCols = await cols('ballot_voter');
  const paperCols = await cols('ballot_paper');
  expect(voterCols).toEqual(['expert_id', 'session_id', 'token_hash']);
  expect(paperCols).toEqual(['id', 'sealed', 'session_id']);
  // the only column the two share is the session: no join key, no time, no sequence
  expect(voterCols.filter((c) => paperCols.includes(c))).toEqual(['session_id']);
  const { sql } = await import('kysely');
  const papers = (await sql<{ id: string; sealed: Buffer }>`select id, sealed from ballot_paper where session_id = ${sessionId} order by ctid`.execute(tdb.db))
    .rows;
  const voterRows = (await sql<{ expert_id: string }>`select expert_id from ballot_voter where session_id = ${sessionId} order by ctid`.execute(tdb.db)).rows;
  expect(voterRows).toHaveLength(voters);
  expect(papers).toHaveLength(voters);
  // no plain-text vote is stored any more
  expect(await tdb.db.selectFrom('ballot_vote').select('id').where('session_id', '=', sessionId).execute()).toEqual([]);
  // random (v4) ids; every paper the same size; no applicant id or vote readable in any of them
  for (const r of papers) expect(r.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  expect(new Set(papers.map((p) => p.sealed.length)).size).toBe(1);
  const apps = (await tdb.db.selectFrom('zj_application').select('id').where('session_id', '=', sessionId).execute()).map((a) => a.id);
  expect(apps.length).toBeGreaterThanOrEqual(applicants);
  for (const p of papers) for (const needle of [...apps, 'yes', 'abstain']) expect(p.sealed.includes(Buffer.from(needle))).toBe(false);
}

/** Every payload of the workflow's history, decoded: none pairs a voter with a vote; the count is there as totals. */
async function expectHistoryWithoutVotes(workflowId: string, voterIds: string[], tallyOfOne: { yes: number }) {
  const history = await decodedHistory(await env.client.workflow.getHandle(workflowId).fetchHistory());
  const payloads: string[] = [];
  const walk = (o: unknown): void => {
    if (!o || typeof o !== 'object') return;
    if (Array.isArray(o)) {
      for (const x of o) walk(x);
      return;
    }
    const rec = o as Record<string, unknown>;
    if (rec.data instanceof Uint8Array && rec.metadata) payloads.push(Buffer.from(rec.data).toString('utf8'));
    for (const v of Object.values(rec)) walk(v);
  };
  walk(history);
  expect(payloads.length).toBeGreaterThan(10);
  const all = payloads.join('\n');
  // the totals are there (the close activity's result) …
  expect(all).toContain(`"yes":${tallyOfOne.yes}`);
  // … and no vote: neither a vote value nor a ballot body, in any payload, let alone next to a voter
  expect(all).not.toMatch(/"votes?"\s*:/);
  expect(all).not.toMatch(/:\s*"(yes|no|abstain)"/);
  for (const p of payloads) if (voterIds.some((v) => p.includes(v))) expect(p).not.toMatch(/"(yes|no|abstain)"/);
}
