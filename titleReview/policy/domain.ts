/**
 * The title review's rules as the policy-edition service sees them. Its workflows do not read editions yet (they
 * still run with the values of the first edition, docs/policy.md): the dry run says so instead of listing cases.
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
      notes: ['the title review workflows read the first edition’s values: a new edition is recorded and shown, and applies once they read editions'],
    };
  },
};
