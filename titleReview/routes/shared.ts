import { z } from 'zod';
import { WorkflowNotFoundError } from '@temporalio/client';
import { registry } from '../../platform/http/route';
import { ApplicantInput, DateString } from '../../platform/http/schemas';
import { Problem } from '../../platform/http/problem';
import { hasRole } from '../../platform/auth/authenticate';
import { withTemporal } from '../../platform/http/temporalErrors';
import type { AppDeps } from '../../platform/http/deps';
import type { Actor } from '../../platform/tasks/messages';
import type { TitleApplication, TitleSession } from '../schema';
import { titleStageEdition, titleTerms } from '../policy/terms';
import { COMMITTEE_OFFICE_ORG, EXPERT_TITLES, latestApprovalDay, TITLE_CATEGORIES, TITLE_CHANNELS, TITLE_LEVELS, VOTES } from '../rules';
import { maskIdNumber } from '../../platform/identity/idNumber';
import { loadCalendar } from '../../platform/calendar/calendarTable';
import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema';
import { orgHasReached } from '../../platform/tasks/reach';

export const Level = z.enum(TITLE_LEVELS).openapi({ description: 'senior = 高级工程师, professor = 正高级工程师' });
export const Category = z.enum(TITLE_CATEGORIES).openapi({ description: '安全科学应用 / 安全技术服务 / 安全生产管理' });
export const Id = z.object({ id: z.string().min(1).max(100) });
export const Reason = z.string().trim().min(1).max(2000);

export const SessionBody = registry.register(
  'TitleSessionBody',
  z
    .object({
      year: z.number().int().min(2019).max(2100),
      level: Level,
      meetingDate: DateString.openapi({ description: '评审会议日期' }),
      ballotThreshold: z
        .boolean()
        .optional()
        .openapi({ description: "the ballot threshold option: the count needs two of the chair's and vice-chairs' key shares (default false)" }),
    })
    .strict(),
);
export const SessionViewSchema = z.object({
  id: z.string(),
  year: z.number().int(),
  level: z.string(),
  meetingDate: z.string(),
  latestApprovalOn: z.string().nullable(),
  status: z.string(),
  stage: z.string().optional(),
  ballotOpen: z.boolean().optional(),
  openTaskIds: z.array(z.string()).optional(),
  /** the ballot threshold option (key shares of the chair and vice-chairs) */
  ballotThreshold: z.boolean().optional(),
});
export const ExpertBody = registry.register(
  'ExpertBody',
  z
    .object({
      name: z.string().trim().min(1).max(50),
      specialty: Category,
      title: z.enum(EXPERT_TITLES).openapi({ description: "the expert's own title: senior (高级) or professor (正高级)" }),
      titleSince: DateString.openapi({ description: 'date the title was obtained' }),
      orgName: z.string().trim().min(1).max(100),
      pool: Level.optional().openapi({ description: 'which pool (default: professor for a professor-level title, else senior)' }),
      username: z.string().trim().max(50).optional().openapi({ description: "the expert's account (role expert), needed to vote" }),
    })
    .strict(),
);
export const ExpertView = z.object({
  id: z.string(),
  pool: z.string(),
  name: z.string(),
  specialty: z.string(),
  title: z.string(),
  titleSince: z.string(),
  orgName: z.string(),
  username: z.string().nullable(),
  eligible: z.boolean(),
  ineligibleReason: z.string().nullable(),
});
export const ApplicationBody = registry.register(
  'TitleApplicationBody',
  z
    .object({
      sessionId: z.string().min(1).max(100),
      category: Category,
      channel: z.enum(TITLE_CHANNELS).openapi({ description: 'standard 常规 / landmark 标志性业绩 / scored 量化赋分达标 (senior only)' }),
      applicant: ApplicantInput.optional().openapi({ description: 'must be the logged-in applicant if given' }),
      employerOrgCode: z.string().trim().min(1).max(64),
      commitment: z.boolean().openapi({ description: '对所有申报材料的真实性作出承诺 (must be true)' }),
      materials: z
        .union([z.array(z.string().trim().min(1).max(64)).max(40), z.record(z.string(), z.unknown())])
        .optional()
        .openapi({
          description:
            'the uploaded materials to attach ([id…], POST /api/v1/materials; at least one achievement), or the free-form description (achievements, score, papers…) with the ids in `files`',
        }),
    })
    .strict(),
);
export const ApplicationCreated = z.object({
  id: z.string(),
  applicationNo: z.string(),
  sessionId: z.string(),
  level: z.string(),
  category: z.string(),
  channel: z.string(),
  status: z.string(),
  stage: z.string(),
});
export const BallotBody = registry.register(
  'BallotBody',
  z
    .object({
      votes: z
        .array(z.object({ applicationId: z.string().min(1).max(100), vote: z.enum(VOTES) }).strict())
        .min(1)
        .max(500),
    })
    .strict(),
);
export const ResultRow = z.object({
  applicationId: z.string(),
  applicationNo: z.string().optional(),
  name: z.string().optional(),
  yes: z.number().int(),
  no: z.number().int(),
  abstain: z.number().int(),
  attending: z.number().int(),
  passed: z.boolean(),
});

