/** The inbox part of the reconciliation (platform-owned rows): each task row against the workflow's own tasks. */
import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema';
import { removeTaskNotInWorkflow, closeTaskAsDecided, insertTaskFromWorkflow, reopenTask, taskRowsOf } from '../tasks/taskRepairRepository';
import type { Finding, WorkflowUnderCheck } from './reconciler';

const OPEN = new Set(['open', 'paused']);

export async function reconcileTasks(db: Kysely<Database>, w: WorkflowUnderCheck): Promise<Finding[]> {
  const rows = await taskRowsOf(db, w.workflowId);
  const byId = new Map(rows.map((r) => [r.id, r]));
  const findings: Finding[] = [];
  const found = (
    kind: string,
    subject: { subject_type: string; subject_id: string } | { subjectType: string; subjectId: string },
    detail: Record<string, unknown>,
  ) =>
    findings.push({
      workflowId: w.workflowId,
      kind,
      subjectType: 'subject_type' in subject ? subject.subject_type : subject.subjectType,
      subjectId: 'subject_id' in subject ? subject.subject_id : subject.subjectId,
      detail,
      repaired: true,
      needsPerson: false,
    });
  const openInWorkflow = new Set(w.snapshot.openTasks.map((t) => t.task.taskId));
  for (const t of w.snapshot.openTasks) {
    const row = byId.get(t.task.taskId);
    if (!row) {
      await insertTaskFromWorkflow(db, t, w.runId, w.at);
      found('task_missing', t.task, { taskId: t.task.taskId, workflowState: t.state });
    } else if (row.state !== t.state) {
      await reopenTask(db, row, t, w.runId, w.at);
      found('task_state_differs', row, { taskId: row.id, rowState: row.state, workflowState: t.state });
    }
  }
  const decided = new Map(w.snapshot.decidedTasks.map((d) => [d.taskId, d]));
  for (const row of rows) {
    if (!OPEN.has(row.state) || openInWorkflow.has(row.id)) continue;
    const d = decided.get(row.id);
    if (d) {
      await closeTaskAsDecided(db, row, d, w.runId, w.at);
      found('decision_missing', row, { taskId: row.id, rowState: row.state, workflowDecision: d.decision, decidedBy: d.actor?.username ?? null });
    } else {
      await removeTaskNotInWorkflow(db, row, w.runId, w.at);
      found('task_not_in_workflow', row, { taskId: row.id, rowState: row.state });
    }
  }
  return findings;
}
