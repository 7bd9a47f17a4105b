/** What a workflow running a publicity period (publicity.ts) takes from outside: objections. */
import { defineUpdate } from '@temporalio/workflow';

export interface ObjectionInput {
  objectionId: string;
  noticeId: string;
  /** the publicised entry (an applicant's application id) the objection is about, if the objector named one */
  applicationId: string | null;
}

/** An objection to a running notice: it becomes an investigation task; answers that task's id. */
export const fileObjectionUpdate = defineUpdate<{ taskId: string }, [ObjectionInput]>('fileObjection');

/** Stable codes of a publicity's refusals (the API answers them as problem+json). */
export const PublicityRejection = {
  NOTICE_CLOSED: 'NOTICE_CLOSED',
  VALIDATION_FAILED: 'VALIDATION_FAILED',
} as const;
