/** 引育八条 as the policy-edition service sees it (api/app.ts hands it over): parameters and the dry run. */
import type { PolicyDomain } from '../../platform/policy/domain';
import { listEditions } from '../../platform/policy/repository';
import { NANXUN_PARAMETERS, NANXUN_POLICY } from './parameters';
import { nanxunImpact } from './impact';

export const nanxunPolicyDomain: PolicyDomain = {
  policy: NANXUN_POLICY,
  defaultTitle: '南浔区注册安全工程师引育八条激励办法',
  defaultIssuer: '湖州市南浔区',
  schema: NANXUN_PARAMETERS,
  impact: async (db, { previous, proposed }) => nanxunImpact(db, { previous, proposed, all: await listEditions(db, NANXUN_POLICY) }),
};
