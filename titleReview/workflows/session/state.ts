/**
 * The session workflow's input and state (titleSession.ts), and the small helpers every part of it uses.
 * Workflow code: imports only @temporalio/workflow and pure modules.
 */
import { ApplicationFailure } from '@temporalio/workflow';
import type { OpenedSession } from '../../repositories/sessions';
import type { SessionApplication } from '../../activities';
import type { DrawMember } from '../../committeeDraw';
import type { TallyRow, TitleLevel } from '../../rules';

export interface TitleSessionInput {
  sessionId: string;
  year: number;
  level: TitleLevel;
  meetingDate: string;
  /** the session as opened, recorded by the workflow's first step (older sessions were recorded by the API) */
  record?: OpenedSession;
}

export type Phase = 'accepting' | 'pre_review' | 'ready' | 'meeting' | 'interviews' | 'balloting' | 'results_publicity' | 'completed';

export interface App extends SessionApplication {
  out: string | null; // disqualified / withdrawn / failed / overturned
  interviewed: boolean;
  passed: boolean;
}

export interface SessionState {
  phase: Phase;
  issue: null | 'plan_rejected' | 'meeting_date_must_move';
  meetingDate: string;
  latestApprovalOn: string | null;
  approvalDeadlineAt: string | null;
  approvedOn: string | null;
  planResubmits: number;
  meetingMoves: number;
  preReviewDone: boolean;
  drawNo: number;
  committee: DrawMember[] | null;
  present: string[] | null;
  ballotOpen: boolean;
  results: TallyRow[] | null;
}

export function initialState(input: TitleSessionInput): SessionState {
  return {
    phase: 'accepting',
    issue: null,
    meetingDate: input.meetingDate,
    latestApprovalOn: null,
    approvalDeadlineAt: null,
    approvedOn: null,
    planResubmits: 0,
    meetingMoves: 0,
    preReviewDone: false,
    drawNo: 0,
    committee: null,
    present: null,
    ballotOpen: false,
    results: null,
  };
}

export const nowIso = () => new Date(Date.now()).toISOString();

export function fail(type: string, message: string): never {
  throw ApplicationFailure.create({ type, message, nonRetryable: true });
}
