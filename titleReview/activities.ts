/**
 * Activities of the Zhejiang title review: projections of application and session state, the pool snapshot,
 * the committee, attendance, the ballot count, certificates and misconduct — each idempotent.
 * Every instant comes from the workflow (`at`).
 */
import { refuseLateApplications } from './lateApplications';
import { randomBytes } from 'node:crypto';
import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../db/schema';
import { insertTimeline, SYSTEM_ACTOR } from '../platform/timeline/timeline';
import { loadCalendar } from '../platform/calendar/calendarTable';
import { endOfShanghaiDay, shanghaiDate, workingDaysBetween } from '../platform/calendar/workdays';
import { ensureBallotKey, openBallotBox } from './ballotBox';
import { banYears, expertEligibility, latestApprovalDay, tally, type TallyRow, type TitleCategory, type TitleLevel } from './rules';
import type { PoolExpert } from './committeeDraw';

type Db = Kysely<Database> | Transaction<Database>;

/** statuses that end an application; nothing may overwrite a withdrawal */
const FINAL = ['withdrawn'];

export interface SessionApplication {
  id: string;
  applicationNo: string;
  name: string;
  idNumber: string;
  category: TitleCategory;
  channel: string;
  employerOrgCode: string;
  employerName: string;
  workflowId: string;
}

async function appTimeline(
  db: Db,
  e: { applicationId: string; eventKey: string; stage: string; event: string; at: string; comment?: string | null; data?: unknown; actor?: string; actorName?: string; orgCode?: string | null },
) {
  await insertTimeline(db, {
    eventKey: e.eventKey,
    subjectType: 'title_application',
    subjectId: e.applicationId,
    stage: e.stage,
    orgCode: e.orgCode ?? null,
    actor: e.actor ?? SYSTEM_ACTOR.actor,
    actorName: e.actorName ?? SYSTEM_ACTOR.actorName,
    event: e.event,
    comment: e.comment ?? null,
    data: e.data,
    at: e.at,
  });
}

