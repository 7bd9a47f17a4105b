/**
 * What a domain contributes to the reconciliation (the driver is domain-free): the workflow types it runs, the
 * workflows its rows consider unfinished, and a check that compares one workflow's own state with the domain's rows
 * and repairs the rows from the workflow (never the other way). Domains register theirs in activities/index.ts.
 */
import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema';
import type { SubjectSnapshot } from '../tasks/messages';

export interface Finding {
  workflowId: string;
  /** stable kind, e.g. task_missing, status_differs, payout_ahead_of_workflow */
  kind: string;
  subjectType?: string | null;
  subjectId?: string | null;
  detail: Record<string, unknown>;
  /** the projection was repaired from the workflow */
  repaired: boolean;
  /** a person must look (e.g. a payout already recorded that the workflow has not reached): nothing was changed */
  needsPerson: boolean;
}

export interface WorkflowUnderCheck {
  workflowId: string;
  workflowType: string;
  running: boolean;
  snapshot: SubjectSnapshot;
  runId: string;
  at: string;
}

export interface SubjectReconciler {
  /** the workflow types whose workflows hold this domain's subjects (and answer the subjectSnapshot query) */
  workflowTypes: readonly string[];
  /** workflow ids the domain's rows consider unfinished (a workflow the Temporal store lost shows up here) */
  unfinishedWorkflowIds(db: Kysely<Database>): Promise<string[]>;
  /** compares the workflow's state with the domain's rows, repairs the rows; returns what it found */
  reconcile(db: Kysely<Database>, w: WorkflowUnderCheck): Promise<Finding[]>;
}
