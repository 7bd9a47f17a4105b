/**
 * Activities behind the human-task stage helper (platform/tasks/humanTask.ts): they project every task
 * transition into Postgres (the inbox) with an append-only timeline row, idempotently.
 * Every instant comes from the workflow (`at`), never from this process's clock.
 */
import type { Kysely, Transaction } from 'kysely';
import type { Database, TaskState, TaskUpdate } from '../../db/schema';
import { computeDeadline, workingDaysLeft, type Deadline } from '../calendar/activities';
import { insertTimeline, SYSTEM_ACTOR } from '../timeline/timeline';
import { storedTaskId } from './taskIds';
import { notifyTaskEvent, notifyTaskOpened } from '../notifications/outbox';
import { insertTaskOnce, updateTask } from './taskRepository';
import { idNumberOfPerson } from '../identity/personRef';

export interface TaskRef {
  taskId: string;
  kind: string;
  role: string;
  orgCode: string;
  stage: string;
  subjectType: string;
  subjectId: string;
  subjectRef: string;
  subjectPersonId: string | null;
  workflowId: string;
}

export interface ActorRef {
  username: string;
  displayName: string;
  orgCode: string | null;
}

const SYSTEM: ActorRef = { username: SYSTEM_ACTOR.actor, displayName: SYSTEM_ACTOR.actorName, orgCode: null };

function timelineBase(t: TaskRef) {
  return { subjectType: t.subjectType, subjectId: t.subjectId, stage: t.stage };
}

function deadlineColumns(deadline: Deadline | null) {
  return {
    due_on: deadline?.dueOn ?? null,
    due_at: deadline?.dueAt ?? null,
    warn_at: deadline?.warnAt ?? null,
    due_provisional: deadline?.provisional ?? false,
    due_calendar: deadline ? JSON.stringify(deadline.calendar) : null,
  };
}

export interface OpenTaskInput {
  task: TaskRef;
  at: string;
  slaWorkingDays: number | null;
  /** the policy edition's warning days (absent: DEFAULT_WARN_WORKING_DAYS) */
  warnWorkingDaysLeft?: number;
  /** the policy basis of the period ({ editionId, title, clause, basis }), stored with the task */
  policy?: Record<string, unknown>;
  eventKey: string;
  /**
   * the decisions that led here, written first in the same transaction (since the decision-path-one-write patch:
   * a clerk's decision, the subject's new status and the next task are one write)
   */
  closes?: CompleteTaskInput[];
}

/** The deadline a task opened at `input.at` gets from the calendar table (none without an SLA). */
export function openTaskDeadline(db: Kysely<Database>, input: OpenTaskInput): Promise<Deadline | null> {
  return input.slaWorkingDays == null ? Promise.resolve(null) : computeDeadline(db, new Date(input.at), input.slaWorkingDays, input.warnWorkingDaysLeft);
}

/** Writes an opened task (or, on retry, finds it) and its timeline row, inside the caller's transaction. */
export async function insertOpenedTask(trx: Transaction<Database>, input: OpenTaskInput, deadline: Deadline | null): Promise<void> {
  const { task, at } = input;
  await insertTaskOnce(trx, {
    id: storedTaskId(task.taskId),
    kind: task.kind,
    state: 'open',
    subject_type: task.subjectType,
    subject_id: task.subjectId,
    subject_ref: task.subjectRef,
    workflow_id: task.workflowId,
    org_code: task.orgCode,
    role: task.role,
    subject_person_id: await idNumberOfPerson(trx, task.subjectPersonId),
    opened_at: at,
    sla_working_days: input.slaWorkingDays,
    warn_working_days: input.warnWorkingDaysLeft ?? null,
    policy: input.policy ? JSON.stringify(input.policy) : null,
    ...deadlineColumns(deadline),
    updated_at: at,
  });
  await insertTimeline(trx, {
    ...timelineBase(task),
    eventKey: input.eventKey,
    orgCode: task.orgCode,
    actor: SYSTEM.username,
    actorName: SYSTEM.displayName,
    event: 'task_opened',
    data: { taskId: storedTaskId(task.taskId), kind: task.kind, dueOn: deadline?.dueOn ?? null, dueProvisional: deadline?.provisional ?? false },
    at,
  });
  await notifyTaskOpened(trx, task, { eventKey: input.eventKey, at, dueOn: deadline?.dueOn ?? null });
}

