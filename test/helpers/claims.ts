import { storedTaskId } from '../../platform/tasks/taskIds';
import { randomUUID } from 'node:crypto';
import type { Client } from '@temporalio/client';
import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema';
import type { Actor } from '../../platform/tasks/messages';
import { claimWorkflowId, type CertificateLevel } from '../../nanxun/rules';
import { nanxunFirstEdition } from './policy';
import { nanxunTerms } from '../../nanxun/policy/terms';
import type { PolicyEdition } from '../../platform/policy/edition';
import type { CertificateClaimInput } from '../../nanxun/workflows/certificateClaim';
import type { SubmittedClaim } from '../../nanxun/repositories/claims';
import { personRef, sealForWorkflow, workflowActor } from '../../platform/identity/personRef';

let seq = 0;

/** As the API answers only once the workflow has recorded its claim, so do these helpers. */
async function recorded(db: Kysely<Database>, claimId: string): Promise<void> {
  for (let i = 0; i < 600; i++) {
    if (await db.selectFrom('claim').select('id').where('id', '=', claimId).executeTakeFirst()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`claim ${claimId} was not recorded by its workflow within 30 s`);
}

/** A submission as the API builds it (nanxun/submitClaim.ts): the workflow records it as its first step. */
function submission(
  applicant: { id: number; display_name: string; id_number: string | null; phone: string | null },
  c: Pick<
    SubmittedClaim,
    'applicationNo' | 'kind' | 'employerOrgCode' | 'level' | 'amountYuan' | 'rereviewOrgCode' | 'form' | 'instalmentsYuan' | 'policyEditionId'
  >,
): SubmittedClaim {
  return {
    ...c,
    id: randomUUID(),
    workflowId: claimWorkflowId(c.applicationNo),
    applicantUserId: applicant.id,
    applicantName: applicant.display_name,
    applicantIdNumber: sealForWorkflow(applicant.id_number!),
    applicantPhone: sealForWorkflow(applicant.phone ?? ''),
    position: null,
    employerNature: null,
    submittedAt: new Date().toISOString(),
  };
}

/** Starts a certificate claim's workflow as the API does (for workflow-level tests); it records the claim. */
export async function startCertificateClaim(
  client: Client,
  db: Kysely<Database>,
  taskQueue: string,
  opts: {
    level?: CertificateLevel;
    employer?: string;
    rereviewOrg?: string;
    applicant?: string;
    /** the edition the API found in force at submission (its amounts apply); default: the first edition */
    edition?: PolicyEdition;
  } = {},
) {
  const edition = opts.edition ?? nanxunFirstEdition;
  const CERTIFICATE_REWARD_YUAN = nanxunTerms(edition).certificateRewardYuan;
  const applicant = await db
    .selectFrom('app_user')
    .selectAll()
    .where('username', '=', opts.applicant ?? 'applicant1')
    .executeTakeFirstOrThrow();
  const level = opts.level ?? 'intermediate';
  const applicationNo = `NX-ZS-TEST-${process.pid}-${++seq}-${Date.now() % 100000}`;
  const sub = submission(applicant, {
    applicationNo,
    kind: 'certificate',
    employerOrgCode: opts.employer ?? 'NX-E-JGJX',
    level,
    amountYuan: CERTIFICATE_REWARD_YUAN[level],
    rereviewOrgCode: opts.rereviewOrg ?? 'NX-T-NXZ',
    form: { certificate: { number: 'X', level, issuedOn: '2026-09-01', receivedOn: '2026-09-10' } },
    instalmentsYuan: [CERTIFICATE_REWARD_YUAN[level]],
    policyEditionId: edition.id,
  });
  const input: CertificateClaimInput = {
    claimId: sub.id,
    applicationNo,
    applicantIdNumber: personRef(applicant.id_number!),
    employerOrgCode: sub.employerOrgCode,
    rereviewOrgCode: sub.rereviewOrgCode,
    level,
    amountYuan: CERTIFICATE_REWARD_YUAN[level],
    submission: sub,
  };
  const handle = await client.workflow.start('certificateClaimWorkflow', { taskQueue, workflowId: sub.workflowId, args: [input] });
  await recorded(db, sub.id);
  return { id: sub.id, applicationNo, handle, input, taskId: (key: string) => storedTaskId(`${sub.workflowId}/${key}`) };
}

/** The acting clerk as the API would pass it, from a seeded demo account. */
export async function actor(db: Kysely<Database>, username: string): Promise<Actor> {
  const u = await db.selectFrom('app_user').selectAll().where('username', '=', username).executeTakeFirstOrThrow();
  return workflowActor({ userId: u.id, username: u.username, displayName: u.display_name, roles: u.roles, orgCode: u.org_code, idNumber: u.id_number });
}

/** Starts a shortage-talent claim's workflow as the API does; it records the claim and its three instalments. */
export async function startShortageClaim(
  client: Client,
  db: Kysely<Database>,
  taskQueue: string,
  opts: { applicant: string; employer: string; importedFirstPaidOn?: string; edition?: PolicyEdition },
) {
  const edition = opts.edition ?? nanxunFirstEdition;
  const plan = nanxunTerms(edition).shortageInstalmentsYuan;
  const applicant = await db.selectFrom('app_user').selectAll().where('username', '=', opts.applicant).executeTakeFirstOrThrow();
  const employer = await db.selectFrom('org').selectAll().where('code', '=', opts.employer).executeTakeFirstOrThrow();
  const applicationNo = `NX-JQ-TEST-${process.pid}-${++seq}-${Date.now() % 100000}`;
  const sub = submission(applicant, {
    applicationNo,
    kind: 'shortage_talent',
    employerOrgCode: employer.code,
    level: 'intermediate',
    amountYuan: plan.reduce((a, b) => a + b, 0),
    rereviewOrgCode: employer.regulator_code!,
    form: {},
    instalmentsYuan: plan,
    policyEditionId: edition.id,
  });
  const { id, workflowId } = sub;
  const handle = await client.workflow.start('shortageTalentClaimWorkflow', {
    taskQueue,
    workflowId,
    args: [
      {
        claimId: id,
        applicationNo,
        applicantIdNumber: personRef(applicant.id_number!),
        employerOrgCode: employer.code,
        rereviewOrgCode: employer.regulator_code!,
        instalmentsYuan: plan,
        ...(opts.importedFirstPaidOn ? { importedFirstPayment: { paidOn: opts.importedFirstPaidOn } } : {}),
        submission: sub,
      },
    ],
  });
  await recorded(db, id);
  return { id, applicationNo, handle, regulator: employer.regulator_code!, taskId: (key: string) => storedTaskId(`${workflowId}/${key}`) };
}
