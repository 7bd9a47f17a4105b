/** The Zhejiang title review as a plug-in of the kernel (platform/plugins): what the composition roots install. */
import type { DomainPlugin } from '../platform/plugins/domainPlugin';
import { applicationSubjects, sessionSubjects } from './subjects';
import { sessionsReport } from './reports/sessions';
import { titleReviewRoutes } from './routes';

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
  routes: titleReviewRoutes,
  policy: titlePolicyDomain,
};
