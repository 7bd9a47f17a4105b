/**
 * What a workflow tells the human-task stage helper (humanTask.ts) about one step a person decides, what it gets
 * back, and what the helper keeps of a task while it is open.
 */
import type { Deadline } from '../calendar/activities';
import type { ActorRef, OpenTaskInput, TaskRef } from './activities';
import type { DecisionInput, ResubmitInput } from './messages';

export interface StageSpec {
  /** unique within the workflow run, e.g. "bureau_review" or "y2/unit_verification" */
  key: string;
  kind: string;
  role: string;
  orgCode: string;
  /** stage name shown on the subject's timeline */
  stage: string;
  slaWorkingDays: number | null;
  /** working days left at which the task warns (the policy edition's; the platform default when absent) */
  warnWorkingDaysLeft?: number;
  /** the policy basis of the period, recorded on the task and shown with its deadline */
  policy?: Record<string, unknown>;
  subject: { type: string; id: string; ref: string; personId: string | null };
  /** pure, deterministic kind-specific check of a decision */
  check(decision: string, fields: Record<string, unknown>): { ok: boolean; message?: string };
  allowSupplement?: boolean;
  onPaused?: () => Promise<void>;
  onResumed?: () => Promise<void>;
  /**
   * how the opening is written, when not by the openTask activity: a caller may write it together with its own
   * projection in one local activity (no server round trip); callers decide it behind a patch
   */
  open?: (input: OpenTaskInput) => Promise<{ deadline: Deadline | null; terms?: StageTerms }>;
  /**
   * the decision is written together with what follows it, not on its own: the next opening carries it (one local
   * activity writes the decision, the subject's new status and the next task). A function says, of the decision
   * taken, whether a next opening follows; when it does not, the helper writes the decision before run() returns.
   * Callers set it behind a patch (the command sequence changes).
   */
  writeDecisionWithNext?: boolean | ((outcome: StageOutcome) => boolean);
}

export interface StageOutcome {
  decision: string;
  comment: string | null;
  fields: Record<string, unknown>;
  actor: ActorRef | null;
  decidedAt: string;
}

export interface OpenTask {
  spec: StageSpec;
  ref: TaskRef;
  state: 'open' | 'paused';
  pending: { input: DecisionInput; ticket: number } | null;
  resubmission: { input: ResubmitInput; ticket: number } | null;
  cancelled: string | null;
  recalc: boolean;
  deadline: Deadline | null;
  /** the running SLA segment: its start and its length in working days */
  segment: { start: string; days: number } | null;
  remaining: number | null;
  warned: boolean;
  overdue: boolean;
}

/**
 * The period of a stage as its opening determined it (a caller's `open` may read the policy edition in force in the
 * same local activity that writes the task): replaces the spec's slaWorkingDays, warnWorkingDaysLeft and policy.
 */
export interface StageTerms {
  slaWorkingDays: number;
  warnWorkingDaysLeft?: number;
  policy?: Record<string, unknown>;
}
