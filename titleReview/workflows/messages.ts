/**
 * Messages of the Zhejiang title-review workflows, shared with the API (it imports only these definitions).
 * Rejections use ApplicationFailure types that are ProblemCodes (platform/http/problem.ts), so the API keeps the code.
 */
import { defineSignal, defineUpdate } from '@temporalio/workflow';
import type { Actor } from '../../platform/tasks/messages';
import type { TallyRow } from '../rules';
import type { DrawMember } from '../committeeDraw';

export { fileObjectionUpdate, type ObjectionInput } from '../../platform/publicity/messages';

/** The application was withdrawn for misconduct: its open tasks are cancelled and it ends. */
export const withdrawnSignal = defineSignal<[{ reason: string }]>('withdrawn');
/** the session's pre-review publicity started before this application qualified: it is refused with the reason */
export const sessionClosedSignal = defineSignal<[{ reason: string }]>('sessionClosed');
/** To the session: an application left it (misconduct); it is not balloted or certified. */
export const applicationWithdrawnSignal = defineSignal<[{ applicationId: string; reason: string }]>('applicationWithdrawn');

export interface SessionView {
  status: string;
  stage: string;
  meetingDate: string;
  latestApprovalOn: string | null;
  ballotOpen: boolean;
  openTaskIds: string[];
}

export const startPreReviewUpdate = defineUpdate<SessionView, [{ actor: Actor }]>('startPreReview');
export const resubmitPlanUpdate = defineUpdate<SessionView, [{ actor: Actor; comment?: string }]>('resubmitPlan');
export const moveMeetingUpdate = defineUpdate<SessionView, [{ actor: Actor; meetingDate: string; reason: string }]>('moveMeeting');

export interface DrawRequest {
  actor: Actor;
  seed: string;
  size: number;
  reason: string | null;
}
export interface DrawOutcome {
  drawNo: number;
  algorithm: string;
  seed: string;
  poolSize: number;
  members: DrawMember[];
}
export const drawCommitteeUpdate = defineUpdate<DrawOutcome, [DrawRequest]>('drawCommittee');
export const recordAttendanceUpdate = defineUpdate<SessionView, [{ actor: Actor; present: string[] }]>('recordAttendance');
export const recordInterviewUpdate = defineUpdate<SessionView, [{ actor: Actor; applicationId: string; summary: string }]>('recordInterview');
/** Closes the secret ballot; `expertId` is the acting expert (the API maps the account to it). Returns the count. */
export const closeBallotUpdate = defineUpdate<{ results: TallyRow[] }, [{ actor: Actor; expertId: string }]>('closeBallot');
/**
 * A threshold ballot: holder `x` (the chair or a vice-chair, `expertId`) has presented a good key share, which the API
 * checked and keeps (never the share itself in the workflow). Returns how many are presented and needed.
 */
export const presentBallotShareUpdate = defineUpdate<{ sharesPresented: number; needed: number }, [{ actor: Actor; expertId: string; x: number }]>(
  'presentBallotShare',
);

export const TitleRejection = {
  SESSION_STATE: 'SESSION_STATE',
  NOTICE_CLOSED: 'NOTICE_CLOSED',
  MEETING_TOO_SOON: 'MEETING_TOO_SOON',
  POOL_TOO_SMALL: 'POOL_TOO_SMALL',
  QUORUM_NOT_MET: 'QUORUM_NOT_MET',
  BALLOT_CLOSED: 'BALLOT_CLOSED',
  NOT_PRESIDING: 'NOT_PRESIDING',
  NOT_SHARE_HOLDER: 'NOT_SHARE_HOLDER',
  BALLOT_SHARES_NEEDED: 'BALLOT_SHARES_NEEDED',
  VALIDATION_FAILED: 'VALIDATION_FAILED',
} as const;