export function createZhejiangActivities(db: Kysely<Database>) {
  return {
    /** Projects an application's status; a closing status records when and why. A withdrawal is never overwritten. */
    async zjSetApplicationStatus(input: {
      applicationId: string;
      status: string;
      stage: string;
      at: string;
      close?: { reason: string | null };
      event?: string;
      eventKey?: string;
      comment?: string | null;
      data?: Record<string, unknown>;
    }): Promise<void> {
      await db.transaction().execute(async (trx) => {
        const r = await trx
          .updateTable('zj_application')
          .set({
            status: input.status,
            stage: input.stage,
            updated_at: input.at,
            ...(input.close ? { closed_at: input.at, close_reason: input.close.reason } : {}),
            ...(input.data?.result ? { result: JSON.stringify(input.data.result) } : {}),
          })
          .where('id', '=', input.applicationId)
          .where('status', 'not in', FINAL)
          .executeTakeFirst();
        if (input.event && input.eventKey && Number(r.numUpdatedRows) > 0) {
          await appTimeline(trx, { applicationId: input.applicationId, eventKey: input.eventKey, stage: input.stage, event: input.event, at: input.at, comment: input.comment ?? input.close?.reason ?? null, data: { status: input.status, ...input.data } });
        }
      });
    },

    /** Qualification passed: the application joins its session if the session still takes applications. */
    async zjMarkQualified(input: { applicationId: string; at: string; eventKey: string }): Promise<{ inSession: boolean }> {
      return db.transaction().execute(async (trx) => {
        const app = await trx.selectFrom('zj_application').select(['session_id', 'status']).where('id', '=', input.applicationId).executeTakeFirstOrThrow();
        if (app.status === 'withdrawn') return { inSession: false };
        if (app.status === 'qualified') return { inSession: true };
        if (app.status === 'deferred') return { inSession: false };
        const session = await trx.selectFrom('zj_session').select('status').where('id', '=', app.session_id).forShare().executeTakeFirstOrThrow();
        const inSession = session.status === 'accepting';
        const status = inSession ? 'qualified' : 'deferred';
        const reason = inSession ? null : '资格审查通过时本年度评审已进入评前公示，请参加下一年度评审';
        await trx
          .updateTable('zj_application')
          .set({ status, stage: 'qualification_review', updated_at: input.at, ...(inSession ? {} : { closed_at: input.at, close_reason: reason }) })
          .where('id', '=', input.applicationId)
          .execute();
        await appTimeline(trx, { applicationId: input.applicationId, eventKey: input.eventKey, stage: 'qualification_review', event: status, at: input.at, comment: reason });
        return { inSession };
      });
    },

    async zjSetSessionStatus(input: {
      sessionId: string;
      status: string;
      at: string;
      event?: string;
      eventKey?: string;
      comment?: string | null;
      data?: Record<string, unknown>;
      plan?: Record<string, unknown>;
      meetingDate?: string;
    }): Promise<void> {
      await db.transaction().execute(async (trx) => {
        await trx
          .updateTable('zj_session')
          .set({
            status: input.status,
            updated_at: input.at,
            ...(input.plan ? { plan: JSON.stringify(input.plan) } : {}),
            ...(input.meetingDate ? { meeting_date: input.meetingDate } : {}),
          })
          .where('id', '=', input.sessionId)
          .execute();
        if (input.event && input.eventKey) {
          await insertTimeline(trx, {
            eventKey: input.eventKey,
            subjectType: 'title_session',
            subjectId: input.sessionId,
            stage: input.status,
            orgCode: null,
            ...SYSTEM_ACTOR,
            event: input.event,
            comment: input.comment ?? null,
            data: { status: input.status, ...input.data },
            at: input.at,
          });
        }
      });
      if (input.event === 'pre_review_started') await refuseLateApplications(db, input);
    },

    /** The HRSS approval must come at least 10 working days before the meeting: the latest day, and what is left. */
    async zjPlanSchedule(input: { meetingDate: string; at: string }): Promise<{ latestApprovalOn: string; approvalDeadlineAt: string; workingDaysLeft: number }> {
      const year = Number(input.meetingDate.slice(0, 4));
      const today = shanghaiDate(new Date(input.at));
      const { cal } = await loadCalendar(db, Math.min(year, Number(today.slice(0, 4))) - 1, year);
      const latest = latestApprovalDay(input.meetingDate, cal);
      const left = latest < today ? -1 : workingDaysBetween(today, latest, cal).count;
      return { latestApprovalOn: latest, approvalDeadlineAt: endOfShanghaiDay(latest).toISOString(), workingDaysLeft: left };
    },

    /** The qualified applications of a session, as the pre-review publicity lists them. */
    async zjListQualified(input: { sessionId: string }): Promise<SessionApplication[]> {
      const rows = await db
        .selectFrom('zj_application')
        .innerJoin('org', 'org.code', 'zj_application.employer_org_code')
        .select([
          'zj_application.id',
          'zj_application.application_no',
          'zj_application.applicant_name',
          'zj_application.applicant_id_number',
          'zj_application.category',
          'zj_application.channel',
          'zj_application.employer_org_code',
          'org.name as employer_name',
          'zj_application.workflow_id',
        ])
        .where('zj_application.session_id', '=', input.sessionId)
        .where('zj_application.status', '=', 'qualified')
        .orderBy('zj_application.application_no')
        .execute();
      return rows.map((r) => ({
        id: r.id,
        applicationNo: r.application_no,
        name: r.applicant_name,
        idNumber: r.applicant_id_number,
        category: r.category as TitleCategory,
        channel: r.channel,
        employerOrgCode: r.employer_org_code,
        employerName: r.employer_name,
        workflowId: r.workflow_id,
      }));
    },

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
    }): Promise<void> {
      await db.transaction().execute(async (trx) => {
        const inserted = await trx
          .insertInto('zj_committee_draw')
          .values({
            session_id: input.sessionId,
            draw_no: input.drawNo,
            algorithm: input.algorithm,
            seed: input.seed,
            size: input.size,
            pool_snapshot: JSON.stringify(input.pool),
            applicants_snapshot: JSON.stringify(input.applicants),
            members: JSON.stringify(input.members),
            reason: input.reason,
            drawn_by: input.drawnBy,
            drawn_at: input.at,
          })
          .onConflict((oc) => oc.columns(['session_id', 'draw_no']).doNothing())
          .executeTakeFirst();
        if (Number(inserted.numInsertedOrUpdatedRows ?? 0) === 0) return; // a retry: already saved
        await trx.deleteFrom('zj_committee_member').where('session_id', '=', input.sessionId).execute();
        await trx
          .insertInto('zj_committee_member')
          .values(input.members.map((m) => ({ session_id: input.sessionId, expert_id: m.expertId, subgroup: m.subgroup, role: m.role, present: null })))
          .execute();
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
        await trx.updateTable('zj_committee_member').set({ present: false }).where('session_id', '=', input.sessionId).execute();
        await trx.updateTable('zj_committee_member').set({ present: true }).where('session_id', '=', input.sessionId).where('expert_id', 'in', input.present).execute();
        await trx.updateTable('zj_session').set({ attending: input.present.length, status: 'meeting', updated_at: input.at }).where('id', '=', input.sessionId).execute();
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
        await trx
          .updateTable('zj_application')
          .set({ interview: JSON.stringify({ summary: input.summary, recordedBy: input.by, recordedAt: input.at }), updated_at: input.at })
          .where('id', '=', input.applicationId)
          .execute();
        await appTimeline(trx, { applicationId: input.applicationId, eventKey: input.eventKey, stage: 'meeting', event: 'interview_recorded', at: input.at, actor: input.by, actorName: input.by, orgCode: 'ZJ-YJT-RSC' });
      });
    },

    /** Opens the secret ballot on these applications. */
    async zjOpenBallot(input: { sessionId: string; applicationIds: string[]; at: string; eventKey: string }): Promise<void> {
      await db.transaction().execute(async (trx) => {
        await trx.updateTable('zj_session').set({ ballot_opened_at: input.at, status: 'balloting', updated_at: input.at }).where('id', '=', input.sessionId).where('ballot_opened_at', 'is', null).execute();
        await ensureBallotKey(trx, input.sessionId); // the key pair papers are sealed to (ballotBox.ts)
        if (input.applicationIds.length) {
          await trx
            .updateTable('zj_application')
            .set({ status: 'balloting', stage: 'meeting', updated_at: input.at })
            .where('id', 'in', input.applicationIds)
            .where('status', 'not in', FINAL)
            .execute();
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
    async zjCloseBallot(input: { sessionId: string; applicationIds: string[]; attending: number; closedBy: string; at: string; eventKey: string }): Promise<TallyRow[]> {
      return db.transaction().execute(async (trx) => {
        const locked = await trx.selectFrom('zj_session').select(['id', 'ballot_closed_at', 'results']).where('id', '=', input.sessionId).forUpdate().executeTakeFirstOrThrow();
        // a retry after the count committed: the papers' key is erased, the recorded totals are the count
        if (locked.ballot_closed_at && locked.results) return (locked.results as { results: TallyRow[] }).results;
        await trx.updateTable('zj_session').set({ ballot_closed_at: input.at, updated_at: input.at }).where('id', '=', input.sessionId).where('ballot_closed_at', 'is', null).execute();
        const { votes } = await openBallotBox(trx, input.sessionId);
        const voters = await trx.selectFrom('ballot_voter').select((eb) => eb.fn.countAll<string>().as('n')).where('session_id', '=', input.sessionId).executeTakeFirstOrThrow();
        const results = tally(input.applicationIds, votes, input.attending);
        await trx.updateTable('zj_session').set({ results: JSON.stringify({ results, ballotsCast: Number(voters.n), attending: input.attending }) }).where('id', '=', input.sessionId).execute();
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
    },

    /** Grants the title: an electronic certificate with a verification code, recorded against the person. */
    async zjIssueCertificate(input: { applicationId: string; at: string; eventKey: string }): Promise<{ certificateCode: string }> {
      return db.transaction().execute(async (trx) => {
        const app = await trx.selectFrom('zj_application').selectAll().where('id', '=', input.applicationId).executeTakeFirstOrThrow();
        const code = `ZJAQ-${app.level === 'senior' ? 'G' : 'Z'}${shanghaiDate(new Date(input.at)).slice(0, 4)}-${randomBytes(6).toString('hex').toUpperCase()}`;
        await trx
          .insertInto('title_grant')
          .values({
            id_number: app.applicant_id_number,
            name: app.applicant_name,
            level: app.level as TitleLevel,
            category: app.category,
            granted_on: shanghaiDate(new Date(input.at)),
            certificate_code: code,
            session_id: app.session_id,
            application_id: app.id,
          })
          .onConflict((oc) => oc.column('application_id').doNothing())
          .execute();
        const grant = await trx.selectFrom('title_grant').select('certificate_code').where('application_id', '=', app.id).executeTakeFirstOrThrow();
        await trx
          .updateTable('zj_application')
          .set({ status: 'certified', stage: 'certificate', updated_at: input.at, closed_at: input.at })
          .where('id', '=', app.id)
          .where('status', 'not in', FINAL)
          .execute();
        await appTimeline(trx, { applicationId: app.id, eventKey: input.eventKey, stage: 'certificate', event: 'certificate_issued', at: input.at, orgCode: 'ZJ-YJT-RSC', data: { certificateCode: grant.certificate_code } });
        return { certificateCode: grant.certificate_code };
      });
    },

    /**
     * 第十七条 misconduct: the application is withdrawn (materials returned, the year's review cancelled), the person
     * is banned for 3 years from the next year, a granted title is revoked.
     */
    async zjRecordMisconduct(input: { applicationId: string; reason: string; decidedBy: string; at: string; eventKey: string }): Promise<{
      fromYear: number;
      toYear: number;
      revokedCertificate: string | null;
      name: string;
      applicationNo: string;
      employerName: string;
      level: string;
      sessionId: string;
    }> {
      return db.transaction().execute(async (trx) => {
        const app = await trx
          .selectFrom('zj_application')
          .innerJoin('org', 'org.code', 'zj_application.employer_org_code')
          .selectAll('zj_application')
          .select('org.name as employer_name')
          .where('zj_application.id', '=', input.applicationId)
          .forUpdate()
          .executeTakeFirstOrThrow();
        const { fromYear, toYear } = banYears(Number(shanghaiDate(new Date(input.at)).slice(0, 4)));
        await trx
          .insertInto('title_ban')
          .values({ id_number: app.applicant_id_number, from_year: fromYear, to_year: toYear, reason: input.reason, decided_by: input.decidedBy, decided_at: input.at, application_id: app.id })
          .onConflict((oc) => oc.column('application_id').doNothing())
          .execute();
        const ban = await trx.selectFrom('title_ban').select(['from_year', 'to_year']).where('application_id', '=', app.id).executeTakeFirstOrThrow();
        const revoked = await trx
          .updateTable('title_grant')
          .set({ revoked_at: input.at, revoked_reason: input.reason })
          .where('application_id', '=', app.id)
          .where('revoked_at', 'is', null)
          .returning('certificate_code')
          .executeTakeFirst();
        const grant = await trx.selectFrom('title_grant').select('certificate_code').where('application_id', '=', app.id).executeTakeFirst();
        await trx
          .updateTable('zj_application')
          .set({ status: 'withdrawn', updated_at: input.at, closed_at: input.at, close_reason: `违纪（第十七条）：${input.reason}` })
          .where('id', '=', app.id)
          .execute();
        // an open objection about it is moot
        await trx.updateTable('objection').set({ status: 'cancelled', decided_at: input.at }).where('application_id', '=', app.id).where('status', '=', 'open').execute();
        await appTimeline(trx, {
          applicationId: app.id,
          eventKey: input.eventKey,
          stage: app.stage,
          event: 'misconduct',
          at: input.at,
          actor: input.decidedBy,
          actorName: input.decidedBy,
          orgCode: 'ZJ-YJT-RSC',
          comment: input.reason,
          data: { banFromYear: ban.from_year, banToYear: ban.to_year, revokedCertificate: revoked?.certificate_code ?? null },
        });
        return {
          fromYear: ban.from_year,
          toYear: ban.to_year,
          revokedCertificate: grant?.certificate_code ?? null,
          name: app.applicant_name,
          applicationNo: app.application_no,
          employerName: app.employer_name,
          level: app.level,
          sessionId: app.session_id,
        };
      });
    },
  };
}

export type ZhejiangActivities = ReturnType<typeof createZhejiangActivities>;
