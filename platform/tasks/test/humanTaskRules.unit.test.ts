/**
 * The human-task loop's decisions without Temporal (platform/tasks/humanTaskRules.ts): who may decide a task and
 * when (DOMAIN §3: a clerk decides the tasks of their own organisation, never one on their own claim), who may answer
 * a request for supplements, and the deadline timer (warning, then escalation past the due instant; none while the
 * clock is stopped for 补正). The pause arithmetic the task activities use is at the end. The same loop running in a
 * workflow with mocked activities: humanTask.test.ts.
 */
import { decisionRefusal, nextTimerMs, resubmitRefusal, timerAlerts } from '../humanTaskRules';
import type { OpenTask, StageSpec } from '../stageSpec';
import type { Actor, DecisionInput } from '../messages';
import type { Deadline } from '../../calendar/activities';
import { officialCalendar } from '../../calendar/calendarSource';
import { formatShanghai, shanghaiDate, workingDayDeadline, workingDaysBetween } from '../../calendar/workdays';

const APPLICANT_ID = '330503199003071239';

const spec = (over: Partial<StageSpec> = {}): StageSpec => ({
  key: 'bureau_review',
  kind: 'bureau_review',
  role: 'bureau_reviewer',
  orgCode: 'NX-YJGLJ',
  stage: 'bureau_review',
  slaWorkingDays: 10,
  subject: { type: 'nanxun_claim', id: 'c1', ref: 'NX-ZS-2026-000001', personId: APPLICANT_ID },
  check: (decision, fields) => (decision !== 'approve' && !fields.comment ? { ok: false, message: 'give the reason' } : { ok: true }),
  ...over,
});

// a 10-working-day review opened Thursday 2026-09-24: due at the end of 2026-10-15, warned from the start of 10-14
const DEADLINE: Deadline = {
  dueOn: '2026-10-15',
  dueAt: '2026-10-15T15:59:59.999Z',
  warnAt: '2026-10-13T16:00:00.000Z',
  provisional: false,
  calendar: { provisional: false, years: [{ year: 2026, version: 1, source: 'test' }] },
};

const task = (over: Partial<OpenTask> = {}): OpenTask => ({
  spec: spec(),
  ref: {} as OpenTask['ref'],
  state: 'open',
  pending: null,
  resubmission: null,
  cancelled: null,
  recalc: false,
  deadline: DEADLINE,
  segment: { start: '2026-09-24T02:00:00.000Z', days: 10 },
  remaining: null,
  warned: false,
  overdue: false,
  ...over,
});

const clerk: Actor = {
  userId: 1,
  username: 'bureau1',
  displayName: '局审核员',
  roles: ['bureau_reviewer'],
  orgCode: 'NX-YJGLJ',
  idNumber: '110105194912310021',
};
const decision = (over: Partial<DecisionInput> = {}): DecisionInput => ({ taskId: 'wf/bureau_review', actor: clerk, decision: 'approve', ...over });

describe('who may decide a task, and when', () => {
  test('the clerk of the task’s organisation and role decides it', () => {
    expect(decisionRefusal(task(), false, decision())).toBeNull();
  });

  test('a clerk of another organisation, or of the organisation in another role, may not', () => {
    const town = { ...clerk, orgCode: 'NX-NXZ', roles: ['rereviewer'] };
    expect(decisionRefusal(task(), false, decision({ actor: town }))).toEqual({
      type: 'NOT_YOUR_TASK',
      message: 'this task belongs to NX-YJGLJ (bureau_reviewer)',
    });
    expect(decisionRefusal(task(), false, decision({ actor: { ...clerk, orgCode: 'NX-NXZ' } }))?.type).toBe('NOT_YOUR_TASK');
    expect(decisionRefusal(task(), false, decision({ actor: { ...clerk, roles: ['auditor'] } }))?.type).toBe('NOT_YOUR_TASK');
    expect(decisionRefusal(task(), false, decision({ actor: { ...clerk, orgCode: null } }))?.type).toBe('NOT_YOUR_TASK');
  });

  test('a clerk never decides a task on their own claim, though it is their organisation’s', () => {
    expect(decisionRefusal(task(), false, decision({ actor: { ...clerk, idNumber: APPLICANT_ID } }))).toEqual({
      type: 'NOT_YOUR_TASK',
      message: 'a clerk never decides a task about their own application',
    });
  });

  test('a task decided already, or being decided, takes no second decision; an unknown one is not found', () => {
    expect(decisionRefusal(undefined, true, decision())?.type).toBe('TASK_ALREADY_DECIDED');
    expect(decisionRefusal(task({ pending: { input: decision(), ticket: 1 } }), false, decision())?.type).toBe('TASK_ALREADY_DECIDED');
    expect(decisionRefusal(undefined, false, decision())?.type).toBe('TASK_NOT_FOUND');
  });

  test('a task waiting for the applicant’s supplements takes no decision until they answer', () => {
    expect(decisionRefusal(task({ state: 'paused' }), false, decision())?.type).toBe('TASK_PAUSED');
  });

  test('the stage’s own check applies, the comment included', () => {
    expect(decisionRefusal(task(), false, decision({ decision: 'reject' }))).toEqual({ type: 'INVALID_DECISION', message: 'give the reason' });
    expect(decisionRefusal(task(), false, decision({ decision: 'reject', comment: '已有同级别奖励记录' }))).toBeNull();
    expect(decisionRefusal(task(), false, decision({ decision: 'reject', fields: { comment: 'a field is not the comment' } }))?.type).toBe('INVALID_DECISION');
  });

  test('a stage that cannot ask for supplements refuses the request', () => {
    const noSupplement = task({ spec: spec({ allowSupplement: false }) });
    expect(decisionRefusal(noSupplement, false, decision({ decision: 'request_supplement', comment: '请补充' }))?.type).toBe('INVALID_DECISION');
    expect(decisionRefusal(task(), false, decision({ decision: 'request_supplement', comment: '请补充' }))).toBeNull();
  });
});

