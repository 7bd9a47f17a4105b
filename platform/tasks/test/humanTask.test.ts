/**
 * The human-task loop (platform/tasks/humanTask.ts) in a real workflow with its activities mocked, as
 * temporalio/reference-app-orders-go tests its workflows: a worker on the time-skipping test server runs a workflow
 * of one task (fixtures/oneTaskWorkflow.ts) whose task activities are jest mocks, so no Postgres is involved and the
 * test sees exactly which writes the loop asks for, and when (workflow time). Policy periods are not shortened: the
 * mocked deadlines are whole days and the test skips time to reach them.
 * The same decisions without any runtime: humanTaskRules.unit.test.ts.
 */
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode, Worker } from '@temporalio/worker';
import { eventually, timeSkippingEnv, uniqueTaskQueue } from '../../../test/helpers/temporal';
import { dataConverter } from '../../crypto/payloadCodec';
import type { Deadline } from '../../calendar/activities';
import type { CompleteTaskInput, OpenTaskInput, TaskRef } from '../activities';
import { decideUpdate, resubmitUpdate, type Actor } from '../messages';
import { ONE_TASK, oneTaskWorkflow, withdrawSignal } from './fixtures/oneTaskWorkflow';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const APPLICANT_ID = '330503199003071239';

/** a deadline `dueDays` after `at`, warned `warnDays` after it (the mocks stand in for the working-day calendar) */
function deadlineAfter(at: string, warnDays: number, dueDays: number): Deadline {
  const t = Date.parse(at);
  const due = new Date(t + dueDays * DAY);
  return {
    dueOn: due.toISOString().slice(0, 10),
    dueAt: due.toISOString(),
    warnAt: new Date(t + warnDays * DAY).toISOString(),
    provisional: false,
    calendar: { provisional: false, years: [] },
  };
}

type Stamp = { task: TaskRef; at: string; eventKey: string };
const acts = {
  openTask: jest.fn(async (input: OpenTaskInput) => ({ deadline: input.slaWorkingDays == null ? null : deadlineAfter(input.at, 8, 10) })),
  completeTask: jest.fn(async (_input: CompleteTaskInput) => {}),
  pauseTask: jest.fn(async (_input: Stamp & { comment: string }) => ({ remainingWorkingDays: 4 })),
  resumeTask: jest.fn(async (input: Stamp & { remainingWorkingDays: number | null }) => ({ deadline: deadlineAfter(input.at, 2, 4) })),
  cancelTask: jest.fn(async (_input: Stamp & { reason: string }) => {}),
  markTaskWarned: jest.fn(async (_input: Stamp & { dueOn: string }) => {}),
  markTaskOverdue: jest.fn(async (_input: Stamp & { dueOn: string }) => {}),
  recomputeDeadline: jest.fn(async (input: { segmentStart: string; days: number }) => ({ deadline: deadlineAfter(input.segmentStart, 8, 10) })),
};

const clerk: Actor = {
  userId: 1,
  username: 'clerk1',
  displayName: '审核员',
  roles: [ONE_TASK.role],
  orgCode: ONE_TASK.orgCode,
  idNumber: '110105194912310021',
};
const applicant: Actor = { userId: 2, username: 'applicant1', displayName: '张伟', roles: ['applicant'], orgCode: null, idNumber: APPLICANT_ID };

let env: TestWorkflowEnvironment;
let taskQueue: string;
let stopWorker: () => Promise<void>;

beforeAll(async () => {
  env = await timeSkippingEnv();
  taskQueue = uniqueTaskQueue('loop');
  const quiet = { info() {}, warn() {}, error() {}, debug() {}, trace() {}, log() {} } as never;
  const { code } = await bundleWorkflowCode({ workflowsPath: require.resolve('./fixtures/oneTaskWorkflow'), logger: quiet });
  const worker = await Worker.create({
    connection: env.nativeConnection,
    namespace: env.namespace ?? 'default',
    taskQueue,
    workflowBundle: { code },
    activities: acts,
    dataConverter: dataConverter(),
  });
  const running = worker.run();
  stopWorker = async () => {
    worker.shutdown();
    await running;
  };
});
afterAll(async () => {
  await stopWorker?.();
  await env?.teardown();
});
beforeEach(() => jest.clearAllMocks());

