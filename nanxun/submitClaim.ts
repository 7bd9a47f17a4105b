/**
 * Submitting a Nanxun claim (附件2-1 / 附件2-2): the applicant's identity, the employer, eligibility and duplicates
 * are checked here, then the claim's workflow starts carrying the claim as submitted, and records it as its first
 * step. The API writes nothing of the claim itself: no claim row can exist without its workflow, and a workflow
 * whose start was never answered (the API process died right after starting it) still records its claim.
 */
import { randomUUID } from 'node:crypto';
import { WorkflowIdReusePolicy } from '@temporalio/client';
import { Problem } from '../platform/http/problem';
import { withTemporal } from '../platform/http/temporalErrors';
import type { AppDeps } from '../platform/http/deps';
import type { Actor } from '../platform/tasks/messages';
import { settledStateUpdate } from '../platform/tasks/messages';
import { shanghaiDate } from '../platform/calendar/workdays';
import { EMPLOYER_TYPES } from '../platform/orgs/orgInput';
import { planSubmission } from '../platform/materials/useCases';
import { claimWorkflowId, formatApplicationNo } from './rules';
import { planClaim, type ClaimBodyT } from './claimPlans';
import { findClaimByWorkflowId, nextClaimSequence, type SubmittedClaim } from './repositories/claims';
import { personRef, sealForWorkflow } from '../platform/identity/personRef';
import { editionInForce } from '../platform/policy/service';
import { NANXUN_POLICY } from './policy/parameters';
import { amountParameter, nanxunTerms, policyBasis } from './policy/terms';

export interface SubmitClaimResult {
  id: string;
  applicationNo: string;
  kind: SubmittedClaim['kind'];
  status: string;
  stage: string;
  amountYuan: number;
  workflowId: string;
  /** the edition and clause the amount comes from */
  policy: ReturnType<typeof policyBasis>;
}

/** Fault-injection points for the crash tests (never set in production). */
export interface SubmitHooks {
  afterWorkflowStart?: (workflowId: string) => void;
}

