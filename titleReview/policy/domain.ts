/**
 * The title review's rules as the policy-edition service sees them. The pass fraction and the ban are read from the
 * edition each application was submitted under; the procedural sizes and periods from the edition in force when each
 * stage opens (the workflows read them through zjStageTerms): the dry run lists the stages still to open.
 */
import type { PolicyDomain } from '../../platform/policy/domain';
import { TITLE_PARAMETERS, TITLE_POLICY } from './parameters';
import { titleImpact } from './impact';

export const titlePolicyDomain: PolicyDomain = {
  policy: TITLE_POLICY,
  defaultTitle: '浙江省安全工程专业高级工程师和正高级工程师职务任职资格评审实施方案',
  defaultIssuer: '浙江省应急管理厅、浙江省人力资源和社会保障厅',
  schema: TITLE_PARAMETERS,
  impact: async (db, { previous, proposed }) => titleImpact(db, { previous, proposed }),
};
