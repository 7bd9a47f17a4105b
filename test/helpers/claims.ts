import { storedTaskId } from '../../platform/tasks/taskIds';
import { randomUUID } from 'node:crypto';
import type { Client } from '@temporalio/client';
import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema';
import type { Actor } from '../../platform/tasks/messages';
import { CERTIFICATE_REWARD_YUAN, claimWorkflowId, type CertificateLevel } from '../../nanxun/rules';
import type { CertificateClaimInput } from '../../nanxun/workflows/certificateClaim';

let seq = 0;

/** Inserts a claim row as the API does and starts its workflow (for workflow-level tests). */
export async function startCertificateClaim(
  client: Client,
  db: Kysely<Database>,
  taskQueue: string,
  opts: { level?: CertificateLevel; employer?: string; rereviewOrg?: string; applicant?: string } = {},
) {
  const applicant = await db.selectFrom('app_user').selectAll().where('username', '=', opts.applicant ?? 'applicant1').executeTakeFirstOrThrow();
  const level = opts.level ?? 'intermediate';
  const id = randomUUID();
  const applicationNo = `NX-ZS-TEST-${process.pid}-${++seq}-${Date.now() % 100000}`;
  const now = new Date();
  await db
    .insertInto('claim')
    .values({
      id,
      application_no: applicationNo,
      kind: 'certificate',
      workflow_id: claimWorkflowId(applicationNo),
      applicant_user_id: applicant.id,
      applicant_name: applicant.display_name,
      applicant_id_number: applicant.id_number!,
      applicant_phone: applicant.phone ?? '',
      employer_org_code: opts.employer ?? 'NX-E-JGJX',
      position: null,
      employer_nature: null,
      level,
      amount_yuan: CERTIFICATE_REWARD_YUAN[level],
      status: 'unit_verification',
      stage: 'unit_verification',
      rereview_org_code: opts.rereviewOrg ?? 'NX-T-NXZ',
      form: JSON.stringify({ certificate: { number: 'X', level, issuedOn: '2026-09-01', receivedOn: '2026-09-10' } }),
      submitted_at: now,
      updated_at: now,
    })
    .execute();
  const input: CertificateClaimInput = {
    claimId: id,
    applicationNo,
    applicantIdNumber: applicant.id_number!,
    employerOrgCode: opts.employer ?? 'NX-E-JGJX',
    rereviewOrgCode: opts.rereviewOrg ?? 'NX-T-NXZ',
    level,
    amountYuan: CERTIFICATE_REWARD_YUAN[level],
  };
  await db
    .insertInto('instalment')
    .values({ claim_id: id, year_no: 1, amount_yuan: CERTIFICATE_REWARD_YUAN[level], status: 'in_review', workflow_id: claimWorkflowId(applicationNo), updated_at: now })
    .execute();
  const handle = await client.workflow.start('certificateClaimWorkflow', { taskQueue, workflowId: claimWorkflowId(applicationNo), args: [input] });
  return { id, applicationNo, handle, input, taskId: (key: string) => storedTaskId(`${claimWorkflowId(applicationNo)}/${key}`) };
}

/** The acting clerk as the API would pass it, from a seeded demo account. */
export async function actor(db: Kysely<Database>, username: string): Promise<Actor> {
  const u = await db.selectFrom('app_user').selectAll().where('username', '=', username).executeTakeFirstOrThrow();
  return { userId: u.id, username: u.username, displayName: u.display_name, roles: u.roles, orgCode: u.org_code, idNumber: u.id_number };
}

/** Inserts a shortage-talent claim (three instalment rows) as the API does and starts its workflow. */
export async function startShortageClaim(client: Client, db: Kysely<Database>, taskQueue: string, opts: { applicant: string; employer: string; importedFirstPaidOn?: string }) {
  const applicant = await db.selectFrom('app_user').selectAll().where('username', '=', opts.applicant).executeTakeFirstOrThrow();
  const employer = await db.selectFrom('org').selectAll().where('code', '=', opts.employer).executeTakeFirstOrThrow();
  const id = randomUUID();
  const applicationNo = `NX-JQ-TEST-${process.pid}-${++seq}-${Date.now() % 100000}`;
  const workflowId = claimWorkflowId(applicationNo);
  const now = new Date();
  await db
    .insertInto('claim')
    .values({
      id,
      application_no: applicationNo,
      kind: 'shortage_talent',
      workflow_id: workflowId,
      applicant_user_id: applicant.id,
      applicant_name: applicant.display_name,
      applicant_id_number: applicant.id_number!,
      applicant_phone: applicant.phone ?? '',
      employer_org_code: employer.code,
      position: null,
      employer_nature: null,
      level: 'intermediate',
      amount_yuan: 10000,
      status: 'unit_verification',
      stage: 'unit_verification',
      rereview_org_code: employer.regulator_code!,
      form: JSON.stringify({}),
      submitted_at: now,
      updated_at: now,
    })
    .execute();
  await db
    .insertInto('instalment')
    .values([3000, 3000, 4000].map((amount, i) => ({ claim_id: id, year_no: i + 1, amount_yuan: amount, status: i === 0 ? ('in_review' as const) : ('pending' as const), workflow_id: workflowId, updated_at: now })))
    .execute();
  const handle = await client.workflow.start('shortageTalentClaimWorkflow', {
    taskQueue,
    workflowId,
    args: [
      {
        claimId: id,
        applicationNo,
        applicantIdNumber: applicant.id_number!,
        employerOrgCode: employer.code,
        rereviewOrgCode: employer.regulator_code!,
        instalmentsYuan: [3000, 3000, 4000],
        ...(opts.importedFirstPaidOn ? { importedFirstPayment: { paidOn: opts.importedFirstPaidOn } } : {}),
      },
    ],
  });
  return { id, applicationNo, handle, regulator: employer.regulator_code!, taskId: (key: string) => storedTaskId(`${workflowId}/${key}`) };
}