describe('who may answer a request for supplements', () => {
  const applicant: Actor = { userId: 9, username: 'applicant1', displayName: '张伟', roles: ['applicant'], orgCode: null, idNumber: APPLICANT_ID };
  const answer = (actor: Actor) => ({ taskId: 'wf/bureau_review', actor, comment: '已补充' });

  test('the applicant, while the task waits', () => {
    expect(resubmitRefusal(task({ state: 'paused' }), answer(applicant))).toBeNull();
  });

  test('nobody else, not even the clerk of the task', () => {
    expect(resubmitRefusal(task({ state: 'paused' }), answer(clerk))?.type).toBe('NOT_YOUR_TASK');
    expect(resubmitRefusal(task({ state: 'paused' }), answer({ ...applicant, idNumber: null }))?.type).toBe('NOT_YOUR_TASK');
  });

  test('not when nothing was asked, nor twice', () => {
    expect(resubmitRefusal(task(), answer(applicant))?.type).toBe('TASK_NOT_PAUSED');
    expect(resubmitRefusal(task({ state: 'paused', resubmission: { input: answer(applicant), ticket: 2 } }), answer(applicant))?.type).toBe('TASK_NOT_PAUSED');
    expect(resubmitRefusal(undefined, answer(applicant))?.type).toBe('TASK_NOT_FOUND');
  });
});

describe('person references instead of ID numbers (issue 19): Updates carry no ID number', () => {
  // what a workflow started now holds (the blind index of the applicant's ID number) and what an Update carries
  const REF = 'b1a2b3c.0123456789abcdef0123456789abcdef';
  const OLD_REF = 'b0a0b0c.fedcba9876543210fedcba9876543210';
  const byRef = (over: Partial<StageSpec['subject']> = {}) =>
    task({ spec: spec({ subject: { type: 'nanxun_claim', id: 'c1', ref: 'NX-ZS-2026-000001', personId: REF, ...over } }) });
  const applicantNow: Actor = {
    userId: 9,
    username: 'applicant1',
    displayName: '张伟',
    roles: ['applicant'],
    orgCode: null,
    idNumber: null,
    personRefs: [OLD_REF, REF],
  };
  const clerkNow: Actor = { ...clerk, idNumber: null, personRefs: ['b1a2b3c.11111111111111111111111111111111'] };
  const answer = (actor: Actor) => ({ taskId: 'wf/bureau_review', actor, comment: '已补充' });

  test('a clerk whose reference is the applicant’s never decides the task', () => {
    expect(decisionRefusal(byRef(), false, decision({ actor: { ...clerkNow, personRefs: [REF] } }))?.type).toBe('NOT_YOUR_TASK');
    expect(decisionRefusal(byRef(), false, decision({ actor: clerkNow }))).toBeNull();
  });

  test('the applicant answers by reference (any key version); nobody else does', () => {
    const paused = byRef();
    paused.state = 'paused';
    expect(resubmitRefusal(paused, answer(applicantNow))).toBeNull();
    expect(resubmitRefusal(paused, answer(clerkNow))?.type).toBe('NOT_YOUR_TASK');
    expect(resubmitRefusal(paused, answer({ ...applicantNow, personRefs: [] }))?.type).toBe('NOT_YOUR_TASK');
  });

  test('a workflow started before references (the ID number in its subject) leaves the applicant check to the API', () => {
    expect(resubmitRefusal(task({ state: 'paused' }), answer(applicantNow))).toBeNull();
  });
});