export function mask(actor: Actor, a: TitleApplication): string {
  const own = actor.idNumber === a.applicant_id_number;
  const verifier = actor.orgCode === a.employer_org_code || actor.orgCode === COMMITTEE_OFFICE_ORG;
  return own || verifier ? a.applicant_id_number : maskIdNumber(a.applicant_id_number);
}

/**
 * Who sees an application: the applicant; the oversight roles, the committee office and the approving HRSS; staff of
 * the employer from submission on; the competent department and the lower committee only from their own stage on
 * (data minimisation: a task of theirs on the application).
 */
export async function canSeeApplication(db: Kysely<Database>, actor: Actor, a: TitleApplication): Promise<boolean> {
  if (actor.idNumber && actor.idNumber === a.applicant_id_number && actor.roles.includes('applicant')) return true;
  if (a.applicant_user_id != null && actor.userId === a.applicant_user_id) return true;
  if (hasRole(actor, 'admin', 'auditor', 'committee_office', 'hrss_approver')) return true;
  if (actor.orgCode == null || actor.roles.every((r) => r === 'applicant')) return false;
  if (actor.orgCode === a.employer_org_code) return true;
  return orgHasReached(db, actor.orgCode, 'title_application', a.id);
}

/** Helpers bound to the app's database and Temporal client. */
export function titleContext(deps: AppDeps) {
  const { db, temporal } = deps;

  const calendar = async (from: number, to: number) => (await loadCalendar(db, from, to)).cal;
  async function latestApproval(meetingDate: string): Promise<string> {
    const y = Number(meetingDate.slice(0, 4));
    // a preview: the HRSS lead time of the edition in force now (the session's plan records its own when it opens)
    const terms = titleTerms(await titleStageEdition(db, new Date()));
    return latestApprovalDay(meetingDate, await calendar(y - 1, y), terms);
  }

  async function loadSession(id: string): Promise<TitleSession> {
    const s = await db.selectFrom('zj_session').selectAll().where('id', '=', id).executeTakeFirst();
    if (!s) throw new Problem('NOT_FOUND', 'no such session');
    return s;
  }

  /** an Update to a session workflow; a finished session answers SESSION_STATE */
  async function sessionCall<T>(s: TitleSession, fn: (h: ReturnType<typeof temporal.workflow.getHandle>) => Promise<T>): Promise<T> {
    return await withTemporal(() =>
      fn(temporal.workflow.getHandle(s.workflow_id)).catch((err) => {
        if (err instanceof WorkflowNotFoundError) throw new Problem('SESSION_STATE', `the session is ${s.status}`);
        throw err;
      }),
    );
  }

  async function sessionView(
    s: TitleSession,
    v?: { status: string; stage: string; ballotOpen: boolean; openTaskIds: string[]; meetingDate: string; latestApprovalOn: string | null },
  ) {
    const fresh = await loadSession(s.id);
    return {
      id: fresh.id,
      year: fresh.year,
      level: fresh.level,
      meetingDate: v?.meetingDate ?? fresh.meeting_date,
      latestApprovalOn: v?.latestApprovalOn ?? (await latestApproval(fresh.meeting_date)),
      status: v?.status ?? fresh.status,
      ...(v ? { stage: v.stage, ballotOpen: v.ballotOpen, openTaskIds: v.openTaskIds } : {}),
    };
  }

  async function expertOf(actor: Actor) {
    return db.selectFrom('zj_expert').selectAll().where('user_id', '=', actor.userId).executeTakeFirst();
  }

  return { calendar, latestApproval, loadSession, sessionCall, sessionView, expertOf };
}
