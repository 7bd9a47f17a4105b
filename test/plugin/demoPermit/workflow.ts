/**
 * The demo permit: submitted → one review task (the kernel's HumanTasks loop) → granted or refused. Nothing here
 * is new machinery: the task, its inbox row, the decision Update with its validator and the committed state all
 * come from platform/tasks/humanTask.ts.
 */
import { proxyActivities } from '@temporalio/workflow';
import { HumanTasks } from '../../../platform/tasks/humanTask';
import { DB_ACTIVITY } from '../../../platform/workflows/activityOptions';
import type { DemoPermitActivities } from './activities';
import type { SubmittedPermit } from './repository';
import { DEMO_PERMIT_SUBJECT, DEMO_REVIEW_TASK } from './names';

const permits = proxyActivities<DemoPermitActivities>(DB_ACTIVITY);
const nowIso = () => new Date(Date.now()).toISOString();

export interface DemoPermitInput {
  /** the submission; its ID number sealed for the workflow (platform/identity/personRef.ts sealForWorkflow) */
  permit: SubmittedPermit;
  /** the applicant as the workflow recognises them: a person reference, never the ID number */
  applicantRef: string;
  /** the body that reviews it, and the role that decides there */
  reviewOrgCode: string;
  reviewRole: string;
}

export async function demoPermitWorkflow(input: DemoPermitInput): Promise<{ status: string }> {
  const state = { status: 'review', stage: 'review' };
  const tasks = new HumanTasks(() => ({ ...state }));
  const { permit } = input;
  await permits.recordDemoPermit({ permit, at: nowIso(), eventKey: tasks.eventKey('submitted') });
  const review = await tasks.run({
    key: 'review',
    kind: DEMO_REVIEW_TASK,
    role: input.reviewRole,
    orgCode: input.reviewOrgCode,
    stage: 'review',
    slaWorkingDays: 5,
    subject: { type: DEMO_PERMIT_SUBJECT, id: permit.permitId, ref: permit.reference, personId: input.applicantRef },
    check: () => ({ ok: true }),
  });
  state.status = review.decision === 'approve' ? 'granted' : 'refused';
  state.stage = 'done';
  await permits.setDemoPermitStatus({ permitId: permit.permitId, status: state.status, stage: state.stage, at: nowIso(), closed: true });
  await tasks.finish();
  return { status: state.status };
}