let seq = 0;
async function startOneTask() {
  const workflowId = `one-task-${process.pid}-${++seq}`;
  const handle = await env.client.workflow.start(oneTaskWorkflow, { taskQueue, workflowId, args: [{ personId: APPLICANT_ID, slaWorkingDays: 10 }] });
  const opened = await eventually(async () => acts.openTask.mock.calls.find(([i]) => i.task.workflowId === workflowId)?.[0], 'the task to open');
  // the id the inbox and the API use (URL-safe); the workflow knows it as `${workflowId}/review`
  const taskId = `${workflowId}~${ONE_TASK.key}`;
  const decide = (actor: Actor, decision: string, extra: { comment?: string; fields?: Record<string, unknown> } = {}) =>
    handle.executeUpdate(decideUpdate, { args: [{ taskId, actor, decision, ...extra }] });
  const resubmit = (actor: Actor) => handle.executeUpdate(resubmitUpdate, { args: [{ taskId, actor, comment: '已补充' }] });
  return { handle, opened, taskId, decide, resubmit };
}

/** the stable code a refused Update carries (ApplicationFailure.type), or 'accepted' */
async function refusal(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return 'accepted';
  } catch (err) {
    return String((err as { cause?: { type?: string } }).cause?.type ?? err);
  }
}

const skipTo = async (instant: number) => env.sleep(instant - (await env.currentTimeMs()));

test('refused decisions write nothing; the accepted one is written once and its Update returns the committed state', async () => {
  const w = await startOneTask();
  expect(w.opened).toMatchObject({ task: { kind: 'review', role: 'reviewer', orgCode: 'ORG-A', subjectPersonId: APPLICANT_ID }, slaWorkingDays: 10 });

  expect(await refusal(w.decide({ ...clerk, orgCode: 'ORG-B' }, 'approve'))).toBe('NOT_YOUR_TASK');
  expect(await refusal(w.decide({ ...clerk, roles: ['auditor'] }, 'approve'))).toBe('NOT_YOUR_TASK');
  expect(await refusal(w.decide({ ...clerk, idNumber: APPLICANT_ID }, 'approve'))).toBe('NOT_YOUR_TASK');
  expect(await refusal(w.decide(clerk, 'reject'))).toBe('INVALID_DECISION');
  expect(await refusal(w.handle.executeUpdate(decideUpdate, { args: [{ taskId: `${w.taskId}x`, actor: clerk, decision: 'approve' }] }))).toBe('TASK_NOT_FOUND');
  expect(await refusal(w.resubmit(applicant))).toBe('TASK_NOT_PAUSED');
  expect(acts.completeTask).not.toHaveBeenCalled();

  // the clerk's answer is the state after the decision took effect: the subject moved on, no task open; and what
  // the decision wrote to its task (the API answers with it instead of reading the row back)
  expect(await w.decide(clerk, 'approve', { comment: ' 予以核准 ', fields: { amountYuan: 2000 } })).toEqual({
    status: 'approved',
    stage: 'done',
    openTaskIds: [],
    decided: { taskId: `${w.handle.workflowId}~review`, decision: 'approve', decidedAt: expect.any(String), decidedBy: 'clerk1', comment: '予以核准' },
  });
  expect(acts.completeTask).toHaveBeenCalledTimes(1);
  expect(acts.completeTask.mock.calls[0]![0]).toMatchObject({
    task: { taskId: `${w.handle.workflowId}/review` },
    actor: { username: 'clerk1', displayName: '审核员', orgCode: 'ORG-A' },
    decision: 'approve',
    comment: '予以核准',
    fields: { amountYuan: 2000 },
  });
  expect(await w.handle.result()).toMatchObject({ decision: 'approve', comment: '予以核准', actor: { username: 'clerk1' } });
  expect(acts.markTaskWarned).not.toHaveBeenCalled();
  expect(acts.cancelTask).not.toHaveBeenCalled();
});

