/**
 * Nanxun reward claims: submission (eligibility, duplicate and identity checks, then a workflow),
 * the claim's progress, and the applicant's answer to a request for supplementary materials.
 */
import { Router } from 'express';
import { z } from 'zod';
import { sql } from 'kysely';
import { randomUUID } from 'node:crypto';
import { WorkflowIdReusePolicy } from '@temporalio/client';
import { defineRoute } from '../route';
import { ClaimBody, ClaimCreated, ClaimView, SupplementBody, DecisionResult } from '../schemas';
import { Problem } from '../problem';
import { actorOf, hasRole } from '../auth';
import { withTemporal } from '../temporalErrors';
import { taskView, timelineView, iso } from '../views';
import { orgNames } from '../orgs';
import type { AppDeps } from '../deps';
import type { Claim } from '../../db/schema';
import type { Actor } from '../../workflows/messages';
import { resubmitUpdate, settledStateUpdate } from '../../workflows/messages';
import {
  CERTIFICATE_REWARD_YUAN,
  BUREAU_ORG_CODE,
  certificateIneligibility,
  claimWorkflowId,
  formatApplicationNo,
} from '../../domain/nanxun';
import { maskIdNumber } from '../../domain/idNumber';
import { shanghaiDate } from '../../domain/workdays';
import { loadCalendar } from '../../db/calendar';
import type { CertificateClaimInput } from '../../workflows/certificateClaim';

/** Waits (bounded) until a new workflow has opened its first task; the claim exists either way. */
async function settled(temporal: AppDeps['temporal'], workflowId: string, log: AppDeps['log']): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      temporal.workflow.getHandle(workflowId).executeUpdate(settledStateUpdate),
      new Promise((resolve) => (timer = setTimeout(resolve, 10_000))),
    ]);
  } catch (err) {
    log.warn({ workflowId, err: String(err) }, 'the new workflow did not report its first state');
  } finally {
    clearTimeout(timer);
  }
}

/** Staff of an organisation involved in the claim (or oversight roles) may see it. */
export function canSeeClaim(actor: Actor, claim: Claim): boolean {
  if (actor.idNumber && actor.idNumber === claim.applicant_id_number) return true;
  if (claim.applicant_user_id != null && actor.userId === claim.applicant_user_id) return true;
  if (hasRole(actor, 'admin', 'auditor')) return true;
  const involved = [claim.employer_org_code, BUREAU_ORG_CODE, claim.rereview_org_code];
  return actor.orgCode != null && involved.includes(actor.orgCode) && !actor.roles.every((r) => r === 'applicant');
}

