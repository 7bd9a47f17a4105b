/**
 * The title review's rules as the policy-edition service sees them. The pass fraction and the ban are read from the
 * edition each application was submitted under; the procedural sizes and periods are not read from editions yet (the
 * session workflows hold the first edition's values, docs/policy.md): the dry run says so instead of listing cases.
 */
import type { PolicyDomain } from '../../platform/policy/domain';
import { TITLE_PARAMETERS, TITLE_POLICY } from './parameters';

export const titlePolicyDomain: PolicyDomain = {
  policy: TITLE_POLICY,
  defaultTitle: '浙江省安全工程专业高级工程师和正高级工程师职务任职资格评审实施方案',
  defaultIssuer: '浙江省应急管理厅、浙江省人力资源和社会保障厅',
  schema: TITLE_PARAMETERS,
  impact: async (db) => {
    const open = await db
      .selectFrom('zj_application')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .where('closed_at', 'is', null)
      .executeTakeFirst();
    return {
      affected: [],
      unaffected: Number(open?.n ?? 0),
      notes: [
        'passFraction, banYears: none for open applications (实体从旧); applications submitted from its date',
        'minPoolSize, minCommittee, minSubgroup, publicityWorkingDays, hrssLeadWorkingDays: not yet read from editions by the session workflows (they keep the first edition’s values)',
      ],
    };
  },
};
