/** The clerk's decision on a task: the form's values and the body of POST /tasks/:id/decision. */
import { decision as decisionLabel } from '../../lib/labels';
import type { Task } from '../../lib/api';

export interface DecisionForm {
  decision: 'approve' | 'reject' | 'request_supplement';
  missingKinds?: string[];
  verdict?: 'true' | 'not_true' | 'no_record';
  confirmedLevel?: string;
  amountYuan?: number;
  comment?: string;
}

/** How each title-review step words approve / reject (TITLE_SUPPLEMENT_KINDS may also ask for materials, 补正). */
export const TITLE_SUPPLEMENT_KINDS = ['competent_dept_review', 'qualification_review'];
export const TITLE_DECISIONS: Record<string, [string, string]> = {
  unit_recommendation: ['同意推荐（材料真实，政治表现、廉洁自律、道德品行良好）', '不予推荐'],
  competent_dept_review: ['审核通过', '审核不通过'],
  lower_committee_recommendation: ['同意推荐', '不予推荐'],
  qualification_review: ['资格审查通过', '资格审查不通过'],
  hrss_approval: ['核准评审工作方案', '不予核准'],
  objection_investigation: ['异议成立', '异议不成立'],
};

/** The request body for the decision `v` on task `t`; a unit's verdict (属实 or not) decides approve / reject. */
export function decisionBody(t: Task, v: DecisionForm): Record<string, unknown> {
  const body: Record<string, unknown> = { decision: v.decision };
  if (v.comment?.trim()) body.comment = v.comment.trim();
  if (v.decision === 'request_supplement' && v.missingKinds?.length) body.missingKinds = v.missingKinds;
  if (t.kind === 'unit_verification' && v.decision !== 'request_supplement') {
    body.verdict = v.verdict;
    body.decision = v.verdict === 'true' ? 'approve' : 'reject';
    if (v.verdict === 'true' && v.confirmedLevel) body.confirmedLevel = v.confirmedLevel;
  }
  if (t.kind === 'rereview' && v.decision === 'approve' && v.amountYuan) body.amountYuan = v.amountYuan;
  return body;
}

/** The decision in words, for the confirmation dialog. */
export function decisionWords(t: Task, body: Record<string, unknown>): string {
  return t.kind === 'unit_verification' && body.verdict ? `申请人资料${decisionLabel(String(body.verdict))}` : decisionLabel(String(body.decision));
}
