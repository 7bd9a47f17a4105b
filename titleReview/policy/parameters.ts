/**
 * The parameters of the Zhejiang title review (seed 004) an edition carries. Procedural: the pool, committee and
 * subgroup sizes, publicity and the HRSS lead time (from the edition in force when the step opens); substantive:
 * the pass fraction and the ban (from the edition in force when the application was submitted). docs/policy.md.
 */
import { fraction, positiveInt, type ParameterSchema } from '../../platform/policy/edition';

export const TITLE_POLICY = 'zhejiang-title';

export const TITLE_PARAMETERS: ParameterSchema = {
  minPoolSize: { kind: 'procedural', clause: '三、（三）2.', meaning: '专家库最少人数', check: positiveInt },
  minCommittee: { kind: 'procedural', clause: '三、（三）3.', meaning: '执行评审委员会（出席）最少人数', check: positiveInt },
  minSubgroup: { kind: 'procedural', clause: '四、（二）', meaning: '专业审议组最少人数', check: positiveInt },
  publicityWorkingDays: { kind: 'procedural', clause: '四、（三）2.、5.、7.', meaning: '公示工作日数', check: positiveInt },
  hrssLeadWorkingDays: { kind: 'procedural', clause: '四、（三）5.', meaning: '提前报告省人力社保厅的工作日数', check: positiveInt },
  passFraction: { kind: 'substantive', clause: '四、（三）6.', meaning: '通过所需赞成票比例（出席委员）', check: fraction },
  banYears: { kind: 'substantive', clause: '四、（四）2.', meaning: '不得申报的年数', check: positiveInt },
};
