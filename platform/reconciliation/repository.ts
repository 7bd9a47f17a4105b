/** The reconciliation's own rows (migration 0058): its runs and their findings. */
import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema';
import type { Finding } from './reconciler';

export async function startRun(db: Kysely<Database>, run: { id: string; reason: string; at: string }): Promise<void> {
  await db
    .insertInto('reconciliation_run')
    .values({ id: run.id, reason: run.reason, started_at: run.at })
    .onConflict((oc) => oc.column('id').doNothing())
    .execute();
}

export async function recordFindings(db: Kysely<Database>, runId: string, at: string, findings: Finding[]): Promise<void> {
  if (findings.length === 0) return;
  await db
    .insertInto('reconciliation_finding')
    .values(
      findings.map((f) => ({
        run_id: runId,
        workflow_id: f.workflowId,
        kind: f.kind,
        subject_type: f.subjectType ?? null,
        subject_id: f.subjectId ?? null,
        detail: JSON.stringify(f.detail),
        repaired: f.repaired,
        needs_person: f.needsPerson,
        found_at: at,
      })),
    )
    .onConflict((oc) => oc.columns(['run_id', 'workflow_id', 'kind', 'detail']).doNothing())
    .execute();
}

export interface RunSummary {
  id: string;
  reason: string;
  startedAt: string;
  finishedAt: string | null;
  workflowsChecked: number;
  findings: number;
  repaired: number;
  needsPerson: number;
}

export async function finishRun(db: Kysely<Database>, runId: string, at: string, workflowsChecked: number): Promise<RunSummary> {
  const counts = await db
    .selectFrom('reconciliation_finding')
    .select((eb) => [
      eb.fn.countAll<string>().as('findings'),
      eb.fn.count<string>('id').filterWhere('repaired', '=', true).as('repaired'),
      eb.fn.count<string>('id').filterWhere('needs_person', '=', true).as('needs_person'),
    ])
    .where('run_id', '=', runId)
    .executeTakeFirstOrThrow();
  await db
    .updateTable('reconciliation_run')
    .set({
      finished_at: at,
      workflows_checked: workflowsChecked,
      findings: Number(counts.findings),
      repaired: Number(counts.repaired),
      needs_person: Number(counts.needs_person),
    })
    .where('id', '=', runId)
    .execute();
  return (await readRun(db, runId))!;
}

export async function readRun(db: Kysely<Database>, runId: string): Promise<RunSummary | null> {
  const r = await db.selectFrom('reconciliation_run').selectAll().where('id', '=', runId).executeTakeFirst();
  if (!r) return null;
  return {
    id: r.id,
    reason: r.reason,
    startedAt: new Date(r.started_at).toISOString(),
    finishedAt: r.finished_at ? new Date(r.finished_at).toISOString() : null,
    workflowsChecked: r.workflows_checked,
    findings: r.findings,
    repaired: r.repaired,
    needsPerson: r.needs_person,
  };
}

export function findingsOf(db: Kysely<Database>, runId: string) {
  return db
    .selectFrom('reconciliation_finding')
    .select(['workflow_id', 'kind', 'subject_type', 'subject_id', 'detail', 'repaired', 'needs_person', 'found_at'])
    .where('run_id', '=', runId)
    .orderBy('id')
    .execute();
}
