/**
 * Nanxun reward claims: submission (eligibility, duplicate and identity checks, then a workflow),
 * the claim's progress, and the applicant's answer to a request for supplementary materials.
 */
import { Router } from 'express';
import { z } from 'zod';
import { sql } from 'kysely';
import { randomUUID } from 'node:crypto';
import { WorkflowIdReusePolicy } from '@temporalio/client';
import { defineRoute } from '../../platform/http/route';
import { ClaimBody, ClaimCreated, ClaimView, SupplementBody, DecisionResult } from '../../platform/http/schemas';
import { Problem } from '../../platform/http/problem';
import { actorOf, hasRole } from '../../platform/auth/authenticate';
import { withTemporal } from '../../platform/http/temporalErrors';
import { taskView, iso } from '../../platform/http/views';
import { calendarFor, presentClaimView, projectedClaimView } from '../claimView';
import { orgNames } from '../../platform/orgs/orgNames';
import type { AppDeps } from '../../platform/http/deps';
import type { Claim } from '../../db/schema';
import type { Actor } from '../../platform/tasks/messages';
import { resubmitUpdate, settledStateUpdate } from '../../platform/tasks/messages';
import { BUREAU_ORG_CODE, claimWorkflowId, formatApplicationNo } from '../rules';
import { planClaim, DUPLICATE_CONSTRAINTS } from '../claimPlans';
import { shanghaiDate } from '../../platform/calendar/workdays';
import { displayCalendar } from '../../platform/calendar/calendarTable';
import { attachPlanned, listMaterials, planSubmission, planSupplement } from '../../platform/materials/useCases';

/** Waits (bounded) until a new workflow has opened its first task; the claim exists either way. */
async function settled(temporal: AppDeps['temporal'], workflowId: string, log: AppDeps['log']): Promise<{ status: string; stage: string } | undefined> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      temporal.workflow.getHandle(workflowId).executeUpdate(settledStateUpdate),
      new Promise<undefined>((resolve) => (timer = setTimeout(() => resolve(undefined), 10_000))),
    ]);
  } catch (err) {
    log.warn({ workflowId, err: String(err) }, 'the new workflow did not report its first state');
    return undefined;
  } finally {
    clearTimeout(timer);
  }
}

/** Staff of an organisation involved in the claim (or oversight roles) may see it. */
export function canSeeClaim(actor: Actor, claim: Pick<Claim, 'applicant_id_number' | 'applicant_user_id' | 'employer_org_code' | 'rereview_org_code'>): boolean {
  if (actor.idNumber && actor.idNumber === claim.applicant_id_number) return true;
  if (claim.applicant_user_id != null && actor.userId === claim.applicant_user_id) return true;
  if (hasRole(actor, 'admin', 'auditor')) return true;
  const involved = [claim.employer_org_code, BUREAU_ORG_CODE, claim.rereview_org_code];
  return actor.orgCode != null && involved.includes(actor.orgCode) && !actor.roles.every((r) => r === 'applicant');
}