interface TransitionEvent {
  eventKey: string;
  at: string;
  actor: ActorRef;
  orgCode: string | null;
  event: string;
  decision?: string;
  comment?: string | null;
  data?: Record<string, unknown>;
}

/** One task transition inside the caller's transaction: the task row changes and its timeline row is written, once. */
async function writeTransition(trx: Transaction<Database>, task: TaskRef, set: TaskUpdate, onlyFrom: TaskState[] | null, e: TransitionEvent): Promise<void> {
  await updateTask(trx, storedTaskId(task.taskId), { ...set, updated_at: e.at }, onlyFrom);
  await insertTimeline(trx, {
    ...timelineBase(task),
    eventKey: e.eventKey,
    orgCode: e.orgCode,
    actor: e.actor.username,
    actorName: e.actor.displayName,
    event: e.event,
    decision: e.decision ?? null,
    comment: e.comment ?? null,
    data: { taskId: storedTaskId(task.taskId), ...e.data },
    at: e.at,
  });
  await notifyTaskEvent(trx, task, e);
}

/** A clerk's decision as written: the task is done, the timeline says who, which organisation, what and when. */
export interface CompleteTaskInput {
  task: TaskRef;
  at: string;
  actor: ActorRef;
  decision: string;
  comment: string | null;
  fields: Record<string, unknown>;
  eventKey: string;
}

/** The decisions an opening carries (OpenTaskInput.closes), inside the caller's transaction, before anything else. */
export async function writeCarriedDecisions(trx: Transaction<Database>, input: OpenTaskInput): Promise<void> {
  for (const close of input.closes ?? []) await writeCompletion(trx, close);
}

function writeCompletion(trx: Transaction<Database>, input: CompleteTaskInput): Promise<void> {
  return writeTransition(
    trx,
    input.task,
    {
      state: 'done',
      decided_at: input.at,
      decided_by: input.actor.username,
      decision: input.decision,
      comment: input.comment,
      decision_data: JSON.stringify(input.fields),
    },
    ['open', 'paused'],
    { ...input, orgCode: input.task.orgCode, event: 'decided', data: input.fields },
  );
}

