/**
 * The reconciliation's activities: which workflows to check, and the check of a batch of them — each workflow's own
 * state (the subjectSnapshot query, answered by replaying it) against the inbox rows (here) and the domain's rows
 * (its SubjectReconciler). Rows are repaired from the workflow; nothing is ever sent to a workflow.
 */
import { Context } from '@temporalio/activity';
import { WorkflowNotFoundError } from '@temporalio/client';
import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema';
import { subjectSnapshotQuery } from '../tasks/messages';
import { workflowsWithOpenTasks } from '../tasks/taskRepairRepository';
import type { Finding, SubjectReconciler } from './reconciler';
import { finishRun, recordFindings, startRun, type RunSummary } from './repository';
import { reconcileTasks } from './taskCheck';
import { reconcilers } from '../plugins/registry';

const CONCURRENCY = 8;

/** The domains' reconcilers come from the plugin registry (installed by activities/index.ts) when a run starts. */
export function createReconciliationActivities(db: Kysely<Database>) {
  const byTypeOf = () => {
    const m = new Map<string, SubjectReconciler>();
    for (const r of reconcilers()) for (const t of r.workflowTypes) m.set(t, r);
    return m;
  };

  async function checkOne(workflowId: string, runId: string, at: string): Promise<Finding[]> {
    const handle = Context.current().client.workflow.getHandle(workflowId);
    let type: string;
    let running: boolean;
    try {
      const d = await handle.describe();
      type = d.type;
      running = d.status.name === 'RUNNING';
    } catch (err) {
      if (!(err instanceof WorkflowNotFoundError)) throw err;
      // the rows say unfinished, the Temporal store has no such workflow (it was started after its backup point)
      return [
        {
          workflowId,
          kind: 'workflow_missing',
          detail: { note: 'rows say unfinished; the Temporal store has no such workflow' },
          repaired: false,
          needsPerson: true,
        },
      ];
    }
    const domain = byTypeOf().get(type);
    if (!domain) return [];
    const snapshot = await handle.query(subjectSnapshotQuery);
    const w = { workflowId, workflowType: type, running, snapshot, runId, at };
    return [...(await reconcileTasks(db, w)), ...(await domain.reconcile(db, w))];
  }

  return {
    async startReconciliation(input: { runId: string; reason: string; at: string }): Promise<void> {
      await startRun(db, { id: input.runId, reason: input.reason, at: input.at });
    },

    /** Every workflow to check: those running (Temporal's view) and those the rows consider unfinished. */
    async listReconciliationTargets(): Promise<string[]> {
      const ids = new Set<string>();
      const byType = byTypeOf();
      for await (const w of Context.current().client.workflow.list({ query: 'ExecutionStatus = "Running"' })) {
        if (byType.has(w.type)) ids.add(w.workflowId);
        Context.current().heartbeat();
      }
      for (const id of await workflowsWithOpenTasks(db)) ids.add(id);
      for (const r of reconcilers()) for (const id of await r.unfinishedWorkflowIds(db)) ids.add(id);
      return [...ids].sort();
    },

    /** Checks (and repairs) a batch of workflows; records the findings; returns how many there were. */
    async reconcileWorkflows(input: { runId: string; at: string; workflowIds: string[] }): Promise<{ findings: number }> {
      let findings = 0;
      for (let i = 0; i < input.workflowIds.length; i += CONCURRENCY) {
        const chunk = input.workflowIds.slice(i, i + CONCURRENCY);
        const found = (await Promise.all(chunk.map((id) => checkOne(id, input.runId, input.at)))).flat();
        await recordFindings(db, input.runId, input.at, found);
        findings += found.length;
        Context.current().heartbeat();
      }
      return { findings };
    },

    async finishReconciliation(input: { runId: string; at: string; workflowsChecked: number }): Promise<RunSummary> {
      return finishRun(db, input.runId, input.at, input.workflowsChecked);
    },
  };
}

export type ReconciliationActivities = ReturnType<typeof createReconciliationActivities>;
