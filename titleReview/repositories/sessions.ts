/**
 * Review sessions (zj_session): the session as the office opened it (recorded by its workflow's first step) and every
 * later write of its row: status and plan, attendance, the ballot's opening and close, the recorded totals.
 */
import type { Insertable, Kysely, Transaction } from 'kysely';
import type { Database } from '../../db/schema';
import type { TitleSessionTable } from '../schema';
import type { TitleLevel } from '../rules';

type Db = Kysely<Database> | Transaction<Database>;

/** A session as the office opened it, carried in the session workflow's input until the workflow records it. */
export interface OpenedSession {
  id: string;
  year: number;
  level: TitleLevel;
  meetingDate: string;
  workflowId: string;
  createdBy: string;
  createdAt: string;
  /** the ballot threshold option (ballotShares.ts) */
  ballotThreshold?: boolean;
}

/** Records an opened session (idempotent: a retried step finds it there). */
export async function recordOpenedSession(db: Db, s: OpenedSession): Promise<void> {
  const row: Insertable<TitleSessionTable> = {
    id: s.id,
    year: s.year,
    level: s.level,
    meeting_date: s.meetingDate,
    status: 'accepting',
    workflow_id: s.workflowId,
    created_by: s.createdBy,
    created_at: s.createdAt,
    updated_at: s.createdAt,
    ballot_threshold: s.ballotThreshold === true,
  };
  await db
    .insertInto('zj_session')
    .values(row)
    .onConflict((oc) => oc.column('id').doNothing())
    .execute();
}

/** The workflow's status of the session, with its plan and meeting date when they change. */
export async function setSessionStatus(
  db: Db,
  input: { sessionId: string; status: string; at: string; plan?: Record<string, unknown>; meetingDate?: string },
): Promise<void> {
  await db
    .updateTable('zj_session')
    .set({
      status: input.status,
      updated_at: input.at,
      ...(input.plan ? { plan: JSON.stringify(input.plan) } : {}),
      ...(input.meetingDate ? { meeting_date: input.meetingDate } : {}),
    })
    .where('id', '=', input.sessionId)
    .execute();
}

/** The meeting began with this many members attending. */
export async function recordSessionAttendance(db: Db, input: { sessionId: string; attending: number; at: string }): Promise<void> {
  await db.updateTable('zj_session').set({ attending: input.attending, status: 'meeting', updated_at: input.at }).where('id', '=', input.sessionId).execute();
}

/** The ballot opens (once: a retry keeps the first instant). */
export async function openSessionBallot(db: Db, input: { sessionId: string; at: string }): Promise<void> {
  await db
    .updateTable('zj_session')
    .set({ ballot_opened_at: input.at, status: 'balloting', updated_at: input.at })
    .where('id', '=', input.sessionId)
    .where('ballot_opened_at', 'is', null)
    .execute();
}

/** The ballot closes (once); after it no ballot is accepted. */
export async function closeSessionBallot(db: Db, input: { sessionId: string; at: string }): Promise<void> {
  await db
    .updateTable('zj_session')
    .set({ ballot_closed_at: input.at, updated_at: input.at })
    .where('id', '=', input.sessionId)
    .where('ballot_closed_at', 'is', null)
    .execute();
}

/** The count's totals, the only thing of the ballot that is kept. */
export async function recordSessionResults(db: Db, input: { sessionId: string; results: unknown }): Promise<void> {
  await db
    .updateTable('zj_session')
    .set({ results: JSON.stringify(input.results) })
    .where('id', '=', input.sessionId)
    .execute();
}
