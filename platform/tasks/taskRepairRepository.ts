/**
 * The inbox rows the reconciliation repairs from a workflow's own state (platform/reconciliation): the only writes
 * to `task` that no workflow step makes. Each repair leaves a timeline row (event `reconciled`) naming the run.
 */
import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema';
import { insertTimeline, SYSTEM_ACTOR } from '../timeline/timeline';
import type { DecidedTaskSnapshot, OpenTaskSnapshot } from './messages';
import { insertOpenedTask } from './activities';

export interface TaskRow {
  id: string;
  state: string;
  subject_type: string;
  subject_id: string;
  stage: string | null;
  org_code: string;
}

/** The inbox rows of one workflow. */
export function taskRowsOf(db: Kysely<Database>, workflowId: string): Promise<TaskRow[]> {
  return db
    .selectFrom('task')
    .select(['id', 'state', 'subject_type', 'subject_id', 'kind as stage', 'org_code'])
    .where('workflow_id', '=', workflowId)
    .execute();
}

/** The workflows whose inbox rows say a person still has something to do. */
export async function workflowsWithOpenTasks(db: Kysely<Database>): Promise<string[]> {
  const rows = await db.selectFrom('task').select('workflow_id').distinct().where('state', 'in', ['open', 'paused']).execute();
  return rows.map((r) => r.workflow_id);
}

function note(
  row: { subject_type: string; subject_id: string; stage: string | null; org_code: string | null },
  runId: string,
  taskId: string,
  at: string,
  comment: string,
  data: Record<string, unknown>,
) {
  return {
    eventKey: `reconcile/${runId}/${taskId}`,
    subjectType: row.subject_type,
    subjectId: row.subject_id,
    stage: row.stage ?? '',
    orgCode: row.org_code,
    ...SYSTEM_ACTOR,
    event: 'reconciled',
    comment,
    data: { taskId, runId, ...data },
    at,
  };
}

/** The workflow has this task open and the inbox lacks it: the row is written as the workflow opened it. */
export async function insertTaskFromWorkflow(db: Kysely<Database>, t: OpenTaskSnapshot, runId: string, at: string): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await insertOpenedTask(
      trx,
      { task: t.task, at: t.openedAt || at, slaWorkingDays: t.slaWorkingDays, eventKey: `reconcile/${runId}/${t.task.taskId}/open` },
      t.deadline,
    );
    if (t.state === 'paused') await trx.updateTable('task').set({ state: 'paused', paused_at: at, updated_at: at }).where('id', '=', t.task.taskId).execute();
  });
}

/** The workflow has this task open (or waiting for materials) and the inbox row says otherwise: it is open again. */
export async function reopenTask(db: Kysely<Database>, row: TaskRow, t: OpenTaskSnapshot, runId: string, at: string): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await trx
      .updateTable('task')
      .set({ state: t.state, decided_at: null, decided_by: null, decision: null, decision_data: null, updated_at: at })
      .where('id', '=', row.id)
      .execute();
    await insertTimeline(trx, note(row, runId, row.id, at, '数据恢复后对账：流程中该事项仍待办理，已恢复为待办', { from: row.state, to: t.state }));
  });
}

/** The workflow decided this task and the inbox row is still open: the row takes the workflow's decision. */
export async function closeTaskAsDecided(db: Kysely<Database>, row: TaskRow, d: DecidedTaskSnapshot, runId: string, at: string): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const cancelled = d.decision === 'cancelled';
    await trx
      .updateTable('task')
      .set({
        state: cancelled ? 'cancelled' : 'done',
        decided_at: d.decidedAt,
        decided_by: d.actor?.username ?? null,
        decision: cancelled ? null : d.decision,
        comment: d.comment,
        decision_data: JSON.stringify(d.fields),
        updated_at: at,
      })
      .where('id', '=', row.id)
      .execute();
    await insertTimeline(
      trx,
      note(row, runId, row.id, at, '数据恢复后对账：按流程记录补记办理结果', { from: row.state, decision: d.decision, decidedBy: d.actor?.username ?? null }),
    );
  });
}

/**
 * The workflow never opened this task (its store came back from before the opening): the row is removed, so that
 * the workflow's own opening, when it comes, writes it afresh (an opening finds an existing row and keeps it).
 */
export async function removeTaskNotInWorkflow(db: Kysely<Database>, row: TaskRow, runId: string, at: string): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await trx.deleteFrom('task').where('id', '=', row.id).where('state', 'in', ['open', 'paused']).execute();
    await insertTimeline(trx, note(row, runId, row.id, at, '数据恢复后对账：流程中尚无此待办，已从待办列表移除', { from: row.state }));
  });
}