/** The full ID number only for the person and the clerks who verify it (employer, bureau). */
function idNumberFor(actor: Actor, claim: Claim): string {
  const own = actor.idNumber === claim.applicant_id_number;
  const verifier = actor.orgCode === claim.employer_org_code || actor.orgCode === BUREAU_ORG_CODE;
  return own || verifier ? claim.applicant_id_number : maskIdNumber(claim.applicant_id_number);
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
    problems: ['VALIDATION_FAILED', 'IDENTITY_MISMATCH', 'NOT_ELIGIBLE', 'DUPLICATE_CLAIM', 'TEMPORAL_UNAVAILABLE'],
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
      const blacklisted = await db.selectFrom('blacklist').select('id_number').where('id_number', '=', user.id_number).executeTakeFirst();
      const reasons = certificateIneligibility({
        issuedOn: body.certificate.issuedOn,
        receivedOn: body.certificate.receivedOn,
        submittedOn: shanghaiDate(now),
        employerInDistrict: employer.in_district,
        blacklisted: !!blacklisted,
      });
      if (body.declaration === false) reasons.push('DECLARATION_REFUSED');
      if (reasons.length) throw new Problem('NOT_ELIGIBLE', `not eligible: ${reasons.join(', ')}`, { reasons });

      const level = body.certificate.level;
      const existing = await db
        .selectFrom('claim')
        .select(['application_no', 'status'])
        .where('applicant_id_number', '=', user.id_number)
        .where('kind', '=', 'certificate')
        .where('level', '=', level)
        .where('status', '<>', 'rejected')
        .executeTakeFirst();
      if (existing) throw new Problem('DUPLICATE_CLAIM', `a ${level} certificate claim already exists: ${existing.application_no} (${existing.status})`);

      const rereviewOrg = employer.cert_rereview_org_code ?? employer.town_code;
      if (!rereviewOrg) throw new Problem('NOT_ELIGIBLE', 'the employer has no re-reviewing body on record', { reasons: ['NO_REREVIEW_BODY'] });
      const amountYuan = CERTIFICATE_REWARD_YUAN[level];
      const year = Number(shanghaiDate(now).slice(0, 4));
      const id = randomUUID();

      let created;
      try {
        created = await db.transaction().execute(async (trx) => {
          const seq = await trx
            .insertInto('sequence')
            .values({ name: `claim-certificate-${year}`, value: 1 })
            .onConflict((oc) => oc.column('name').doUpdateSet({ value: sql`sequence.value + 1` }))
            .returning('value')
            .executeTakeFirstOrThrow();
          const applicationNo = formatApplicationNo('certificate', year, seq.value);
          const workflowId = claimWorkflowId(applicationNo);
          await trx
            .insertInto('claim')
            .values({
              id,
              application_no: applicationNo,
              kind: 'certificate',
              workflow_id: workflowId,
              applicant_user_id: user.id,
              applicant_name: user.display_name,
              applicant_id_number: user.id_number!,
              applicant_phone: phone,
              employer_org_code: employer.code,
              position: body.position ?? null,
              employer_nature: body.employerNature ?? null,
              level,
              amount_yuan: amountYuan,
              status: 'unit_verification',
              stage: 'unit_verification',
              rereview_org_code: rereviewOrg,
              form: JSON.stringify({
                certificate: body.certificate,
                employerNatureOther: body.employerNatureOther ?? null,
                employerAddress: body.employerAddress ?? null,
                employerPhone: body.employerPhone ?? null,
                previousAwards: body.previousAwards ?? [],
                declaration: { accepted: true, at: now.toISOString() },
              }),
              submitted_at: now,
              updated_at: now,
            })
            .execute();
          const input: CertificateClaimInput = {
            claimId: id,
            applicationNo,
            applicantIdNumber: user.id_number!,
            employerOrgCode: employer.code,
            rereviewOrgCode: rereviewOrg,
            level,
            amountYuan,
          };
          // the workflow starts inside the transaction: if Temporal refuses, no claim row is left behind
          await withTemporal(() =>
            temporal.workflow.start('certificateClaimWorkflow', {
              taskQueue: config.taskQueue,
              workflowId,
              args: [input],
              workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
            }),
          );
          return { id, applicationNo, workflowId, kind: 'certificate', status: 'unit_verification', stage: 'unit_verification', amountYuan };
        });
      } catch (err) {
        const e = err as { code?: string; constraint?: string };
        if (e.code === '23505' && e.constraint === 'claim_one_certificate_per_level') {
          throw new Problem('DUPLICATE_CLAIM', `a ${level} certificate claim already exists for this person`);
        }
        throw err;
      }
      // answer once the first task is in its inbox, so the claim is visible to the clerk who must act
      await settled(temporal, created.workflowId, deps.log);
      const { workflowId: _workflowId, ...result } = created;
      return result;
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
      const claim = await loadVisibleClaim(actor, params.id);
      const [timeline, tasks, payouts] = await Promise.all([
        db.selectFrom('timeline').selectAll().where('subject_type', '=', 'nanxun_claim').where('subject_id', '=', claim.id).orderBy('at').orderBy('id').execute(),
        db.selectFrom('task').selectAll().where('subject_type', '=', 'nanxun_claim').where('subject_id', '=', claim.id).orderBy('opened_at').execute(),
        db.selectFrom('payout').selectAll().where('claim_id', '=', claim.id).orderBy('instalment_no').execute(),
      ]);
      const names = await orgNames(db, [claim.employer_org_code, claim.rereview_org_code, ...timeline.map((t) => t.org_code)]);
      const year = Number(shanghaiDate(new Date()).slice(0, 4));
      const { cal } = await loadCalendar(db, year - 1, year + 1);
      const paid = payouts.find((p) => p.instalment_no === 1);
      return {
        id: claim.id,
        applicationNo: claim.application_no,
        kind: claim.kind,
        status: claim.status,
        stage: claim.stage,
        amountYuan: claim.amount_yuan,
        paidYuan: claim.paid_yuan,
        applicant: { name: claim.applicant_name, idNumber: idNumberFor(actor, claim), phone: claim.applicant_phone },
        employer: { code: claim.employer_org_code, name: names.get(claim.employer_org_code) ?? claim.employer_org_code },
        rereviewOrg: { code: claim.rereview_org_code, name: names.get(claim.rereview_org_code) ?? claim.rereview_org_code },
        form: { ...claim.form, level: claim.level, position: claim.position, employerNature: claim.employer_nature },
        submittedAt: iso(claim.submitted_at)!,
        closedAt: iso(claim.closed_at),
        closeReason: claim.close_reason,
        timeline: timeline.map((t) => timelineView(t, names)),
        instalments: [
          {
            year: 1,
            amountYuan: claim.amount_yuan,
            status: paid ? (paid.recovered_at ? 'recovered' : 'paid') : claim.status === 'rejected' ? 'cancelled' : 'pending',
            dueOn: null,
            paidAt: iso(paid?.paid_at),
          },
        ],
        tasks: tasks.map((t) => taskView(t, cal)),
      };
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
    problems: ['NOT_FOUND', 'TASK_NOT_PAUSED', 'NOT_YOUR_TASK'],
    handler: async ({ req, params, body }) => {
      const actor = actorOf(req);
      const claim = await loadVisibleClaim(actor, params.id);
      if (claim.applicant_id_number !== actor.idNumber) throw new Problem('NOT_YOUR_TASK', 'only the applicant can supply materials');
      const paused = await db.selectFrom('task').selectAll().where('subject_type', '=', 'nanxun_claim').where('subject_id', '=', claim.id).where('state', '=', 'paused').executeTakeFirst();
      if (!paused) throw new Problem('TASK_NOT_PAUSED', 'no reviewer is waiting for materials on this claim');
      const state = await withTemporal(() =>
        temporal.workflow.getHandle(paused.workflow_id).executeUpdate(resubmitUpdate, {
          args: [{ taskId: paused.id, actor, comment: body.comment, changes: body.changes }],
        }),
      );
      const task = await db.selectFrom('task').selectAll().where('id', '=', paused.id).executeTakeFirstOrThrow();
      const year = Number(shanghaiDate(new Date()).slice(0, 4));
      const { cal } = await loadCalendar(db, year - 1, year + 1);
      return { task: taskView(task, cal), subject: { status: state.status, stage: state.stage } };
    },
  });

  return router;
}
