/** The reconciliation on demand (admin) and its reports (admin, auditor). */
import { Router } from 'express';
import { z } from 'zod';
import { defineRoute } from '../http/route';
import { Problem } from '../http/problem';
import { iso } from '../http/views';
import { withTemporal } from '../http/temporalErrors';
import type { AppDeps } from '../http/deps';
import { findingsOf, readRun } from './repository';
import { startReconciliation } from './startReconciliation';

const RunView = z.object({
  id: z.string(),
  reason: z.string(),
  startedAt: z.string(),
  finishedAt: z.string().nullable(),
  workflowsChecked: z.number().int(),
  findings: z.number().int(),
  repaired: z.number().int(),
  needsPerson: z.number().int(),
});
const FindingView = z.object({
  workflowId: z.string(),
  kind: z.string(),
  subjectType: z.string().nullable(),
  subjectId: z.string().nullable(),
  detail: z.record(z.string(), z.unknown()),
  repaired: z.boolean(),
  needsPerson: z.boolean(),
  foundAt: z.string(),
});
const RunWithFindings = RunView.extend({ items: z.array(FindingView) });

export function reconciliationRoutes(deps: AppDeps): Router {
  const router = Router();
  defineRoute(router, {
    method: 'post',
    path: '/api/v1/admin/reconciliations',
    summary: 'Start a reconciliation of the projection with the workflows (after a restore, or on demand)',
    tags: ['admin'],
    access: { roles: ['admin'] },
    body: z.object({ reason: z.string().trim().min(1).max(200).default('on demand') }),
    responses: { 202: { description: 'started; its id names the run', schema: z.object({ id: z.string() }) } },
    problems: ['VALIDATION_FAILED', 'TEMPORAL_UNAVAILABLE'],
    handler: async ({ body }) => {
      const handle = await withTemporal(() => startReconciliation(deps.temporal, deps.config.taskQueue, { reason: body.reason }));
      return { id: handle.workflowId };
    },
  });
  defineRoute(router, {
    method: 'get',
    path: '/api/v1/admin/reconciliations/:id',
    summary: 'A reconciliation run and its findings (what was repaired, what a person must check)',
    tags: ['admin'],
    access: { roles: ['admin', 'auditor'] },
    params: z.object({ id: z.string().min(1).max(100) }),
    responses: { 200: { description: 'the run', schema: RunWithFindings } },
    problems: ['NOT_FOUND'],
    handler: async ({ params }) => {
      const run = await readRun(deps.db, params.id);
      if (!run) throw new Problem('NOT_FOUND', 'no such reconciliation run');
      const items = (await findingsOf(deps.db, params.id)).map((f) => ({
        workflowId: f.workflow_id,
        kind: f.kind,
        subjectType: f.subject_type,
        subjectId: f.subject_id,
        detail: f.detail,
        repaired: f.repaired,
        needsPerson: f.needs_person,
        foundAt: iso(f.found_at)!,
      }));
      return { ...run, items };
    },
  });
  return router;
}
