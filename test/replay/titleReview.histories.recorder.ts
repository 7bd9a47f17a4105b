/**
 * Records histories of the Zhejiang title-review workflows for the replay test (`npm run record-histories` runs
 * every *histories.recorder.ts; this one alone: npx jest --testRegex 'zhejiang\.histories\.recorder\.ts$').
 * Never re-record an existing file to make a replay failure go away.
 */
import fs from 'node:fs';
import { storedTaskId } from '../../platform/tasks/taskIds';
import path from 'node:path';
import type { Express } from 'express';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { temporal } from '@temporalio/proto';
import { timeSkippingEnv, startWorker, uniqueTaskQueue, eventually } from '../helpers/temporal';
import { freshDatabase, type TestDb } from '../helpers/db';
import { testApp } from '../helpers/app';
import { client, expertToken, newApplicant, tokenFor } from '../helpers/titleReview';
import { loadCalendar } from '../../platform/calendar/calendarTable';
import { addWorkingDays, shanghaiDate, startOfShanghaiDay } from '../../platform/calendar/workdays';
import { misconductWorkflowId, titleApplicationWorkflowId, titleSessionWorkflowId } from '../../titleReview/rules';
import { withTitleMaterials } from '../helpers/materials';

let env: TestWorkflowEnvironment;
let tdb: TestDb;
let app: Express;
let api: ReturnType<typeof client>;
let stopWorker: () => Promise<void>;
const dir = path.join(__dirname, '..', 'histories');

beforeAll(async () => {
  [env, tdb] = await Promise.all([timeSkippingEnv({ plainPayloads: true }), freshDatabase()]);
  const taskQueue = uniqueTaskQueue('record-zj');
  ({ stop: stopWorker } = await startWorker(env, tdb.db, taskQueue, { plainPayloads: true }));
  app = testApp(tdb.db, env.client, taskQueue, { plainPayloads: true });
  api = client(app);
});
afterAll(async () => {
  await stopWorker?.();
  await env?.teardown();
  await tdb?.drop();
});

async function save(name: string, workflowId: string) {
  const file = path.join(dir, `${name}.history.json`);
  if (fs.existsSync(file)) return; // recorded histories are never overwritten: they stand for running workflows
  const handle = env.client.workflow.getHandle(workflowId);
  const history = temporal.api.history.v1.History.encode(await handle.fetchHistory()).finish();
  const sdk = (await import('@temporalio/worker/package.json')).version;
  fs.writeFileSync(
    file,
    `${JSON.stringify({ workflowId, recordedAt: new Date().toISOString(), sdk, historyProtobufBase64: Buffer.from(history).toString('base64') }, null, 2)}\n`,
  );
}

// task ids as stored (URL-safe: the workflow's `/` becomes `~`); either form is accepted by the API
const waitTask = (id: string) =>
  eventually(() => tdb.db.selectFrom('task').select('id').where('id', '=', storedTaskId(id)).where('state', '=', 'open').executeTakeFirst(), id);
async function decide(id: string, username: string, body: Record<string, unknown>) {
  await waitTask(id);
  const r = await api.decide(id, await tokenFor(tdb.db, username), body);
  if (r.status !== 200) throw new Error(`${id}: ${r.status} ${JSON.stringify(r.body)}`);
}
async function skipTo(ms: number) {
  const now = await env.currentTimeMs();
  if (ms > now) await env.sleep(ms - now);
}