test('the warning comes at its instant, the escalation after the due instant; neither decides, the clerk still can', async () => {
  const w = await startOneTask();
  const deadline = deadlineAfter(w.opened.at, 8, 10);

  await skipTo(Date.parse(deadline.warnAt) - HOUR);
  expect(acts.markTaskWarned).not.toHaveBeenCalled();
  await env.sleep(2 * HOUR);
  const warned = await eventually(async () => acts.markTaskWarned.mock.calls[0]?.[0], 'the warning');
  expect(warned.dueOn).toBe(deadline.dueOn);
  expect(Date.parse(warned.at)).toBeGreaterThanOrEqual(Date.parse(deadline.warnAt));
  expect(acts.markTaskOverdue).not.toHaveBeenCalled();

  await skipTo(Date.parse(deadline.dueAt) + HOUR);
  const overdue = await eventually(async () => acts.markTaskOverdue.mock.calls[0]?.[0], 'the escalation');
  expect(Date.parse(overdue.at)).toBeGreaterThan(Date.parse(deadline.dueAt));

  // a week later nothing has been raised again, and the overdue task still takes its decision
  await env.sleep(7 * DAY);
  expect(await w.decide(clerk, 'reject', { comment: '材料不全' })).toMatchObject({
    status: 'reject',
    stage: 'done',
    openTaskIds: [],
    decided: { decision: 'reject' },
  });
  expect(acts.markTaskWarned).toHaveBeenCalledTimes(1);
  expect(acts.markTaskOverdue).toHaveBeenCalledTimes(1);
  expect(acts.completeTask).toHaveBeenCalledTimes(1);
});

test('补正 stops the clock: no warning or escalation while the applicant is asked; the task resumes with the days left', async () => {
  const w = await startOneTask();
  const first = deadlineAfter(w.opened.at, 8, 10);
  await env.sleep(3 * DAY);

  // the request pauses the task: it stays open (in the inbox) but takes no decision
  expect(await w.decide(clerk, 'request_supplement', { comment: '请补充证书复印件' })).toEqual({
    status: 'in_review',
    stage: 'review',
    openTaskIds: [w.taskId],
  });
  expect(acts.pauseTask).toHaveBeenCalledTimes(1);
  expect(acts.pauseTask.mock.calls[0]![0]).toMatchObject({ comment: '请补充证书复印件', actor: { username: 'clerk1' } });
  expect(acts.completeTask).not.toHaveBeenCalled();
  expect(await refusal(w.decide(clerk, 'approve'))).toBe('TASK_PAUSED');

  // the applicant takes a fortnight: the first deadline passes unnoticed
  await skipTo(Date.parse(first.dueAt) + 5 * DAY);
  expect(await refusal(w.resubmit(clerk))).toBe('NOT_YOUR_TASK');
  expect(await w.resubmit(applicant)).toEqual({ status: 'in_review', stage: 'review', openTaskIds: [w.taskId] });
  expect(acts.markTaskWarned).not.toHaveBeenCalled();
  expect(acts.markTaskOverdue).not.toHaveBeenCalled();

  // resumed with what the pause left (4 working days), from the day of the answer
  expect(acts.resumeTask).toHaveBeenCalledTimes(1);
  const resumed = acts.resumeTask.mock.calls[0]![0];
  expect(resumed).toMatchObject({ remainingWorkingDays: 4, actor: { username: 'applicant1' }, comment: '已补充' });
  expect(Date.parse(resumed.at)).toBeGreaterThan(Date.parse(first.dueAt));
  const second = deadlineAfter(resumed.at, 2, 4);

  await skipTo(Date.parse(second.warnAt) + HOUR);
  const warned = await eventually(async () => acts.markTaskWarned.mock.calls[0]?.[0], 'the warning of the resumed period');
  expect(warned.dueOn).toBe(second.dueOn);
  expect(await w.decide(clerk, 'approve')).toMatchObject({
    status: 'approved',
    stage: 'done',
    openTaskIds: [],
    decided: { decision: 'approve', comment: null },
  });
  expect(acts.markTaskOverdue).not.toHaveBeenCalled();
});

test('a subject ended another way cancels its open task, without a decision', async () => {
  const w = await startOneTask();
  await w.handle.signal(withdrawSignal, '申请人撤回申请');
  expect(await w.handle.result()).toMatchObject({ decision: 'cancelled', comment: '申请人撤回申请', actor: null });
  expect(acts.cancelTask).toHaveBeenCalledTimes(1);
  expect(acts.cancelTask.mock.calls[0]![0]).toMatchObject({ reason: '申请人撤回申请', task: { taskId: `${w.handle.workflowId}/review` } });
  expect(acts.completeTask).not.toHaveBeenCalled();
});
