/**
 * The human-task stage helper: the one loop every workflow uses for a step a person decides.
 *
 * run(spec) opens the task (activity → Postgres inbox, deadline from the calendar table), then waits for a
 * `decide` Update whose validator checks task, role, organisation, state and the kind-specific fields.
 * While it waits it raises the deadline warning and, past the deadline, the overdue escalation (neither
 * decides anything). A request for supplementary materials pauses the SLA clock until the applicant
 * resubmits (`resubmit` Update); the task then resumes with the working days that were left.
 * Updates return the subject's state once the workflow has taken the decision and settled.
 */
import {
  allHandlersFinished,
  ApplicationFailure,
  condition,
  patched,
  proxyActivities,
  proxyLocalActivities,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import type { Duration } from '@temporalio/common';
import { DB_ACTIVITY, DB_LOCAL_ACTIVITY } from '../workflows/activityOptions';
import type { TaskActivities, TaskRef, ActorRef, CompleteTaskInput } from './activities';
import type { OpenTask, StageOutcome, StageSpec, StageTerms } from './stageSpec';
import type { Deadline } from '../calendar/activities';
import { recomputesOnCalendarChange } from './deadlineMoves';
import { decisionRefusal, nextTimerMs, resubmitRefusal, timerAlerts } from './humanTaskRules';
import {
  calendarChangedSignal,
  decideUpdate,
  subjectSnapshotQuery,
  type DecidedTaskSnapshot,
  type DecidedTaskWrite,
  resubmitUpdate,
  settledStateUpdate,
  type Actor,
  type DecisionInput,
  type ResubmitInput,
  type SubjectState,
  type SubjectNotice,
} from './messages';
import { storedTaskId, workflowTaskId } from './taskIds';

const acts = proxyActivities<TaskActivities>(DB_ACTIVITY);
const localActs = proxyLocalActivities<TaskActivities>(DB_LOCAL_ACTIVITY);

/**
 * The patch under which the writes on a clerk's path — closing, pausing and resuming a task, opening the next one,
 * the subject's status in between — run as local activities, inside the workflow task that took the decision: the
 * clerk's answer waits for no server round trip between them (docs/performance.md, "a clerk's decision"). Histories
 * recorded before it ran them as activities and replay so. Workflows use the same patch for their status writes.
 */
const DECISION_PATH_LOCAL = 'decision-path-local';

/** Of two proxies of the same activities, the one a write on a clerk's path uses: local since the patch. */
export function onDecisionPath<T>(local: T, regular: T): T {
  return patched(DECISION_PATH_LOCAL) ? local : regular;
}

/** The task writes as this workflow run makes them: local activities, or activities in histories from before. */
const taskWrites = (): TaskActivities => onDecisionPath(localActs, acts);

export type { StageSpec, StageOutcome } from './stageSpec';

function reject(type: string, message: string): never {
  throw ApplicationFailure.create({ type, message, nonRetryable: true });
}

function actorRef(a: Actor): ActorRef {
  return { username: a.username, displayName: a.displayName, orgCode: a.orgCode };
}

const nowIso = () => new Date(Date.now()).toISOString();

export class HumanTasks {
  private readonly open = new Map<string, OpenTask>();
  private readonly decided = new Set<string>();
  private ticketSeq = 0;
  private processedTicket = 0;
  private settledTicket = 0;
  private settledCount = 0;
  private eventSeq = 0;
  /** what each decision (by its Update's ticket) wrote to its task, for the Update's answer */
  private readonly written = new Map<number, DecidedTaskWrite>();
  /** decisions taken and not written yet (writeDecisionWithNext): the next opening or flush() writes them */
  private unwritten: CompleteTaskInput[] = [];
  /** what the subjectSnapshot query reports (kept in memory only: a query adds nothing to the history) */
  private readonly openedAt = new Map<string, string>();
  private readonly decisions: DecidedTaskSnapshot[] = [];
  private facts: () => Record<string, unknown> = () => ({});

  constructor(private readonly snapshot: () => { status: string; stage: string; notice?: SubjectNotice }) {
    setHandler(
      decideUpdate,
      async (input) => {
        const t = this.open.get(workflowTaskId(input.taskId))!;
        const ticket = ++this.ticketSeq;
        t.pending = { input, ticket };
        await condition(() => this.settledTicket >= ticket);
        const decided = this.written.get(ticket);
        this.written.delete(ticket);
        return decided ? { ...this.state(), decided } : this.state();
      },
      { validator: (input) => this.validateDecision(input) },
    );
    setHandler(
      resubmitUpdate,
      async (input) => {
        const t = this.open.get(workflowTaskId(input.taskId))!;
        const ticket = ++this.ticketSeq;
        t.resubmission = { input, ticket };
        await condition(() => this.settledTicket >= ticket);
        return this.state();
      },
      { validator: (input) => this.validateResubmit(input) },
    );
    setHandler(settledStateUpdate, async () => {
      await condition(() => this.settledCount > 0);
      return this.state();
    });
    setHandler(subjectSnapshotQuery, () => ({
      ...this.state(),
      openTasks: [...this.open.values()].map((t) => ({
        task: { ...t.ref, taskId: storedTaskId(t.ref.taskId) },
        state: t.state === 'paused' ? ('paused' as const) : ('open' as const),
        openedAt: this.openedAt.get(t.ref.taskId) ?? '',
        slaWorkingDays: t.spec.slaWorkingDays,
        deadline: t.deadline,
      })),
      decidedTasks: [...this.decisions],
      facts: this.facts(),
    }));
    setHandler(calendarChangedSignal, (change) => {
      for (const t of this.open.values()) if (recomputesOnCalendarChange(t.deadline, t.segment, change)) t.recalc = true;
    });
  }

  /** Domain facts the subjectSnapshot query adds (what the domain's reconciliation compares with its rows). */
  describeWith(facts: () => Record<string, unknown>): void {
    this.facts = facts;
  }

  private recordDecision(taskId: string, o: StageOutcome): StageOutcome {
    this.openedAt.delete(taskId);
    this.decisions.push({
      taskId: storedTaskId(taskId),
      decision: o.decision,
      comment: o.comment,
      fields: o.fields,
      actor: o.actor,
      decidedAt: o.decidedAt,
    });
    return o;
  }

  /** A deterministic, unique idempotency key for an activity's timeline row. */
  eventKey(label: string): string {
    const { workflowId, runId } = workflowInfo();
    return `${workflowId}/${runId}/${++this.eventSeq}/${label}`;
  }

  /**
   * The one way a workflow waits for anything other than a task: decisions taken so far report their result
   * (the clerk's Update returns the committed state) before the wait begins. A workflow that awaited
   * `condition()` itself would leave the clerk waiting until the deadline (lint forbids it outside this file).
   */
  async waitFor(pred: () => boolean, timeout?: Duration): Promise<boolean> {
    await this.flush();
    this.settle();
    if (timeout === undefined) {
      await condition(pred);
      return true;
    }
    return condition(pred, typeof timeout === 'number' ? Math.max(1, timeout) : timeout);
  }

  /** Before the workflow returns: every decision reports its result and every running handler finishes. */
  async finish(): Promise<void> {
    await this.flush();
    this.settle();
    await condition(allHandlersFinished);
  }

  /**
   * Decisions taken so far report their result now, while the workflow goes on working (e.g. before a long
   * publicity that is itself a wait). Waits go through waitFor(), which settles by itself.
   */
  settle(): void {
    if (this.unwritten.length > 0) throw new Error('a decision would be reported before it is written: flush() first');
    this.settledTicket = this.processedTicket;
    this.settledCount++;
  }

  /** Writes the decisions left for the next opening (writeDecisionWithNext) when none follows. */
  private async flush(): Promise<void> {
    for (const close of this.unwritten.splice(0)) await taskWrites().completeTask(close);
  }

  state(): SubjectState {
    return { ...this.snapshot(), openTaskIds: [...this.open.keys()].map(storedTaskId) };
  }

  hasOpenTasks(): boolean {
    return this.open.size > 0;
  }

  /** Ends every open task without a decision (the subject was ended another way). */
  cancelAll(reason: string): void {
    for (const t of this.open.values()) t.cancelled = reason;
  }

  async run(spec: StageSpec): Promise<StageOutcome> {
    const { workflowId } = workflowInfo();
    const ref: TaskRef = {
      taskId: `${workflowId}/${spec.key}`,
      kind: spec.kind,
      role: spec.role,
      orgCode: spec.orgCode,
      stage: spec.stage,
      subjectType: spec.subject.type,
      subjectId: spec.subject.id,
      subjectRef: spec.subject.ref,
      subjectPersonId: spec.subject.personId,
      workflowId,
    };
    const t: OpenTask = {
      spec,
      ref,
      state: 'open',
      pending: null,
      resubmission: null,
      cancelled: null,
      recalc: false,
      deadline: null,
      segment: null,
      remaining: null,
      warned: false,
      overdue: false,
    };
    this.open.set(ref.taskId, t);
    const openedAt = nowIso();
    this.openedAt.set(ref.taskId, openedAt);
    const closes = this.unwritten.splice(0);
    const { deadline, terms }: { deadline: Deadline | null; terms?: StageTerms } = await (spec.open ?? taskWrites().openTask)({
      task: ref,
      at: openedAt,
      slaWorkingDays: spec.slaWorkingDays,
      ...(spec.warnWorkingDaysLeft != null ? { warnWorkingDaysLeft: spec.warnWorkingDaysLeft } : {}),
      ...(spec.policy ? { policy: spec.policy } : {}),
      eventKey: this.eventKey('open'),
      ...(closes.length > 0 ? { closes } : {}),
    });
    // the opening may have determined the period itself (StageTerms): the task keeps what was written
    if (terms) t.spec = { ...spec, ...terms };
    this.setDeadline(t, deadline, openedAt, t.spec.slaWorkingDays);
    this.settle();

    for (;;) {
      const wake = () => t.pending != null || t.resubmission != null || t.cancelled != null || t.recalc;
      const timeout = nextTimerMs(t, Date.now());
      if (timeout === undefined) await condition(wake);
      else await condition(wake, timeout);

      if (t.cancelled != null) {
        const at = nowIso();
        await acts.cancelTask({ task: ref, at, reason: t.cancelled, eventKey: this.eventKey('cancel') });
        this.open.delete(ref.taskId);
        this.decided.add(ref.taskId);
        for (const m of [t.pending, t.resubmission]) if (m) this.processedTicket = Math.max(this.processedTicket, m.ticket);
        return this.recordDecision(ref.taskId, { decision: 'cancelled', comment: t.cancelled, fields: {}, actor: null, decidedAt: at });
      }
      if (t.pending) {
        const { input, ticket } = t.pending;
        const at = nowIso();
        const comment = input.comment?.trim() || null;
        if (input.decision === 'request_supplement') {
          const { remainingWorkingDays } = await taskWrites().pauseTask({
            task: ref,
            at,
            actor: actorRef(input.actor),
            comment: comment ?? '',
            eventKey: this.eventKey('pause'),
          });
          t.state = 'paused';
          t.remaining = remainingWorkingDays;
          t.pending = null;
          await spec.onPaused?.();
          this.processedTicket = Math.max(this.processedTicket, ticket);
          this.settle();
          continue;
        }
        const close: CompleteTaskInput = {
          task: ref,
          at,
          actor: actorRef(input.actor),
          decision: input.decision,
          comment,
          fields: input.fields ?? {},
          eventKey: this.eventKey('decide'),
        };
        const outcome: StageOutcome = { decision: input.decision, comment, fields: input.fields ?? {}, actor: actorRef(input.actor), decidedAt: at };
        if (!spec.writeDecisionWithNext) await taskWrites().completeTask(close);
        this.written.set(ticket, { taskId: storedTaskId(ref.taskId), decision: close.decision, decidedAt: at, decidedBy: close.actor.username, comment });
        this.open.delete(ref.taskId);
        this.decided.add(ref.taskId);
        this.processedTicket = Math.max(this.processedTicket, ticket);
        if (spec.writeDecisionWithNext) {
          this.unwritten.push(close);
          // no opening follows this decision: it is written now, before the caller moves on
          const carried = typeof spec.writeDecisionWithNext === 'function' ? spec.writeDecisionWithNext(outcome) : true;
          if (!carried) await this.flush();
        }
        // the caller moves on; its next settle point reports this decision's result
        return this.recordDecision(ref.taskId, outcome);
      }
      if (t.resubmission) {
        const { input, ticket } = t.resubmission;
        const at = nowIso();
        const { deadline: resumed } = await taskWrites().resumeTask({
          task: ref,
          at,
          remainingWorkingDays: t.remaining,
          actor: actorRef(input.actor),
          comment: input.comment?.trim() || null,
          changes: input.changes ?? null,
          eventKey: this.eventKey('resume'),
        });
        t.state = 'open';
        t.resubmission = null;
        t.warned = false;
        t.overdue = false;
        this.setDeadline(t, resumed, at, t.remaining);
        await spec.onResumed?.();
        this.processedTicket = Math.max(this.processedTicket, ticket);
        this.settle();
        continue;
      }
      if (t.recalc) {
        t.recalc = false;
        if (t.segment && t.state === 'open') {
          const { deadline: recomputed } = await acts.recomputeDeadline({
            task: ref,
            segmentStart: t.segment.start,
            days: t.segment.days,
            at: nowIso(),
            eventKey: this.eventKey('recompute'),
          });
          t.deadline = recomputed;
        }
        continue;
      }
      // a timer fired: warning and/or escalation; neither decides anything
      const alerts = timerAlerts(t, Date.now());
      if (alerts.warn && t.deadline) {
        await acts.markTaskWarned({ task: ref, at: nowIso(), dueOn: t.deadline.dueOn, eventKey: this.eventKey('warn') });
        t.warned = true;
      }
      if (alerts.overdue && t.deadline) {
        await acts.markTaskOverdue({ task: ref, at: nowIso(), dueOn: t.deadline.dueOn, eventKey: this.eventKey('overdue') });
        t.overdue = true;
      }
    }
  }

  private setDeadline(t: OpenTask, deadline: Deadline | null, start: string, days: number | null): void {
    t.deadline = deadline;
    t.segment = deadline && days != null ? { start, days } : null;
  }

  private validateDecision(input: DecisionInput): void {
    const id = workflowTaskId(input.taskId);
    const refusal = decisionRefusal(this.open.get(id), this.decided.has(id), input);
    if (refusal) reject(refusal.type, refusal.message);
  }

  private validateResubmit(input: ResubmitInput): void {
    const refusal = resubmitRefusal(this.open.get(workflowTaskId(input.taskId)), input);
    if (refusal) reject(refusal.type, refusal.message);
  }
}
