/**
 * Applying for a title in a session: identity, employer, channel, commitment, bans and duplicates are checked
 * here; then the application's workflow starts carrying the application, which it records as its first step
 * (no application row without its workflow, nor a workflow without its row).
 */
import { randomUUID } from 'node:crypto';
import { WorkflowIdReusePolicy } from '@temporalio/client';
import type { z } from 'zod';
import { Problem } from '../platform/http/problem';
import { withTemporal } from '../platform/http/temporalErrors';
import type { AppDeps } from '../platform/http/deps';
import { settledStateUpdate, type Actor } from '../platform/tasks/messages';
import { EMPLOYER_TYPES } from '../platform/orgs/orgInput';
import { materialIdsOf, materialNotesOf, planSubmission } from '../platform/materials/useCases';
import { activeBan, channelAllowed, titleApplicationNo, titleApplicationWorkflowId } from './rules';
import { nextTitleSequence, type SubmittedApplication } from './repositories/applications';
import type { TitleApplicationInput } from './workflows/titleApplication';
import type { ApplicationBody } from './routes/shared';
import { personRef, sealForWorkflow } from '../platform/identity/personRef';

export async function submitApplication(deps: Pick<AppDeps, 'db' | 'temporal' | 'config'>, actor: Actor, body: z.infer<typeof ApplicationBody>) {
  const { db, temporal, config } = deps;
  const user = await db.selectFrom('app_user').selectAll().where('id', '=', actor.userId).executeTakeFirst();
  if (!user?.id_number) throw new Problem('IDENTITY_MISMATCH', 'your account has no verified identity; register as an applicant');
  if (user.identity_status === 'rejected')
    throw new Problem('IDENTITY_MISMATCH', 'your identity is not confirmed for applications; ask the bureau to review it with your original ID card');
  if (body.applicant && (body.applicant.idNumber !== user.id_number || body.applicant.name !== user.display_name)) {
    throw new Problem('IDENTITY_MISMATCH', 'an application is always for the logged-in applicant: name and ID number must be yours');
  }
  const session = await db.selectFrom('zj_session').selectAll().where('id', '=', body.sessionId).executeTakeFirst();
  if (!session) throw new Problem('NOT_FOUND', 'no such session');
  const employer = await db
    .selectFrom('org')
    .leftJoin('zj_unit', 'zj_unit.org_code', 'org.code')
    .select(['org.code', 'org.name', 'org.type', 'org.active', 'zj_unit.competent_org_code', 'zj_unit.lower_committee_org_code'])
    .where('org.code', '=', body.employerOrgCode)
    .executeTakeFirst();
  const reasons: string[] = [];
  const extra: Record<string, unknown> = {};
  if (!employer || !EMPLOYER_TYPES.includes(employer.type) || !employer.competent_org_code) reasons.push('UNKNOWN_EMPLOYER');
  else if (!employer.active) reasons.push('EMPLOYER_INACTIVE');
  if (session.status !== 'accepting') reasons.push('SESSION_CLOSED');
  if (!channelAllowed(session.level, body.channel)) reasons.push('CHANNEL_NOT_ALLOWED');
  if (body.commitment !== true) reasons.push('COMMITMENT_REQUIRED');
  const bans = await db.selectFrom('title_ban').selectAll().where('id_number', '=', user.id_number).execute();
  const ban = activeBan(bans, session.year);
  if (ban) {
    reasons.push('BANNED');
    extra.banEndsYear = ban.to_year;
    extra.banFromYear = ban.from_year;
  }
  if (reasons.length)
    throw new Problem('NOT_ELIGIBLE', `not eligible: ${reasons.join(', ')}${ban ? ` (barred from applying until the end of ${ban.to_year})` : ''}`, {
      reasons,
      ...extra,
    });
  const dup = await db
    .selectFrom('zj_application')
    .innerJoin('zj_session', 'zj_session.id', 'zj_application.session_id')
    .select(['application_no', 'zj_application.status'])
    .where('applicant_id_number', '=', user.id_number)
    .where('zj_session.year', '=', session.year)
    .where('zj_application.status', 'not in', ['rejected', 'withdrawn', 'deferred'])
    .executeTakeFirst();
  if (dup) throw new Problem('DUPLICATE_APPLICATION', `you already applied in ${session.year}: ${dup.application_no} (${dup.status})`);

  const level = session.level;
  const files = await planSubmission(db, 'title_application', level, user.id, materialIdsOf(body.materials));
  const applicationNo = titleApplicationNo(level, session.year, await nextTitleSequence(db, level, session.year));
  const workflowId = titleApplicationWorkflowId(applicationNo);
  const lower = level === 'senior' ? employer!.lower_committee_org_code : null;
  const submission: SubmittedApplication = {
    id: randomUUID(),
    applicationNo,
    sessionId: session.id,
    level,
    category: body.category,
    channel: body.channel,
    workflowId,
    applicantUserId: user.id,
    applicantName: user.display_name,
    // sealed: the workflow only carries them to the activity that records the row (personRef.ts)
    applicantIdNumber: sealForWorkflow(user.id_number),
    applicantPhone: sealForWorkflow(body.applicant?.phone ?? user.phone ?? ''),
    employerOrgCode: employer!.code,
    competentOrgCode: employer!.competent_org_code!,
    lowerCommitteeOrgCode: lower,
    materials: materialNotesOf(body.materials),
    materialIds: files.ids,
    submittedAt: new Date().toISOString(),
  };
  const input: TitleApplicationInput = {
    applicationId: submission.id,
    applicationNo,
    sessionId: session.id,
    level,
    category: body.category,
    channel: body.channel,
    applicantIdNumber: personRef(user.id_number), // a reference: the workflow recognises the person, never sees the number
    applicantName: user.display_name,
    employerOrgCode: employer!.code,
    employerName: employer!.name,
    competentOrgCode: employer!.competent_org_code!,
    lowerCommitteeOrgCode: lower,
    submission,
  };
  await withTemporal(() =>
    temporal.workflow.start('titleApplicationWorkflow', {
      taskQueue: config.taskQueue,
      workflowId,
      args: [input],
      workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
    }),
  );
  // answer once the first task is in the unit's inbox (bounded wait)
  let timer: NodeJS.Timeout | undefined;
  const state = await Promise.race([
    temporal.workflow
      .getHandle(workflowId)
      .executeUpdate(settledStateUpdate)
      .catch(() => undefined),
    new Promise<undefined>((resolve) => (timer = setTimeout(() => resolve(undefined), 10_000))),
  ]);
  clearTimeout(timer);
  if (state?.status === 'duplicate') throw new Problem('DUPLICATE_APPLICATION', 'you already have an application in this session');
  return {
    id: submission.id,
    applicationNo,
    sessionId: session.id,
    level,
    category: body.category,
    channel: body.channel,
    status: 'unit_recommendation',
    stage: 'unit_recommendation',
  };
}