export async function submitClaim(
  deps: Pick<AppDeps, 'db' | 'temporal' | 'config' | 'log'>,
  actor: Actor,
  body: ClaimBodyT,
  hooks: SubmitHooks = {},
): Promise<SubmitClaimResult> {
  const { db, temporal, config } = deps;
  const user = await db.selectFrom('app_user').selectAll().where('id', '=', actor.userId).executeTakeFirst();
  if (!user?.id_number) throw new Problem('IDENTITY_MISMATCH', 'your account has no verified identity; register as an applicant');
  if (user.identity_status === 'rejected')
    throw new Problem('IDENTITY_MISMATCH', 'your identity is not confirmed for claims; ask the bureau to review it with your original ID card');
  if (body.applicant && (body.applicant.idNumber !== user.id_number || body.applicant.name !== user.display_name)) {
    throw new Problem('IDENTITY_MISMATCH', 'a claim is always for the logged-in applicant: name and ID number must be yours');
  }
  const employer = await db.selectFrom('org').selectAll().where('code', '=', body.employerOrgCode).executeTakeFirst();
  if (!employer || !EMPLOYER_TYPES.includes(employer.type)) {
    throw new Problem('NOT_ELIGIBLE', `no employer ${body.employerOrgCode} is registered`, { reasons: ['UNKNOWN_EMPLOYER'] });
  }
  const now = new Date();
  // 实体从旧: eligibility and amounts are those of the edition in force now (none → 422 POLICY_NOT_IN_FORCE)
  const edition = await editionInForce(db, NANXUN_POLICY, now);
  const plan = await planClaim(db, body, user.id_number, employer, shanghaiDate(now), nanxunTerms(edition));
  const reasons = [...plan.reasons];
  if (body.declaration === false) reasons.push('DECLARATION_REFUSED');
  if (!plan.rereviewOrgCode) reasons.push('NO_REREVIEW_BODY');
  if (reasons.length) throw new Problem('NOT_ELIGIBLE', `not eligible: ${reasons.join(', ')}`, { reasons });
  if (plan.duplicateOf) {
    throw new Problem(
      'DUPLICATE_CLAIM',
      `a ${plan.kind} claim (${plan.level}) already exists: ${plan.duplicateOf.application_no} (${plan.duplicateOf.status})`,
    );
  }

  const materials = await planSubmission(db, 'nanxun_claim', plan.kind, user.id, body.materials);
  const year = Number(shanghaiDate(now).slice(0, 4));
  const applicationNo = formatApplicationNo(plan.kind, year, await nextClaimSequence(db, plan.kind, year));
  const workflowId = claimWorkflowId(applicationNo);
  const submission: SubmittedClaim = {
    id: randomUUID(),
    applicationNo,
    kind: plan.kind,
    workflowId,
    applicantUserId: user.id,
    applicantName: user.display_name,
    // sealed: the workflow only carries them to the activity that records the row (personRef.ts)
    applicantIdNumber: sealForWorkflow(user.id_number),
    applicantPhone: sealForWorkflow(body.applicant?.phone ?? user.phone ?? ''),
    employerOrgCode: employer.code,
    position: body.position ?? null,
    employerNature: body.employerNature ?? null,
    level: plan.level,
    amountYuan: plan.amountYuan,
    rereviewOrgCode: plan.rereviewOrgCode!,
    form: plan.form,
    instalmentsYuan: plan.instalmentsYuan,
    policyEditionId: edition.id,
    submittedAt: now.toISOString(),
    materialIds: materials.ids,
  };
  const input = {
    claimId: submission.id,
    applicationNo,
    applicantIdNumber: personRef(user.id_number), // a reference: the workflow recognises the person, never sees the number
    employerOrgCode: employer.code,
    rereviewOrgCode: plan.rereviewOrgCode!,
    ...plan.workflowExtra,
    submission,
  };
  // if Temporal refuses, nothing was written but a spent application number
  const handle = await withTemporal(() =>
    temporal.workflow.start(plan.workflowType, {
      taskQueue: config.taskQueue,
      workflowId,
      args: [input as never],
      workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
    }),
  );
  hooks.afterWorkflowStart?.(workflowId);

  // answer once the first task is in its inbox, so the claim is visible to the clerk who must act
  const state = await settled(deps, workflowId);
  if (state?.status === 'duplicate' || (!state && (await endedAsDuplicate(deps, handle.workflowId)))) {
    throw new Problem('DUPLICATE_CLAIM', 'a claim that excludes this one was recorded for you at the same moment');
  }
  const policy = policyBasis(edition, amountParameter(plan.kind, plan.level));
  const base = { id: submission.id, applicationNo, kind: plan.kind, amountYuan: plan.amountYuan, workflowId, policy };
  return state ? { ...base, status: state.status, stage: state.stage } : { ...base, status: 'unit_verification', stage: 'unit_verification' };
}

/** Waits (bounded) until a new workflow has opened its first task; the claim is recorded either way. */
async function settled(deps: Pick<AppDeps, 'temporal' | 'log'>, workflowId: string): Promise<{ status: string; stage: string } | undefined> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      deps.temporal.workflow.getHandle(workflowId).executeUpdate(settledStateUpdate),
      new Promise<undefined>((resolve) => (timer = setTimeout(() => resolve(undefined), 10_000))),
    ]);
  } catch (err) {
    deps.log.warn({ workflowId, err: String(err) }, 'the new workflow did not report its first state');
    return undefined;
  } finally {
    clearTimeout(timer);
  }
}

/** A workflow that ended before it settled and recorded no claim found a duplicate. */
async function endedAsDuplicate(deps: Pick<AppDeps, 'db' | 'temporal'>, workflowId: string): Promise<boolean> {
  if (await findClaimByWorkflowId(deps.db, workflowId)) return false;
  const d = await deps.temporal.workflow
    .getHandle(workflowId)
    .describe()
    .catch(() => null);
  return d?.status.name === 'COMPLETED';
}
