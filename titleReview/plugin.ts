/** The Zhejiang title review as a plug-in of the kernel (platform/plugins): what the composition roots install. */
import type { DomainPlugin } from '../platform/plugins/domainPlugin';
import { applicationSubjects, sessionSubjects } from './subjects';
import { sessionsReport } from './reports/sessions';
import { titleReviewRoutes } from './routes';
import { titleReviewReconciler } from './reconciliation';
import { readUnitRouting, writeUnitRouting } from './orgRouting';
import { ballotKeyRotation } from './keyRotation';

import { titlePolicyDomain } from './policy/domain';

export const titleReviewPlugin: DomainPlugin = {
  name: 'titleReview',
  subjects: [applicationSubjects, sessionSubjects],
  reports: [sessionsReport],
  personalData: [
    { table: 'zj_application', indexed: ['applicant_id_number'], encrypted: ['applicant_phone'] },
    { table: 'title_grant', indexed: ['id_number'], encrypted: [] },
    { table: 'title_ban', indexed: ['id_number'], encrypted: [] },
  ],
  taskKinds: {
    unit_recommendation: '单位推荐',
    competent_dept_review: '主管部门审核',
    lower_committee_recommendation: '下一级评委会推荐',
    qualification_review: '资格审查',
    hrss_approval: '人社厅审批',
  },
  routes: titleReviewRoutes,
  reconciler: titleReviewReconciler,
  orgs: { routing: { read: readUnitRouting, write: writeUnitRouting } },
  keyRotation: ballotKeyRotation,
  // a misconduct notice publishes a decision: it takes no objections
  noticeKinds: { misconduct: { takesObjections: false } },
  policy: titlePolicyDomain,
};