describe('the deadline timer: a warning, then the escalation; neither decides anything', () => {
  const at = (iso: string) => Date.parse(iso);
  const warnAt = at(DEADLINE.warnAt);
  const dueAt = at(DEADLINE.dueAt);

  test('an open task first wakes when the warning is due', () => {
    expect(nextTimerMs(task(), warnAt - 60_000)).toBe(60_000);
    expect(timerAlerts(task(), warnAt - 1)).toEqual({ warn: false, overdue: false });
    expect(timerAlerts(task(), warnAt)).toEqual({ warn: true, overdue: false });
  });

  test('once warned, it wakes just after the end of the due day; at its last millisecond it is not overdue yet', () => {
    const warned = task({ warned: true });
    expect(nextTimerMs(warned, warnAt)).toBe(dueAt + 1 - warnAt);
    expect(timerAlerts(warned, dueAt)).toEqual({ warn: false, overdue: false });
    expect(timerAlerts(warned, dueAt + 1)).toEqual({ warn: false, overdue: true });
  });

  test('a worker that was down past both fires both at once, each only once', () => {
    expect(timerAlerts(task(), dueAt + 3_600_000)).toEqual({ warn: true, overdue: true });
    expect(timerAlerts(task({ warned: true, overdue: true }), dueAt + 3_600_000)).toEqual({ warn: false, overdue: false });
    expect(nextTimerMs(task({ warned: true, overdue: true }), dueAt + 3_600_000)).toBeUndefined();
  });

  test('a timer already past wakes at once, never with a zero or negative wait', () => {
    expect(nextTimerMs(task(), dueAt + 10_000)).toBe(1);
  });

  test('no timer while the clock is stopped for supplements, nor for a task without a deadline', () => {
    expect(nextTimerMs(task({ state: 'paused' }), dueAt + 10_000)).toBeUndefined();
    expect(timerAlerts(task({ state: 'paused' }), dueAt + 10_000)).toEqual({ warn: false, overdue: false });
    expect(nextTimerMs(task({ deadline: null, segment: null }), warnAt)).toBeUndefined();
    expect(timerAlerts(task({ deadline: null, segment: null }), dueAt + 10_000)).toEqual({ warn: false, overdue: false });
  });

  test('the deadline above is the 10-working-day review of DOMAIN §0 with the warning at 2 working days left', () => {
    const d = workingDayDeadline(new Date('2026-09-24T10:00:00+08:00'), 10, officialCalendar(), 2);
    expect({ dueOn: d.dueOn, dueAt: d.dueAt.toISOString(), warnAt: d.warnAt.toISOString() }).toEqual({
      dueOn: DEADLINE.dueOn,
      dueAt: DEADLINE.dueAt,
      warnAt: DEADLINE.warnAt,
    });
  });
});

describe('补正 pauses the working-day clock; the task resumes with the days that were left', () => {
  // pauseTask keeps workingDaysBetween(the pause day, dueOn) (the pause day counts as used); resumeTask opens a
  // period of that many working days from the day of the answer (platform/tasks/activities.ts, calendar/activities.ts)
  const cal = officialCalendar();

  test('opened Thursday 2026-09-24, paused Monday 09-28 (09-25…27 are holidays, 09-28 is used): 9 working days are left', () => {
    expect(workingDaysBetween(shanghaiDate(new Date('2026-09-28T15:00:00+08:00')), '2026-10-15', cal).count).toBe(9);
  });

  test('answered Tuesday 2026-10-20: the remaining 9 working days run to the end of Monday 2026-11-02', () => {
    const d = workingDayDeadline(new Date('2026-10-20T09:30:00+08:00'), 9, cal, 2);
    expect(d.dueOn).toBe('2026-11-02');
    expect(formatShanghai(d.dueAt)).toBe('2026-11-02T23:59:59.999+08:00');
    // the three weeks waiting for the applicant cost the bureau nothing: 10 working days in all
    expect(workingDaysBetween('2026-09-24', '2026-09-28', cal).count + workingDaysBetween('2026-10-20', d.dueOn, cal).count).toBe(10);
  });
});
