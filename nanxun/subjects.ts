/** The Nanxun claim as a subject of the kernel (inbox, task page, progress, ratings, notifications). */
import type { Db, SubjectFacts, SubjectProvider } from '../platform/plugins/domainPlugin';
import { applicantSubjectLookups } from '../platform/plugins/applicantSubjectLookups';
import type { Claim } from '../db/schema';
import { claimMaterialKinds } from './materials';
import { maskIdNumber } from '../platform/identity/idNumber';

export const CLAIM_SUBJECT = 'nanxun_claim';

type ClaimFacts = Pick<
  Claim,
  'id' | 'application_no' | 'kind' | 'status' | 'stage' | 'applicant_name' | 'applicant_user_id' | 'applicant_id_number' | 'submitted_at' | 'closed_at'
>;
const FACTS = [
  'id',
  'application_no',
  'kind',
  'status',
  'stage',
  'applicant_name',
  'applicant_user_id',
  'applicant_id_number',
  'submitted_at',
  'closed_at',
] as const;

function facts(c: ClaimFacts): SubjectFacts {
  return {
    type: CLAIM_SUBJECT,
    id: c.id,
    reference: c.application_no,
    kind: c.kind,
    level: null,
    status: c.status,
    stage: c.stage,
    applicantName: c.applicant_name,
    applicantUserId: c.applicant_user_id,
    applicantIdNumber: c.applicant_id_number,
    submittedAt: new Date(c.submitted_at),
    closedAt: c.closed_at ? new Date(c.closed_at) : null,
  };
}

/** the stages at which the clerk deciding the task verifies the applicant's identity (sees the full ID number) */
const VERIFYING_TASKS = ['unit_verification', 'bureau_review'];

export const claimSubjects: SubjectProvider = {
  type: CLAIM_SUBJECT,
  ...applicantSubjectLookups('claim', FACTS, facts),
  requiredMaterials: claimMaterialKinds,
  async taskSummary(db: Db, t, _viewer, viewerDecides) {
    const c = await db.selectFrom('claim').selectAll().where('id', '=', t.subject_id).executeTakeFirst();
    if (!c) return null;
    return {
      applicationNo: c.application_no,
      kind: c.kind,
      status: c.status,
      stage: c.stage,
      applicantName: c.applicant_name,
      // only the clerks who verify identity (employer, bureau) see the full number
      // (and only to the clerk who decides it: oversight roles see it masked)
      applicantIdNumber: VERIFYING_TASKS.includes(t.kind) && viewerDecides ? c.applicant_id_number : maskIdNumber(c.applicant_id_number),
      employerOrgCode: c.employer_org_code,
      level: c.level,
      amountYuan: c.amount_yuan,
      form: c.form,
    };
  },
};
