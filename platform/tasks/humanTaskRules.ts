/**
 * The decisions of the human-task loop (humanTask.ts) that need no workflow runtime: whether a decision or a
 * resubmission is accepted, and what the deadline timer does. Pure and deterministic (workflow code calls them;
 * platform/tasks/test/humanTaskRules.unit.test.ts tests them without Temporal).
 */
import { whyNotYours } from './access';
import type { OpenTask } from './stageSpec';
import { isPersonReference, isSubjectPerson, UpdateRejection, type DecisionInput, type ResubmitInput } from './messages';

/** Why an Update is refused: the stable code (ApplicationFailure.type, mapped to HTTP by the API) and the reason. */
export interface Refusal {
  type: string;
  message: string;
}

const refuse = (type: string, message: string): Refusal => ({ type, message });

/**
 * Why a decision on `t` is refused, or null when it is accepted. `t` is the open task the decision names (undefined
 * if none); `decided` says whether that task was decided (or cancelled) earlier in this run.
 */
export function decisionRefusal(t: OpenTask | undefined, decided: boolean, input: DecisionInput): Refusal | null {
  if (!t) {
    if (decided) return refuse(UpdateRejection.TASK_ALREADY_DECIDED, 'this task has already been decided');
    return refuse(UpdateRejection.TASK_NOT_FOUND, 'no such open task in this process');
  }
  if (t.pending) return refuse(UpdateRejection.TASK_ALREADY_DECIDED, 'another decision on this task is being recorded');
  if (t.state === 'paused') return refuse(UpdateRejection.TASK_PAUSED, 'the task is waiting for the applicant to supply materials');
  const notYours = whyNotYours(input.actor, { orgCode: t.spec.orgCode, role: t.spec.role, subjectPersonId: t.spec.subject.personId });
  if (notYours) return refuse(UpdateRejection.NOT_YOUR_TASK, notYours);
  if (input.decision === 'request_supplement' && t.spec.allowSupplement === false) {
    return refuse(UpdateRejection.INVALID_DECISION, 'this task cannot ask for supplementary materials');
  }
  const check = t.spec.check(input.decision, { ...(input.fields ?? {}), comment: input.comment });
  if (!check.ok) return refuse(UpdateRejection.INVALID_DECISION, check.message ?? 'invalid decision');
  return null;
}

/** Why the applicant's answer to a request for supplements is refused, or null when it is accepted. */
export function resubmitRefusal(t: OpenTask | undefined, input: ResubmitInput): Refusal | null {
  if (!t) return refuse(UpdateRejection.TASK_NOT_FOUND, 'no such task waiting for materials');
  if (t.state !== 'paused' || t.resubmission) return refuse(UpdateRejection.TASK_NOT_PAUSED, 'this task is not waiting for materials');
  // a workflow started before person references holds the applicant's ID number, which Updates no longer carry:
  // there the API's own check (the claim's or application's applicant) is the one that applies
  const personId = t.spec.subject.personId;
  const cannotJudge = !!personId && !isPersonReference(personId) && input.actor.personRefs !== undefined && !input.actor.idNumber;
  if (!cannotJudge && !isSubjectPerson(input.actor, personId)) {
    return refuse(UpdateRejection.NOT_YOUR_TASK, 'only the applicant can supply the materials');
  }
  return null;
}

type TimerState = Pick<OpenTask, 'state' | 'deadline' | 'warned' | 'overdue'>;

/**
 * How long the loop waits before its deadline timer fires, in ms from `now`: until the warning is due, then until
 * just past the due instant; none while the task is paused (补正 stops the clock), has no deadline, or both fired.
 */
export function nextTimerMs(t: TimerState, now: number): number | undefined {
  if (t.state !== 'open' || !t.deadline) return undefined;
  const targets: number[] = [];
  if (!t.warned) targets.push(Date.parse(t.deadline.warnAt));
  if (!t.overdue) targets.push(Date.parse(t.deadline.dueAt) + 1);
  if (targets.length === 0) return undefined;
  return Math.max(1, Math.min(...targets) - now);
}

/** What a timer firing at `now` raises (neither decides anything): the warning from warnAt on, the escalation after dueAt. */
export function timerAlerts(t: TimerState, now: number): { warn: boolean; overdue: boolean } {
  if (t.state !== 'open' || !t.deadline) return { warn: false, overdue: false };
  return { warn: !t.warned && now >= Date.parse(t.deadline.warnAt), overdue: !t.overdue && now > Date.parse(t.deadline.dueAt) };
}
