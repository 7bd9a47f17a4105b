import { applicationTerms, titleStageEdition, titleTerms } from './policy/terms';
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema';
import { insertTimeline, SYSTEM_ACTOR } from '../platform/timeline/timeline';
import { ensureBallotKey, eraseClosedBallotKeys, openBallotBox } from './ballotBox';
import { expertEligibility, tally, type TallyRow, type TitleCategory, type TitleLevel } from './rules';
import type { PoolExpert } from './committeeDraw';

import { appTimeline } from './activities';
import { markApplicationsBalloting, recordInterview } from './repositories/applications';
import { insertCommitteeDraw, recordMemberAttendance, replaceCommitteeMembers } from './repositories/committee';
import { closeSessionBallot, openSessionBallot, recordSessionAttendance, recordSessionResults } from './repositories/sessions';

export function createTitleMeetingActivities(db: Kysely<Database>) {
  return {
    /** The eligible experts of a pool on a date, sorted by id: the snapshot a draw is made from. */
    async zjPoolSnapshot(input: { level: TitleLevel; onDate: string }): Promise<(PoolExpert & { name: string; title: string; titleSince: string })[]> {
      const rows = await db.selectFrom('zj_expert').selectAll().where('pool', '=', input.level).where('active', '=', true).orderBy('id').execute();
      return rows
        .filter((e) => expertEligibility(input.level, { title: e.title, titleSince: e.title_since }, input.onDate).eligible)
        .map((e) => ({ id: e.id, specialty: e.specialty as TitleCategory, orgName: e.org_name, name: e.name, title: e.title, titleSince: e.title_since }));
    },

    async zjSaveCommittee(input: {
      sessionId: string;
      drawNo: number;
      algorithm: string;
      seed: string;
      size: number;
      pool: unknown;
      applicants: unknown;
      members: { expertId: string; subgroup: string; role: 'chair' | 'vice_chair' | 'member' }[];
      reason: string | null;
      drawnBy: string;
      at: string;
      eventKey: string;
      /** the edition whose sizes the draw checked */
      policyEditionId?: string | null;
    }): Promise<void> {
      await db.transaction().execute(async (trx) => {
        const inserted = await insertCommitteeDraw(trx, input);
        if (!inserted) return; // a retry: already saved
        await replaceCommitteeMembers(trx, input);
        await insertTimeline(trx, {
          eventKey: input.eventKey,
          subjectType: 'title_session',
          subjectId: input.sessionId,
          stage: 'committee',
          orgCode: 'ZJ-YJT-RSC',
          actor: input.drawnBy,
          event: 'committee_drawn',
          comment: input.reason,
          data: { drawNo: input.drawNo, seed: input.seed, size: input.size, algorithm: input.algorithm },
          at: input.at,
        });
      });
    },

    async zjRecordAttendance(input: { sessionId: string; present: string[]; by: string; at: string; eventKey: string }): Promise<void> {
      await db.transaction().execute(async (trx) => {
        await recordMemberAttendance(trx, input);
        await recordSessionAttendance(trx, { sessionId: input.sessionId, attending: input.present.length, at: input.at });
        await insertTimeline(trx, {
          eventKey: input.eventKey,
          subjectType: 'title_session',
          subjectId: input.sessionId,
          stage: 'meeting',
          orgCode: 'ZJ-YJT-RSC',
          actor: input.by,
          event: 'attendance_recorded',
          comment: `出席委员 ${input.present.length} 人`,
          data: { attending: input.present.length },
          at: input.at,
        });
      });
    },

    async zjRecordInterview(input: { applicationId: string; summary: string; by: string; at: string; eventKey: string }): Promise<void> {
      await db.transaction().execute(async (trx) => {
        await recordInterview(trx, input);
        await appTimeline(trx, {
          applicationId: input.applicationId,
          eventKey: input.eventKey,
          stage: 'meeting',
          event: 'interview_recorded',
          at: input.at,
          actor: input.by,
          actorName: input.by,
          orgCode: 'ZJ-YJT-RSC',
        });
      });
    },

    /** Opens the secret ballot on these applications. */
    async zjOpenBallot(input: { sessionId: string; applicationIds: string[]; at: string; eventKey: string }): Promise<void> {
      await db.transaction().execute(async (trx) => {
        await openSessionBallot(trx, input);
        await ensureBallotKey(trx, input.sessionId); // the key pair papers are sealed to (ballotBox.ts)
        if (input.applicationIds.length) {
          await markApplicationsBalloting(trx, input);
        }
        await insertTimeline(trx, {
          eventKey: input.eventKey,
          subjectType: 'title_session',
          subjectId: input.sessionId,
          stage: 'balloting',
          orgCode: 'ZJ-YJT-RSC',
          ...SYSTEM_ACTOR,
          event: 'ballot_opened',
          data: { applications: input.applicationIds.length },
          at: input.at,
        });
      });
    },

    /**
     * Closes the ballot and counts it, in one transaction that waits for ballots being cast (the session row lock):
     * after it no ballot is accepted. The sealed papers are opened there (titleReview/ballotBox.ts) and only the totals
     * leave this activity. A retry after the commit returns the recorded totals.
     */
    async zjCloseBallot(input: {
      sessionId: string;
      applicationIds: string[];
      attending: number;
      /** the meeting's quorum (its edition's minCommittee, 程序从新); absent: the edition in force at `at` */
      minCommittee?: number;
      closedBy: string;
      at: string;
      eventKey: string;
    }): Promise<TallyRow[]> {
      const counted = await db.transaction().execute(async (trx) => {
        const locked = await trx
          .selectFrom('zj_session')
          .select(['id', 'ballot_closed_at', 'results'])
          .where('id', '=', input.sessionId)
          .forUpdate()
          .executeTakeFirstOrThrow();
        // a retry after the count committed: the papers' key is erased, the recorded totals are the count
        if (locked.ballot_closed_at && locked.results) return (locked.results as { results: TallyRow[] }).results;
        await closeSessionBallot(trx, input);
        const { votes } = await openBallotBox(trx, input.sessionId);
        const voters = await trx
          .selectFrom('ballot_voter')
          .select((eb) => eb.fn.countAll<string>().as('n'))
          .where('session_id', '=', input.sessionId)
          .executeTakeFirstOrThrow();
        // 实体从旧: each application passes by the fraction of the edition in force when it was submitted
        const terms = await applicationTerms(trx, input.applicationIds);
        const minCommittee = input.minCommittee ?? titleTerms(await titleStageEdition(trx, new Date(input.at))).minCommittee;
        const results = tally(input.applicationIds, votes, input.attending, (id) => terms.get(id)!, { minCommittee });
        await recordSessionResults(trx, { sessionId: input.sessionId, results: { results, ballotsCast: Number(voters.n), attending: input.attending } });
        await insertTimeline(trx, {
          eventKey: input.eventKey,
          subjectType: 'title_session',
          subjectId: input.sessionId,
          stage: 'balloting',
          orgCode: 'ZJ-YJT-RSC',
          actor: input.closedBy,
          event: 'ballot_closed',
          comment: `出席 ${input.attending} 人，投票 ${Number(voters.n)} 人，通过 ${results.filter((r) => r.passed).length} 人`,
          data: { ballotsCast: Number(voters.n), attending: input.attending },
          at: input.at,
        });
        return results;
      });
      // the erased key leaves no dead row version behind (a retry rewrites the tables again: harmless)
      await eraseClosedBallotKeys(db);
      return counted;
    },
  };
}