export function createTaskActivities(db: Kysely<Database>) {
  const transition = (task: TaskRef, set: TaskUpdate, onlyFrom: TaskState[] | null, e: TransitionEvent): Promise<void> =>
    db.transaction().execute((trx) => writeTransition(trx, task, set, onlyFrom, e));

  return {
    /** Opens (or, on retry, finds) a task; computes its deadline from the calendar table. */
    async openTask(input: OpenTaskInput): Promise<{ deadline: Deadline | null }> {
      const deadline = await db.transaction().execute(async (trx) => {
        const d = await openTaskDeadline(trx, input);
        await writeCarriedDecisions(trx, input);
        await insertOpenedTask(trx, input, d);
        return d;
      });
      return { deadline };
    },

    /** Recomputes the deadline of a running SLA segment (calendar data loaded or changed). */
    async recomputeDeadline(input: { task: TaskRef; segmentStart: string; days: number; at: string; eventKey: string }): Promise<{ deadline: Deadline }> {
      const before = await db.selectFrom('task').select(['due_on', 'warn_working_days']).where('id', '=', storedTaskId(input.task.taskId)).executeTakeFirst();
      const deadline = await computeDeadline(db, new Date(input.segmentStart), input.days, before?.warn_working_days ?? undefined);
      await transition(input.task, { ...deadlineColumns(deadline) }, null, {
        ...input,
        actor: SYSTEM,
        orgCode: input.task.orgCode,
        event: 'deadline_recomputed',
        comment: before?.due_on && before.due_on !== deadline.dueOn ? `工作日历调整，办结期限由 ${before.due_on} 改为 ${deadline.dueOn}` : null,
        data: { from: before?.due_on ?? null, to: deadline.dueOn, provisional: deadline.provisional },
      });
      return { deadline };
    },

    /** A reminder that the deadline is near (限时办结 warning). */
    async markTaskWarned(input: { task: TaskRef; at: string; dueOn: string; eventKey: string }): Promise<void> {
      await transition(input.task, { warned_at: input.at }, null, {
        ...input,
        actor: SYSTEM,
        orgCode: input.task.orgCode,
        event: 'deadline_warning',
        comment: `办理期限将至：${input.dueOn} 到期`,
        data: { dueOn: input.dueOn },
      });
    },

    /** The deadline passed undecided: the task is overdue and escalated (催办). Nothing is decided by this. */
    async markTaskOverdue(input: { task: TaskRef; at: string; dueOn: string; eventKey: string }): Promise<void> {
      await transition(input.task, { overdue_at: input.at }, null, {
        ...input,
        actor: SYSTEM,
        orgCode: input.task.orgCode,
        event: 'escalated_overdue',
        comment: `已超过办理期限（${input.dueOn}），已催办`,
        data: { dueOn: input.dueOn },
      });
    },

    /** The reviewer asked for supplementary materials: the SLA clock stops; returns the working days left. */
    async pauseTask(input: {
      task: TaskRef;
      at: string;
      actor: ActorRef;
      comment: string;
      eventKey: string;
    }): Promise<{ remainingWorkingDays: number | null }> {
      const row = await db.selectFrom('task').select(['due_on']).where('id', '=', storedTaskId(input.task.taskId)).executeTakeFirstOrThrow();
      const remaining = row.due_on == null ? null : Math.max(0, (await workingDaysLeft(db, new Date(input.at), row.due_on)).count);
      await transition(input.task, { state: 'paused', paused_at: input.at, comment: input.comment }, null, {
        ...input,
        orgCode: input.actor.orgCode,
        event: 'supplement_requested',
        decision: 'request_supplement',
        data: { slaPaused: row.due_on != null, remainingWorkingDays: remaining },
      });
      return { remainingWorkingDays: remaining };
    },

    /** The applicant resubmitted: the task reopens with the working days that were left. */
    async resumeTask(input: {
      task: TaskRef;
      at: string;
      remainingWorkingDays: number | null;
      actor: ActorRef;
      comment: string | null;
      changes: Record<string, unknown> | null;
      eventKey: string;
    }): Promise<{ deadline: Deadline | null }> {
      const warn = await db.selectFrom('task').select('warn_working_days').where('id', '=', storedTaskId(input.task.taskId)).executeTakeFirst();
      const deadline =
        input.remainingWorkingDays == null
          ? null
          : await computeDeadline(db, new Date(input.at), input.remainingWorkingDays, warn?.warn_working_days ?? undefined);
      await transition(input.task, { state: 'open', paused_at: null, warned_at: null, overdue_at: null, ...deadlineColumns(deadline) }, null, {
        ...input,
        orgCode: input.actor.orgCode,
        event: 'supplement_submitted',
        data: { changes: input.changes, dueOn: deadline?.dueOn ?? null, remainingWorkingDays: input.remainingWorkingDays },
      });
      return { deadline };
    },

    /** Records a clerk's decision: the task is done, the timeline says who, which organisation, what and when. */
    async completeTask(input: CompleteTaskInput): Promise<void> {
      await db.transaction().execute((trx) => writeCompletion(trx, input));
    },

    /** Cancels an open task (the subject ended another way, e.g. a clawback). */
    async cancelTask(input: { task: TaskRef; at: string; reason: string; eventKey: string }): Promise<void> {
      await transition(input.task, { state: 'cancelled', comment: input.reason }, ['open', 'paused'], {
        ...input,
        actor: SYSTEM,
        orgCode: input.task.orgCode,
        event: 'task_cancelled',
        comment: input.reason,
      });
    },
  };
}

export type TaskActivities = ReturnType<typeof createTaskActivities>;
