/** The session's committee: each draw as made (zj_committee_draw), the members it drew and their attendance. */
import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../../db/schema';

type Db = Kysely<Database> | Transaction<Database>;

export interface CommitteeMember {
  expertId: string;
  subgroup: string;
  role: 'chair' | 'vice_chair' | 'member';
}

/** Saves a draw once (a retry finds it): false when this draw number was already saved. */
export async function insertCommitteeDraw(
  db: Db,
  d: {
    sessionId: string;
    drawNo: number;
    algorithm: string;
    seed: string;
    size: number;
    pool: unknown;
    applicants: unknown;
    members: CommitteeMember[];
    reason: string | null;
    drawnBy: string;
    at: string;
    policyEditionId?: string | null;
  },
): Promise<boolean> {
  const inserted = await db
    .insertInto('zj_committee_draw')
    .values({
      session_id: d.sessionId,
      draw_no: d.drawNo,
      algorithm: d.algorithm,
      seed: d.seed,
      size: d.size,
      pool_snapshot: JSON.stringify(d.pool),
      applicants_snapshot: JSON.stringify(d.applicants),
      members: JSON.stringify(d.members),
      reason: d.reason,
      drawn_by: d.drawnBy,
      drawn_at: d.at,
      policy_edition_id: d.policyEditionId ?? null,
    })
    .onConflict((oc) => oc.columns(['session_id', 'draw_no']).doNothing())
    .executeTakeFirst();
  return Number(inserted.numInsertedOrUpdatedRows ?? 0) > 0;
}

/** The committee is the latest draw's members (a redraw replaces them); attendance not yet recorded. */
export async function replaceCommitteeMembers(db: Db, input: { sessionId: string; members: CommitteeMember[] }): Promise<void> {
  await db.deleteFrom('zj_committee_member').where('session_id', '=', input.sessionId).execute();
  await db
    .insertInto('zj_committee_member')
    .values(input.members.map((m) => ({ session_id: input.sessionId, expert_id: m.expertId, subgroup: m.subgroup, role: m.role, present: null })))
    .execute();
}

/** Who attends the meeting: these members present, every other absent. */
export async function recordMemberAttendance(db: Db, input: { sessionId: string; present: string[] }): Promise<void> {
  await db.updateTable('zj_committee_member').set({ present: false }).where('session_id', '=', input.sessionId).execute();
  await db
    .updateTable('zj_committee_member')
    .set({ present: true })
    .where('session_id', '=', input.sessionId)
    .where('expert_id', 'in', input.present)
    .execute();
}
