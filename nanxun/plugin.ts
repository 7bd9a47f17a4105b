/** The Nanxun reward claims as a plug-in of the kernel (platform/plugins): what the composition roots install. */
import type { DomainPlugin } from '../platform/plugins/domainPlugin';
import { claimSubjects } from './subjects';
import { claimsByStageReport } from './reports/claimsByStage';
import { fundsReport } from './reports/funds';
import { claimDecisionFields } from './schemas';
import { nanxunRoutes } from './routes';
import { claimMovesNoted } from './orgMoves';
import { nanxunReconciler } from './reconciliation';
import { nanxunMetricFamilies } from './metrics';
import { claimKeyRotation } from './keyRotation';

import { nanxunPolicyDomain } from './policy/domain';

export const nanxunPlugin: DomainPlugin = {
  name: 'nanxun',
  subjects: [claimSubjects],
  reports: [claimsByStageReport, fundsReport],
  personalData: [
    { table: 'claim', indexed: ['applicant_id_number'], encrypted: ['applicant_phone'] },
    { table: 'claim_view', indexed: ['applicant_id_number'], encrypted: [], projection: true },
    { table: 'blacklist', indexed: ['id_number'], encrypted: [] },
  ],
  taskKinds: { unit_verification: '单位审核', bureau_review: '初审', rereview: '复审', clawback_review: '追回审核' },
  decisionFields: claimDecisionFields,
  routes: nanxunRoutes,
  orgs: { employerMoved: claimMovesNoted },
  reconciler: nanxunReconciler,
  metrics: nanxunMetricFamilies,
  keyRotation: claimKeyRotation,
  policy: nanxunPolicyDomain,
};
