/**
 * Messages shared by the workflows and the API (the API imports only these definitions).
 */
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { CalendarChange } from './deadlineMoves';
import type { TaskRef } from './activities';
import type { Deadline } from '../calendar/activities';

/** Who is acting, as authenticated by the API. */
export interface Actor {
  userId: number;
  username: string;
  displayName: string;
  roles: string[];
  orgCode: string | null;
  /** In the API only: Updates carry null here (platform/identity/personRef.ts `workflowActor`); histories recorded
   * before carry the clerk's ID number. */
  idNumber: string | null;
  /** the person's references (blind indexes of the ID number under each key version), as Updates carry them */
  personRefs?: string[];
}

/** Whether the actor is the person a subject is about (`personId`: a person reference, or an ID number in
 * workflows started before references). Pure: used by workflow validators. */
export function isSubjectPerson(actor: Actor, personId: string | null): boolean {
  if (!personId) return false;
  if (actor.personRefs?.includes(personId)) return true;
  return !!actor.idNumber && actor.idNumber === personId;
}
/** A person reference has the shape of a blind index (`<key id>.<32 hex>`); an ID number never does. */
export const isPersonReference = (v: string | null): boolean => !!v && /^[a-z0-9]{1,16}\.[0-9a-f]{32}$/.test(v);

export interface DecisionInput {
  taskId: string;
  actor: Actor;
  decision: string;
  comment?: string;
  /** kind-specific fields, e.g. verdict, confirmedLevel, amountYuan */
  fields?: Record<string, unknown>;
}

export interface ResubmitInput {
  taskId: string;
  actor: Actor;
  comment?: string;
  /** what the applicant supplied or corrected */
  changes?: Record<string, unknown>;
}

/** The committed state of the workflow's subject after a message took effect. */
export interface SubjectState {
  status: string;
  stage: string;
  openTaskIds: string[];
  /** what the decider must be told beyond the status: the decision took effect differently than it reads */
  notice?: SubjectNotice;
}

/** A note to the person who decided (e.g. an approval that came too late and what happens now); stable code */
export interface SubjectNotice {
  code: string;
  message: string;
}

/** A task the workflow has open, as the workflow holds it (the reconciliation compares the inbox row with it). */
export interface OpenTaskSnapshot {
  task: TaskRef;
  state: 'open' | 'paused';
  openedAt: string;
  slaWorkingDays: number | null;
  deadline: Deadline | null;
}

/** A task the workflow has decided (or cancelled), as the workflow took it. */
export interface DecidedTaskSnapshot {
  taskId: string;
  decision: string;
  comment: string | null;
  fields: Record<string, unknown>;
  actor: { username: string; displayName: string; orgCode: string | null } | null;
  decidedAt: string;
}

/** What a running workflow holds about its subject: read by the reconciliation (a query, no history event). */
export interface SubjectSnapshot extends SubjectState {
  openTasks: OpenTaskSnapshot[];
  decidedTasks: DecidedTaskSnapshot[];
  /** domain facts the domain's reconciliation compares (e.g. a claim's paid amount) */
  facts: Record<string, unknown>;
}

export const subjectSnapshotQuery = defineQuery<SubjectSnapshot>('subjectSnapshot');
/**
 * What a decide Update answers: the subject's settled state and, when the decision closed the task, what was
 * written to the task row in the committed transaction (the API answers with it instead of reading the row back).
 */
export interface DecisionResult extends SubjectState {
  decided?: DecidedTaskWrite;
}

/** the columns a decision wrote to its task (platform/tasks/activities.ts writeCompletion) */
export interface DecidedTaskWrite {
  taskId: string;
  decision: string;
  decidedAt: string;
  decidedBy: string;
  comment: string | null;
}

export const decideUpdate = defineUpdate<DecisionResult, [DecisionInput]>('decide');
export const resubmitUpdate = defineUpdate<SubjectState, [ResubmitInput]>('resubmit');
/** returns the subject's state once the workflow has settled (its first task is open, or it ended) */
export const settledStateUpdate = defineUpdate<SubjectState, []>('settledState');
/** sent when calendar data is loaded: provisional deadlines, and those whose period a changed day falls in, are recomputed */
export const calendarChangedSignal = defineSignal<[CalendarChange?]>('calendarChanged');

/** Stable codes the validators reject with (ApplicationFailure.type), mapped to HTTP by the API. */
export const UpdateRejection = {
  NOT_YOUR_TASK: 'NOT_YOUR_TASK',
  TASK_ALREADY_DECIDED: 'TASK_ALREADY_DECIDED',
  TASK_NOT_FOUND: 'TASK_NOT_FOUND',
  TASK_PAUSED: 'TASK_PAUSED',
  TASK_NOT_PAUSED: 'TASK_NOT_PAUSED',
  INVALID_DECISION: 'INVALID_DECISION',
} as const;