test('title review: a session from opening to certificates, with objections, a rejection and misconduct', async () => {
  const office = await tokenFor(tdb.db, 'office1');
  const { cal } = await loadCalendar(tdb.db, 2025, 2030);
  const meetingDate = addWorkingDays(shanghaiDate(await env.currentTimeMs()), 25, cal).date;
  const year = Number(meetingDate.slice(0, 4));
  const s = await api.post('/api/v1/zhejiang/sessions', office, { year, level: 'senior', meetingDate });
  const a = await newApplicant(tdb.db, '录制甲');
  const r = await newApplicant(tdb.db, '录制乙');
  const A = (
    await api.post(
      '/api/v1/zhejiang/applications',
      a.token,
      await withTitleMaterials(app, a.token, {
        sessionId: s.body.id,
        category: 'safety_science',
        channel: 'standard',
        employerOrgCode: 'NX-E-SLJS',
        commitment: true,
      }),
    )
  ).body;
  const R = (
    await api.post(
      '/api/v1/zhejiang/applications',
      r.token,
      await withTitleMaterials(app, r.token, {
        sessionId: s.body.id,
        category: 'safety_science',
        channel: 'standard',
        employerOrgCode: 'NX-E-LSXC',
        commitment: true,
      }),
    )
  ).body;
  const aw = titleApplicationWorkflowId(A.applicationNo);
  await decide(`${aw}/unit_recommendation`, 'unit.sljs', { decision: 'approve', comment: '同意推荐' });
  await decide(`${titleApplicationWorkflowId(R.applicationNo)}/unit_recommendation`, 'unit.lsxc', { decision: 'reject', comment: '业绩不足' });
  const notice = (await api.get('/api/v1/public/notices?kind=unit_publicity')).body.find(
    (n: { entries: { applicationId: string }[] }) => n.entries[0]!.applicationId === A.id,
  );
  const o = await api.post(`/api/v1/public/notices/${encodeURIComponent(notice.id)}/objections`, undefined, { text: '请核实论文作者排名' });
  await decide(o.body.taskId, 'unit.sljs', { decision: 'reject', comment: '经核实无误，异议不成立' });
  await skipTo(new Date(notice.endsAt).getTime() + 60_000);
  await decide(`${aw}/competent_dept_review`, 'dept1', { decision: 'approve' });
  await decide(`${aw}/lower_committee_recommendation`, 'lower1', { decision: 'approve' });
  await decide(`${aw}/qualification_review`, 'office1', { decision: 'approve' });
  await api.post(`/api/v1/zhejiang/sessions/${s.body.id}/pre-review`, office, {});
  const sw = titleSessionWorkflowId(year, 'senior');
  await decide(`${sw}/hrss_approval/1`, 'hrss1', { decision: 'approve', comment: '核准' });
  const draw = await api.post(`/api/v1/zhejiang/sessions/${s.body.id}/committee`, office, { size: 17, seed: 'record-seed-0001' });
  if (draw.status !== 201) throw new Error(`draw: ${JSON.stringify(draw.body)}`);
  await skipTo(startOfShanghaiDay(meetingDate).getTime() + 9 * 3600_000);
  await eventually(
    async () => (await tdb.db.selectFrom('zj_session').select('status').where('id', '=', s.body.id).executeTakeFirstOrThrow()).status === 'ready',
    'ready',
  );
  const members = draw.body.members as { expertId: string; role: string }[];
  await api.post(`/api/v1/zhejiang/sessions/${s.body.id}/attendance`, office, { present: members.map((m) => m.expertId) });
  const tokenOf = (id: string) => expertToken(tdb.db, id);
  for (const m of members)
    await api.post(`/api/v1/zhejiang/sessions/${s.body.id}/ballots`, await tokenOf(m.expertId), { votes: [{ applicationId: A.id, vote: 'yes' }] });
  await api.post(`/api/v1/zhejiang/sessions/${s.body.id}/close-ballot`, await tokenOf(members.find((m) => m.role === 'chair')!.expertId));
  const results = await eventually(async () => (await api.get('/api/v1/public/notices?kind=results')).body[0], 'results notice');
  await skipTo(new Date(results.endsAt).getTime() + 60_000);
  await env.client.workflow.getHandle(sw).result();
  await api.post(`/api/v1/zhejiang/applications/${A.id}/misconduct`, office, { reason: '材料造假' });
  await save('titleApplicationWorkflow-qualified-after-dismissed-objection', aw);
  await save('titleApplicationWorkflow-rejected-by-unit', titleApplicationWorkflowId(R.applicationNo));
  await save('titleSessionWorkflow-completed-with-certificate', sw);
  // the same scenario once more from the current code: the files above stand for workflows that ran before the
  // decision-path-local patch (save() never overwrites); these for the ones after it
  await save('titleApplicationWorkflow-qualified-decision-path-local', aw);
  await save('titleApplicationWorkflow-rejected-by-unit-decision-path-local', titleApplicationWorkflowId(R.applicationNo));
  await save('titleMisconductWorkflow-revokes-granted-title', misconductWorkflowId(A.id));
  // after the title-policy-editions patch: each publicity, the plan, the draw and the meeting read their stage's terms
  await save('titleApplicationWorkflow-qualified-title-policy-editions', aw);
  await save('titleSessionWorkflow-completed-title-policy-editions', sw);
  await save('titleMisconductWorkflow-revokes-granted-title-policy-editions', misconductWorkflowId(A.id));
  // after the title-decision-path-one-write patch (issue 23): a decision between two review steps is one write
  await save('titleApplicationWorkflow-qualified-decision-path-one-write', aw);
  // both patches (title-policy-editions and title-decision-path-one-write), as the code runs since both merged
  await save('titleApplicationWorkflow-qualified-policy-editions-one-write', aw);
});
