/** The title application and the review session as subjects of the kernel (inbox, task page, progress, ratings). */
import type { Db, SubjectFacts, SubjectProvider } from '../platform/plugins/domainPlugin';
import { applicantSubjectLookups } from '../platform/plugins/applicantSubjectLookups';
import type { TitleApplication } from './schema';
import { applicationMaterialKinds } from './materials';
import { titleSubjectSummary } from './summary';

export const APPLICATION_SUBJECT = 'title_application';
export const SESSION_SUBJECT = 'title_session';

const FACTS = [
  'id',
  'application_no',
  'level',
  'status',
  'stage',
  'applicant_name',
  'applicant_user_id',
  'applicant_id_number',
  'submitted_at',
  'closed_at',
] as const;
type ApplicationFacts = Pick<TitleApplication, (typeof FACTS)[number]>;

function facts(a: ApplicationFacts): SubjectFacts {
  return {
    type: APPLICATION_SUBJECT,
    id: a.id,
    reference: a.application_no,
    // the progress page has always said title_senior / title_professor
    kind: `title_${a.level}`,
    level: a.level,
    status: a.status,
    stage: a.stage,
    applicantName: a.applicant_name,
    applicantUserId: a.applicant_user_id,
    applicantIdNumber: a.applicant_id_number,
    submittedAt: new Date(a.submitted_at),
    closedAt: a.closed_at ? new Date(a.closed_at) : null,
  };
}

export const applicationSubjects: SubjectProvider = {
  type: APPLICATION_SUBJECT,
  ...applicantSubjectLookups('zj_application', FACTS, facts),
  requiredMaterials: applicationMaterialKinds,
  taskSummary: (db: Db, t, viewer) => titleSubjectSummary(db, t, viewer),
  /** the experts of the committee of the application's session read its materials */
  async extraReader(db: Db, viewer, id) {
    if (!viewer.roles.includes('expert')) return false;
    const row = await db
      .selectFrom('zj_application')
      .innerJoin('zj_committee_member', 'zj_committee_member.session_id', 'zj_application.session_id')
      .innerJoin('zj_expert', 'zj_expert.id', 'zj_committee_member.expert_id')
      .select('zj_application.id')
      .where('zj_application.id', '=', id)
      .where('zj_expert.user_id', '=', viewer.userId)
      .executeTakeFirst();
    return row !== undefined;
  },
};

export const sessionSubjects: SubjectProvider = {
  type: SESSION_SUBJECT,
  taskSummary: (db: Db, t, viewer) => titleSubjectSummary(db, t, viewer),
};
