/**
 * Activities of the Zhejiang title review: projections of application and session state, the pool snapshot,
 * the committee, attendance, the ballot count, certificates and misconduct — each idempotent.
 * Every instant comes from the workflow (`at`).
 */
import { titleStageEdition, titleTerms } from './policy/terms';
import { refuseLateApplications } from './lateApplications';
import { createTitleMeetingActivities } from './meetingActivities';
import { createTitleOutcomeActivities } from './outcomeActivities';
import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../db/schema';
import { insertTimeline, SYSTEM_ACTOR } from '../platform/timeline/timeline';
import { loadCalendar } from '../platform/calendar/calendarTable';
import { endOfShanghaiDay, shanghaiDate, workingDaysBetween } from '../platform/calendar/workdays';
import { latestApprovalDay, type TitleCategory } from './rules';
import { setApplicationStatus, setQualificationOutcome } from './repositories/applications';
import { setSessionStatus } from './repositories/sessions';
import { personRef } from '../platform/identity/personRef';
import { insertOpenedTask, openTaskDeadline, writeCarriedDecisions, type OpenTaskInput } from '../platform/tasks/activities';
import type { Deadline } from '../platform/calendar/activities';

type Db = Kysely<Database> | Transaction<Database>;

export { FINAL } from './repositories/applications';

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

export async function appTimeline(
  db: Db,
  e: {
    applicationId: string;
    eventKey: string;
    stage: string;
    event: string;
    at: string;
    comment?: string | null;
    data?: unknown;
    actor?: string;
    actorName?: string;
    orgCode?: string | null;
  },
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

export function createTitleReviewActivities(db: Kysely<Database>) {
  return {
    ...createTitleMeetingActivities(db),
    ...createTitleOutcomeActivities(db),
    /**
     * A review step begins (patch title-decision-path-one-write): the decision that ended the previous step, the
     * application's new status and the step's task, in one transaction — the one local activity between a clerk's
     * decision and its answer, as nanxun's openStage.
     */
    async zjOpenStep(input: {
      status: { applicationId: string; status: string; stage: string; at: string };
      open: OpenTaskInput;
    }): Promise<{ deadline: Deadline | null }> {
      const deadline = await db.transaction().execute(async (trx) => {
        const d = await openTaskDeadline(trx, input.open);
        await writeCarriedDecisions(trx, input.open);
        await setApplicationStatus(trx, input.status);
        await insertOpenedTask(trx, input.open, d);
        return d;
      });
      return { deadline };
    },
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
        const changed = await setApplicationStatus(trx, { ...input, result: input.data?.result });
        if (input.event && input.eventKey && changed) {
          await appTimeline(trx, {
            applicationId: input.applicationId,
            eventKey: input.eventKey,
            stage: input.stage,
            event: input.event,
            at: input.at,
            comment: input.comment ?? input.close?.reason ?? null,
            data: { status: input.status, ...input.data },
          });
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
        await setQualificationOutcome(trx, { applicationId: input.applicationId, status, reason, at: input.at });
        await appTimeline(trx, {
          applicationId: input.applicationId,
          eventKey: input.eventKey,
          stage: 'qualification_review',
          event: status,
          at: input.at,
          comment: reason,
        });
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
        await setSessionStatus(trx, input);
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
    async zjPlanSchedule(input: {
      meetingDate: string;
      at: string;
      /** the plan's lead time (the edition read when the pre-review started); absent: the edition in force at `at` */
      hrssLeadWorkingDays?: number;
    }): Promise<{ latestApprovalOn: string; approvalDeadlineAt: string; workingDaysLeft: number }> {
      const year = Number(input.meetingDate.slice(0, 4));
      const today = shanghaiDate(new Date(input.at));
      const { cal } = await loadCalendar(db, Math.min(year, Number(today.slice(0, 4))) - 1, year);
      const hrssLeadWorkingDays = input.hrssLeadWorkingDays ?? titleTerms(await titleStageEdition(db, new Date(input.at))).hrssLeadWorkingDays;
      const latest = latestApprovalDay(input.meetingDate, cal, { hrssLeadWorkingDays });
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
        idNumber: personRef(r.applicant_id_number), // a reference, never the number (personRef.ts)
        category: r.category as TitleCategory,
        channel: r.channel,
        employerOrgCode: r.employer_org_code,
        employerName: r.employer_name,
        workflowId: r.workflow_id,
      }));
    },
  };
}

export type TitleReviewActivities = ReturnType<typeof createTitleReviewActivities>;
