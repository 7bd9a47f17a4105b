/**
 * Nanxun reward claims: submission (eligibility, duplicate and identity checks, then a workflow),
 * the claim's progress, and the applicant's answer to a request for supplementary materials.
 */
import { Router } from 'express';
import { z } from 'zod';
import { defineRoute } from '../../platform/http/route';
import { SupplementBody, DecisionResult } from '../../platform/http/schemas';
import { ClaimBody, ClaimCreated, ClaimView } from '../schemas';
import { Problem } from '../../platform/http/problem';
import { actorOf, hasRole } from '../../platform/auth/authenticate';
import { withTemporal } from '../../platform/http/temporalErrors';
import { taskView, iso } from '../../platform/http/views';
import { calendarFor, presentClaimView } from '../claimView';
import type { AppDeps } from '../../platform/http/deps';
import type { Kysely } from 'kysely';
import type { Claim, Database } from '../../db/schema';
import { orgHasReached, reachedByOrg } from '../../platform/tasks/reach';
import type { Actor } from '../../platform/tasks/messages';
import { resubmitUpdate } from '../../platform/tasks/messages';
import { BUREAU_ORG_CODE } from '../rules';
import { submitClaim } from '../submitClaim';
import { shanghaiDate } from '../../platform/calendar/workdays';
import { displayCalendar } from '../../platform/calendar/calendarTable';
import { withPolicyBasis } from '../policy/claimBasis';
import { readClaim } from '../claimRead';
import { attachPlanned, planSupplement } from '../../platform/materials/useCases';
import { workflowActor } from '../../platform/identity/personRef';

/**
 * Who sees a claim: the applicant; the admin and the auditor; staff of the employer and of the district bureau from
 * submission on; the re-reviewing town or regulator only from its own stage on (data minimisation: a task of theirs
 * on the claim).
 */
export async function canSeeClaim(
  db: Kysely<Database>,
  actor: Actor,
  claim: Pick<Claim, 'id' | 'applicant_id_number' | 'applicant_user_id' | 'employer_org_code'>,
): Promise<boolean> {
  if (actor.idNumber && actor.idNumber === claim.applicant_id_number) return true;
  if (claim.applicant_user_id != null && actor.userId === claim.applicant_user_id) return true;
  if (hasRole(actor, 'admin', 'auditor')) return true;
  if (actor.orgCode == null || actor.roles.every((r) => r === 'applicant')) return false;
  if (actor.orgCode === claim.employer_org_code || actor.orgCode === BUREAU_ORG_CODE) return true;
  return orgHasReached(db, actor.orgCode, 'nanxun_claim', claim.id);
}

export function claimRoutes(deps: AppDeps): Router {
  const router = Router();
  const { db, temporal } = deps;

  defineRoute(router, {
    method: 'post',
    path: '/api/v1/nanxun/claims',
    summary: 'Submit a reward claim (附件2-1) for your own identity',
    tags: ['nanxun'],
    access: { roles: ['applicant'] },
    body: ClaimBody,
    responses: { 201: { description: 'the claim and its first stage', schema: ClaimCreated } },
    problems: [
      'VALIDATION_FAILED',
      'IDENTITY_MISMATCH',
      'NOT_ELIGIBLE',
      'DUPLICATE_CLAIM',
      'MATERIALS_MISSING',
      'MATERIAL_UNAVAILABLE',
      'PAYLOAD_TOO_LARGE',
      'TEMPORAL_UNAVAILABLE',
    ],
    handler: async ({ req, body }) => {
      const { workflowId, ...created } = await submitClaim(deps, actorOf(req), body);
      if (req.res) req.res.locals.workflowId = workflowId; // named in the request's log line
      return created;
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
        schema: z.array(
          z.object({
            id: z.string(),
            applicationNo: z.string(),
            kind: z.string(),
            status: z.string(),
            stage: z.string(),
            applicantName: z.string(),
            amountYuan: z.number().int(),
            paidYuan: z.number().int(),
            submittedAt: z.string(),
          }),
        ),
      },
    },
    handler: async ({ req, query }) => {
      const actor = actorOf(req);
      let q = db.selectFrom('claim').selectAll();
      if (!hasRole(actor, 'admin', 'auditor') && actor.orgCode !== BUREAU_ORG_CODE) {
        q = q.where((eb) =>
          eb.or([
            eb('applicant_id_number', '=', actor.idNumber ?? '-'),
            eb('applicant_user_id', '=', actor.userId),
            ...(actor.orgCode && !actor.roles.every((r) => r === 'applicant')
              ? [eb('employer_org_code', '=', actor.orgCode), reachedByOrg(actor.orgCode, 'nanxun_claim', 'claim.id')]
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
    if (!claim || !(await canSeeClaim(db, actor, claim))) throw new Problem('NOT_FOUND', 'no such claim');
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
      // one statement: the projection kept by the database (0006_claim_view) with the claim's materials and the
      // basis of its amount and deadlines (实体从旧 / 程序从新); then what depends on the viewer and the time
      const found = await readClaim(db, params.id);
      // not telling a stranger whether a claim exists
      if (!found || !(await canSeeClaim(db, actor, found.access))) throw new Problem('NOT_FOUND', 'no such claim');
      const now = new Date();
      const calendar = await calendarFor(db, found.view, now);
      return { ...withPolicyBasis(presentClaimView(found.view, found.access, actor, calendar, now), found.basis), materials: found.materials };
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
      const paused = await db
        .selectFrom('task')
        .selectAll()
        .where('subject_type', '=', 'nanxun_claim')
        .where('subject_id', '=', claim.id)
        .where('state', '=', 'paused')
        .executeTakeFirst();
      if (!paused) throw new Problem('TASK_NOT_PAUSED', 'no reviewer is waiting for materials on this claim');
      await attachPlanned(
        db,
        await planSupplement(db, { subjectType: 'nanxun_claim', subjectId: claim.id, taskId: paused.id, ownerUserId: actor.userId, ids: body.materials }),
        claim.id,
      );
      const state = await withTemporal(() =>
        temporal.workflow.getHandle(paused.workflow_id).executeUpdate(resubmitUpdate, {
          args: [{ taskId: paused.id, actor: workflowActor(actor), comment: body.comment, changes: body.changes }],
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
