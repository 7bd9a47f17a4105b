/**
 * The parameters of 引育八条 (seed 001 annex 3) an edition carries, each substantive (read from the edition in
 * force when the claim was submitted: eligibility, amounts, the instalment plan) or procedural (read from the
 * edition in force when the stage opens: the bureau's working days, the warning days). docs/policy.md lists them.
 */
import { nonNegativeInt, positiveInt, positiveIntList, type ParameterSchema } from '../../platform/policy/edition';

export const NANXUN_POLICY = 'nanxun-talent';

const isoDate = (v: unknown) => (typeof v === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(v) ? null : 'a date YYYY-MM-DD');
const level = (v: unknown) => (v === 'junior' || v === 'intermediate' || v === 'senior' ? null : '"junior", "intermediate" or "senior"');
const bool = (v: unknown) => (typeof v === 'boolean' ? null : 'true or false');

export const NANXUN_PARAMETERS: ParameterSchema = {
  'certificateRewardYuan.junior': { kind: 'substantive', clause: '二、激励内容（一）', meaning: '初级证书奖励（元）', check: positiveInt },
  'certificateRewardYuan.intermediate': { kind: 'substantive', clause: '二、激励内容（一）', meaning: '中级证书奖励（元）', check: positiveInt },
  'certificateRewardYuan.senior': { kind: 'substantive', clause: '二、激励内容（一）', meaning: '高级证书奖励（元）', check: positiveInt },
  certificateIssuedFrom: { kind: 'substantive', clause: '二、激励内容（一）', meaning: '证书取得日期不早于', check: isoDate },
  certificateWindowMonths: { kind: 'substantive', clause: '三、激励兑现（一）', meaning: '证书领取后可申请的月数', check: positiveInt },
  bureauReviewWorkingDays: { kind: 'procedural', clause: '三、激励兑现（一）、（3）', meaning: '区应急管理局初审时限（工作日）', check: positiveInt },
  warnWorkingDaysLeft: { kind: 'procedural', clause: '三、激励兑现（一）、（3）', meaning: '剩余几个工作日时预警', check: nonNegativeInt },
  shortageInstalmentsYuan: { kind: 'substantive', clause: '二、激励内容（四）', meaning: '紧缺人才岗位津贴分年金额（元）', check: positiveIntList },
  shortageLevel: { kind: 'substantive', clause: '二、激励内容（四）', meaning: '紧缺人才要求的证书级别', check: level },
  shortageFirstIntroductionOnly: { kind: 'substantive', clause: '二、激励内容（四）', meaning: '仅限企业首次引入', check: bool },
  shortageMinContractYears: { kind: 'substantive', clause: '二、激励内容（四）', meaning: '劳动合同最短年限', check: positiveInt },
  shortageMinContributionMonths: { kind: 'substantive', clause: '二、激励内容（四）', meaning: '社保和个税最短缴纳月数', check: nonNegativeInt },
  'highLevelRewardYuan.senior': { kind: 'substantive', clause: '二、激励内容（五）', meaning: '副高级职称奖励（元）', check: positiveInt },
  'highLevelRewardYuan.professor': { kind: 'substantive', clause: '二、激励内容（五）', meaning: '正高级职称奖励（元）', check: positiveInt },
  highLevelHoldingMonths: { kind: 'substantive', clause: '二、激励内容（五）', meaning: '取得职称证书满几个月后', check: nonNegativeInt },
  highLevelMinContributionMonths: { kind: 'substantive', clause: '二、激励内容（五）', meaning: '社保最短缴纳月数', check: nonNegativeInt },
};
