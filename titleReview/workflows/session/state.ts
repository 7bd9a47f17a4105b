/**
 * The session workflow's input and state (titleSession.ts), and the small helpers every part of it uses.
 * Workflow code: imports only @temporalio/workflow and pure modules.
 */
import { ApplicationFailure } from '@temporalio/workflow';
import type { OpenedSession } from '../../repositories/sessions';
import type { SessionApplication } from '../../activities';
import type { DrawMember } from '../../committeeDraw';
import type { TallyRow, TitleLevel } from '../../rules';
import type { TitleStageTerms } from '../../policyActivities';
import { termsOf } from '../stageTerms';

export interface TitleSessionInput {
  sessionId: string;
  year: number;
  level: TitleLevel;
  meetingDate: string;
  /** the session as opened, recorded by the workflow's first step (older sessions were recorded by the API) */
  record?: OpenedSession;
  /** the ballot threshold option: the count needs two of the chair's and vice-chairs' key shares (ballotShares.ts) */
  ballotThreshold?: boolean;
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
  /** the plan's terms (HRSS lead time, committee sizes), read when the pre-review starts (程序从新; null before the patch) */
  planTerms: TitleStageTerms | null;
  /** the meeting's terms (the quorum), read when the session is ready for its meeting */
  meetingTerms: TitleStageTerms | null;
  /** the policy edition each stage's procedural terms came from (stage → edition id) */
  stageEditions: Record<string, string>;
  /** the x of each key share presented (threshold ballots) */
  sharesPresented: number[];
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
    planTerms: null,
    meetingTerms: null,
    stageEditions: {},
    sharesPresented: [],
  };
}

/** the HRSS lead time the session's plan runs under (the edition read when the pre-review started) */
export const leadDays = (s: Pick<SessionState, 'planTerms'>) => termsOf(s.planTerms).hrssLeadWorkingDays;

export const nowIso = () => new Date(Date.now()).toISOString();

export function fail(type: string, message: string): never {
  throw ApplicationFailure.create({ type, message, nonRetryable: true });
}

/**
 * What the HRSS approver is told when their approval came after the latest allowed day (10 working days before the
 * meeting): the approval is kept, the meeting date must move, and the approval takes effect once it has moved.
 * Part of the state every Update answers with (the decision's answer and the task page show it).
 */
export function approvalNotice(s: SessionState): { notice?: { code: string; message: string } } {
  if (s.issue !== 'meeting_date_must_move' || !s.approvedOn || !s.latestApprovalOn || s.approvedOn <= s.latestApprovalOn) return {};
  return {
    notice: {
      code: 'APPROVAL_TOO_LATE',
      message:
        `核准晚于期限：评审会议（${s.meetingDate}）的评审工作方案须于会前${leadDays(s)}个工作日（${s.latestApprovalOn}）前核准，` +
        `本次核准日期为 ${s.approvedOn}。核准已记录，但会议不能按原日期召开：评审委员会办公室须将会议改期` +
        `（新日期的最迟核准日不早于 ${s.approvedOn}），改期后本次核准即生效，无需重新审批。`,
    },
  };
}