export function claimRoutes(deps: AppDeps): Router {
  const router = Router();
  const { db, temporal, config } = deps;

  defineRoute(router, {
    method: 'post',
    path: '/api/v1/nanxun/claims',
    summary: 'Submit a reward claim (附件2-1) for your own identity',
    tags: ['nanxun'],
    access: { roles: ['applicant'] },
    body: ClaimBody,
    responses: { 201: { description: 'the claim and its first stage', schema: ClaimCreated } },
    problems: ['VALIDATION_FAILED', 'IDENTITY_MISMATCH', 'NOT_ELIGIBLE', 'DUPLICATE_CLAIM', 'MATERIALS_MISSING', 'MATERIAL_UNAVAILABLE', 'PAYLOAD_TOO_LARGE', 'TEMPORAL_UNAVAILABLE'],
    handler: async ({ req, body }) => {
      const actor = actorOf(req);
      const user = await db.selectFrom('app_user').selectAll().where('id', '=', actor.userId).executeTakeFirst();
      if (!user?.id_number) throw new Problem('IDENTITY_MISMATCH', 'your account has no verified identity; register as an applicant');
      if (body.applicant && (body.applicant.idNumber !== user.id_number || body.applicant.name !== user.display_name)) {
        throw new Problem('IDENTITY_MISMATCH', 'a claim is always for the logged-in applicant: name and ID number must be yours');
      }
      const phone = body.applicant?.phone ?? user.phone ?? '';
      const employer = await db.selectFrom('org').selectAll().where('code', '=', body.employerOrgCode).executeTakeFirst();
      if (!employer || employer.type !== 'enterprise') {
        throw new Problem('NOT_ELIGIBLE', `no employer ${body.employerOrgCode} is registered`, { reasons: ['UNKNOWN_EMPLOYER'] });
      }
      const now = new Date();
      const plan = await planClaim(db, body, user.id_number, employer, shanghaiDate(now));
      const reasons = [...plan.reasons];
      if (body.declaration === false) reasons.push('DECLARATION_REFUSED');
      if (!plan.rereviewOrgCode) reasons.push('NO_REREVIEW_BODY');
      if (reasons.length) throw new Problem('NOT_ELIGIBLE', `not eligible: ${reasons.join(', ')}`, { reasons });
      if (plan.duplicateOf) {
        throw new Problem('DUPLICATE_CLAIM', `a ${plan.kind} claim (${plan.level}) already exists: ${plan.duplicateOf.application_no} (${plan.duplicateOf.status})`);
      }
      const materials = await planSubmission(db, 'nanxun_claim', plan.kind, user.id, body.materials);
      const year = Number(shanghaiDate(now).slice(0, 4));
      const id = randomUUID();

      let created;
      try {
        created = await db.transaction().execute(async (trx) => {
          const seq = await trx
            .insertInto('sequence')
            .values({ name: `claim-${plan.kind}-${year}`, value: 1 })
            .onConflict((oc) => oc.column('name').doUpdateSet({ value: sql`sequence.value + 1` }))
            .returning('value')
            .executeTakeFirstOrThrow();
          const applicationNo = formatApplicationNo(plan.kind, year, seq.value);
          const workflowId = claimWorkflowId(applicationNo);
          await trx
            .insertInto('claim')
            .values({
              id,
              application_no: applicationNo,
              kind: plan.kind,
              workflow_id: workflowId,
              applicant_user_id: user.id,
              applicant_name: user.display_name,
              applicant_id_number: user.id_number!,
              applicant_phone: phone,
              employer_org_code: employer.code,
              position: body.position ?? null,
              employer_nature: body.employerNature ?? null,
              level: plan.level,
              amount_yuan: plan.amountYuan,
              status: 'unit_verification',
              stage: 'unit_verification',
              rereview_org_code: plan.rereviewOrgCode!,
              form: JSON.stringify(plan.form),
              submitted_at: now,
              updated_at: now,
            })
            .execute();
          await attachPlanned(trx, materials, id, now);
          await trx
            .insertInto('instalment')
            .values(
              plan.instalmentsYuan.map((amount, i) => ({
                claim_id: id,
                year_no: i + 1,
                amount_yuan: amount,
                status: i === 0 ? ('in_review' as const) : ('pending' as const),
                workflow_id: workflowId,
                updated_at: now,
              })),
            )
            .execute();
          const input = {
            claimId: id,
            applicationNo,
            applicantIdNumber: user.id_number!,
            employerOrgCode: employer.code,
            rereviewOrgCode: plan.rereviewOrgCode!,
            ...plan.workflowExtra,
          };
          // the workflow starts inside the transaction: if Temporal refuses, no claim row is left behind
          await withTemporal(() =>
            temporal.workflow.start(plan.workflowType, {
              taskQueue: config.taskQueue,
              workflowId,
              args: [input as never],
              workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
            }),
          );
          return { id, applicationNo, workflowId, kind: plan.kind, status: 'unit_verification', stage: 'unit_verification', amountYuan: plan.amountYuan };
        });
      } catch (err) {
        const e = err as { code?: string; constraint?: string };
        if (e.code === '23505' && e.constraint && DUPLICATE_CONSTRAINTS[e.constraint]) throw new Problem('DUPLICATE_CLAIM', DUPLICATE_CONSTRAINTS[e.constraint]);
        throw err;
      }
      // answer once the first task is in its inbox, so the claim is visible to the clerk who must act
      if (req.res) req.res.locals.workflowId = created.workflowId; // named in the request's log line
      const state = await settled(temporal, created.workflowId, deps.log);
      const { workflowId: _workflowId, ...result } = created;
      return state ? { ...result, status: state.status, stage: state.stage } : result;
    },
  });

  defineRoute(router, {
    method: 'get',
    path: '/api/v1/nanxun/claims',
    summary: 'Claims: an applicant sees their own, staff those their organisation is involved in',
    tags: ['nanxun'],
    access: { roles: 'any' },
    query: z.object({
      status: z.string().max(40).optional(),
      q: z.string().max(64).optional(),
      limit: z.coerce.number().int().min(1).max(200).default(50),
      offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
    }),
    responses: {
      200: {
        description: 'claims, newest first',
        schema: z.array(z.object({ id: z.string(), applicationNo: z.string(), kind: z.string(), status: z.string(), stage: z.string(), applicantName: z.string(), amountYuan: z.number().int(), paidYuan: z.number().int(), submittedAt: z.string() })),
      },
    },
    handler: async ({ req, query }) => {
      const actor = actorOf(req);
      let q = db.selectFrom('claim').selectAll();
      if (!hasRole(actor, 'admin', 'auditor') && actor.orgCode !== BUREAU_ORG_CODE) {
        q = q.where((eb) =>
          eb.or([
            eb('applicant_id_number', '=', actor.idNumber ?? '-'),
            ...(actor.orgCode && !actor.roles.every((r) => r === 'applicant')
              ? [eb('employer_org_code', '=', actor.orgCode), eb('rereview_org_code', '=', actor.orgCode)]
              : []),
          ]),
        );
      }
      if (query.status) q = q.where('status', '=', query.status);
      if (query.q) q = q.where((eb) => eb.or([eb('application_no', '=', query.q!), eb('applicant_name', 'like', `%${query.q!.replace(/[%_\\]/g, '\\$&')}%`)]));
      const rows = await q.orderBy('submitted_at', 'desc').limit(query.limit).offset(query.offset).execute();
      return rows.map((c) => ({
        id: c.id,
        applicationNo: c.application_no,
        kind: c.kind,
        status: c.status,
        stage: c.stage,
        applicantName: c.applicant_name,
        amountYuan: c.amount_yuan,
        paidYuan: c.paid_yuan,
        submittedAt: iso(c.submitted_at)!,
      }));
    },
  });

  async function loadVisibleClaim(actor: Actor, idOrNo: string): Promise<Claim> {
    const claim = await db
      .selectFrom('claim')
      .selectAll()
      .where((eb) => eb.or([eb('id', '=', idOrNo), eb('application_no', '=', idOrNo)]))
      .executeTakeFirst();
    // not telling a stranger whether a claim exists
    if (!claim || !canSeeClaim(actor, claim)) throw new Problem('NOT_FOUND', 'no such claim');
    return claim;
  }

  defineRoute(router, {
    method: 'get',
    path: '/api/v1/nanxun/claims/:id',
    summary: 'A claim with its timeline, instalments and tasks (id or application number)',
    tags: ['nanxun'],
    access: { roles: 'any' },
    params: z.object({ id: z.string().max(64) }),
    responses: { 200: { description: 'the claim', schema: ClaimView } },
    problems: ['NOT_FOUND'],
    handler: async ({ req, params }) => {
      const actor = actorOf(req);
      // one row: the projection kept by the database (0006_claim_view), plus what depends on the viewer and the time
      const found = await projectedClaimView(db, params.id);
      // not telling a stranger whether a claim exists
      if (!found || !canSeeClaim(actor, found.access)) throw new Problem('NOT_FOUND', 'no such claim');
      const now = new Date();
      return { ...presentClaimView(found.view, found.access, actor, await calendarFor(db, found.view, now), now), materials: await listMaterials(db, 'nanxun_claim', found.access.id) };
    },
  });

  defineRoute(router, {
    method: 'post',
    path: '/api/v1/nanxun/claims/:id/supplement',
    summary: 'The applicant supplies the materials a reviewer asked for; the paused task resumes',
    tags: ['nanxun'],
    access: { roles: ['applicant'] },
    params: z.object({ id: z.string().max(64) }),
    body: SupplementBody,
    responses: { 200: { description: 'the resumed task and the claim state', schema: DecisionResult } },
    problems: ['NOT_FOUND', 'TASK_NOT_PAUSED', 'NOT_YOUR_TASK', 'MATERIALS_MISSING', 'MATERIAL_UNAVAILABLE'],
    handler: async ({ req, params, body }) => {
      const actor = actorOf(req);
      const claim = await loadVisibleClaim(actor, params.id);
      if (claim.applicant_id_number !== actor.idNumber) throw new Problem('NOT_YOUR_TASK', 'only the applicant can supply materials');
      const paused = await db.selectFrom('task').selectAll().where('subject_type', '=', 'nanxun_claim').where('subject_id', '=', claim.id).where('state', '=', 'paused').executeTakeFirst();
      if (!paused) throw new Problem('TASK_NOT_PAUSED', 'no reviewer is waiting for materials on this claim');
      await attachPlanned(db, await planSupplement(db, { subjectType: 'nanxun_claim', subjectId: claim.id, taskId: paused.id, ownerUserId: actor.userId, ids: body.materials }), claim.id);
      const state = await withTemporal(() =>
        temporal.workflow.getHandle(paused.workflow_id).executeUpdate(resubmitUpdate, {
          args: [{ taskId: paused.id, actor, comment: body.comment, changes: body.changes }],
        }),
      );
      const task = await db.selectFrom('task').selectAll().where('id', '=', paused.id).executeTakeFirstOrThrow();
      const year = Number(shanghaiDate(new Date()).slice(0, 4));
      const cal = await displayCalendar(db, year - 1, year + 1);
      return { task: taskView(task, cal), subject: { status: state.status, stage: state.stage } };
    },
  });

  return router;
}
