/** Title applications: submitting, listing, reading, and the misconduct decision. */
import { maskPhone } from '../../platform/identity/phone';
import { Router } from 'express';
import { z } from 'zod';
import { sql } from 'kysely';
import { WorkflowIdReusePolicy, WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import { defineRoute } from '../../platform/http/route';
import { Problem } from '../../platform/http/problem';
import { actorOf, hasRole } from '../../platform/auth/authenticate';
import { withTemporal } from '../../platform/http/temporalErrors';
import { iso, taskView, timelineView } from '../../platform/http/views';
import { orgNames } from '../../platform/orgs/orgNames';
import type { AppDeps } from '../../platform/http/deps';
import type { Actor } from '../../platform/tasks/messages';
import type { TitleMisconductInput } from '../workflows/titleMisconduct';
import type { TitleApplication } from '../schema';
import { applicationPolicy } from '../policy/applicationBasis';
import { misconductWorkflowId } from '../rules';
import { shanghaiDate } from '../../platform/calendar/workdays';
import { submitApplication } from '../submitApplication';
import { listMaterials } from '../../platform/materials/useCases';
import { titleContext, Id, Reason, ApplicationBody, ApplicationCreated, mask, canSeeApplication } from './shared';
import { reachedByOrg } from '../../platform/tasks/reach';

export function titleApplicationRoutes(deps: AppDeps): Router {
  const router = Router();
  const { db, temporal, config } = deps;
  const { calendar } = titleContext(deps);

  // ---- applications ---------------------------------------------------------------------------------------------
  defineRoute(router, {
    method: 'post',
    path: '/api/v1/zhejiang/applications',
    summary: 'Apply for the senior / professor-level title in a session, for your own identity, with the truthfulness commitment',
    tags: ['zhejiang'],
    access: { roles: ['applicant'] },
    body: ApplicationBody,
    responses: { 201: { description: 'the application, at unit recommendation', schema: ApplicationCreated } },
    problems: ['NOT_ELIGIBLE', 'IDENTITY_MISMATCH', 'DUPLICATE_APPLICATION', 'NOT_FOUND', 'MATERIALS_MISSING', 'MATERIAL_UNAVAILABLE', 'PAYLOAD_TOO_LARGE'],
    handler: async ({ req, body }) => submitApplication(deps, actorOf(req), body),
  });

  defineRoute(router, {
    method: 'get',
    path: '/api/v1/zhejiang/applications',
    summary: 'Title applications: an applicant sees their own, clerks those of their organisation, the office all',
    tags: ['zhejiang'],
    access: { roles: 'any' },
    query: z.object({ sessionId: z.string().max(100).optional(), status: z.string().max(40).optional() }),
    responses: { 200: { description: 'applications', schema: z.array(ApplicationCreated.extend({ applicantName: z.string(), submittedAt: z.string() })) } },
    handler: async ({ req, query }) => {
      const actor = actorOf(req);
      let q = db.selectFrom('zj_application').selectAll();
      if (!hasRole(actor, 'admin', 'auditor', 'committee_office', 'hrss_approver')) {
        q = q.where((eb) =>
          eb.or([
            eb('applicant_id_number', '=', actor.idNumber ?? '-'),
            eb('applicant_user_id', '=', actor.userId),
            ...(actor.orgCode && !actor.roles.every((r) => r === 'applicant')
              ? [eb('employer_org_code', '=', actor.orgCode), reachedByOrg(actor.orgCode, 'title_application', 'zj_application.id')]
              : []),
          ]),
        );
      }
      if (query.sessionId) q = q.where('session_id', '=', query.sessionId);
      if (query.status) q = q.where('status', '=', query.status);
      const rows = await q.orderBy('submitted_at', 'desc').limit(500).execute();
      return rows.map((a) => ({
        id: a.id,
        applicationNo: a.application_no,
        sessionId: a.session_id,
        level: a.level,
        category: a.category,
        channel: a.channel,
        status: a.status,
        stage: a.stage,
        applicantName: a.applicant_name,
        submittedAt: iso(a.submitted_at)!,
      }));
    },
  });

  async function loadVisibleApplication(actor: Actor, idOrNo: string): Promise<TitleApplication> {
    const a = await db
      .selectFrom('zj_application')
      .selectAll()
      .where((eb) => eb.or([eb('id', '=', idOrNo), eb('application_no', '=', idOrNo)]))
      .executeTakeFirst();
    if (!a || !(await canSeeApplication(db, actor, a))) throw new Problem('NOT_FOUND', 'no such application');
    return a;
  }

  defineRoute(router, {
    method: 'get',
    path: '/api/v1/zhejiang/applications/:id',
    summary: 'An application: status, stage, timeline, tasks, and after the meeting its result (never an individual vote)',
    tags: ['zhejiang'],
    access: { roles: 'any' },
    params: Id,
    responses: { 200: { description: 'the application', schema: z.record(z.string(), z.unknown()) } },
    problems: ['NOT_FOUND'],
    handler: async ({ req, params }) => {
      const actor = actorOf(req);
      const a = await loadVisibleApplication(actor, params.id);
      const [session, timeline, tasks, grant, ban] = await Promise.all([
        db.selectFrom('zj_session').selectAll().where('id', '=', a.session_id).executeTakeFirstOrThrow(),
        db
          .selectFrom('timeline')
          .selectAll()
          .where('subject_type', '=', 'title_application')
          .where('subject_id', '=', a.id)
          .orderBy('at')
          .orderBy('id')
          .execute(),
        db.selectFrom('task').selectAll().where('subject_type', '=', 'title_application').where('subject_id', '=', a.id).orderBy('opened_at').execute(),
        db
          .selectFrom('title_grant')
          .select(['certificate_code', sql<string>`granted_on::text`.as('granted_on'), 'revoked_at', 'revoked_reason'])
          .where('application_id', '=', a.id)
          .executeTakeFirst(),
        db.selectFrom('title_ban').select(['from_year', 'to_year']).where('application_id', '=', a.id).executeTakeFirst(),
      ]);
      const names = await orgNames(db, [a.employer_org_code, a.competent_org_code, a.lower_committee_org_code, ...timeline.map((t) => t.org_code)]);
      const y = Number(shanghaiDate(new Date()).slice(0, 4));
      const cal = await calendar(y - 1, y + 1);
      const org = (code: string | null) => (code ? { code, name: names.get(code) ?? code } : null);
      return {
        id: a.id,
        applicationNo: a.application_no,
        session: { id: session.id, year: session.year, level: session.level, meetingDate: session.meeting_date, status: session.status },
        level: a.level,
        category: a.category,
        channel: a.channel,
        status: a.status,
        stage: a.stage,
        // the phone in full only where the ID number is (the person, the employer, the committee office)
        applicant: {
          name: a.applicant_name,
          idNumber: mask(actor, a),
          phone: mask(actor, a) === a.applicant_id_number ? a.applicant_phone : maskPhone(a.applicant_phone),
        },
        employer: org(a.employer_org_code),
        competentOrg: org(a.competent_org_code),
        lowerCommitteeOrg: org(a.lower_committee_org_code),
        materials: a.materials,
        materialFiles: await listMaterials(db, 'title_application', a.id),
        commitmentAt: iso(a.commitment_at),
        submittedAt: iso(a.submitted_at),
        closedAt: iso(a.closed_at),
        closeReason: a.close_reason,
        interview: a.interview ? { recorded: true, ...(hasRole(actor, 'committee_office', 'admin', 'auditor') ? a.interview : {}) } : null,
        // the count of the whole committee only: nobody's individual vote exists to be shown
        result: a.result,
        certificate: grant
          ? { code: grant.certificate_code, grantedOn: grant.granted_on, revokedAt: iso(grant.revoked_at), revokedReason: grant.revoked_reason }
          : null,
        ban: ban ? { fromYear: ban.from_year, toYear: ban.to_year } : null,
        timeline: timeline.map((t) => timelineView(t, names)),
        tasks: tasks.map((t) => taskView(t, cal)),
        // 依据: the pass threshold and the ban of its edition, each publicity's period with the edition it came from
        policy: await applicationPolicy(db, a),
      };
    },
  });

  defineRoute(router, {
    method: 'post',
    path: '/api/v1/zhejiang/applications/:id/misconduct',
    summary: '第十七条 misconduct: withdraw the application, ban the person for 3 years from next year, revoke a granted title, publicise it',
    tags: ['zhejiang'],
    access: { roles: ['committee_office'] },
    params: Id,
    body: z.object({ reason: Reason }).strict(),
    responses: {
      200: {
        description: 'the decision',
        schema: z.object({
          applicationId: z.string(),
          status: z.literal('withdrawn'),
          ban: z.object({ fromYear: z.number().int(), toYear: z.number().int() }),
          revokedCertificate: z.string().nullable(),
        }),
      },
    },
    problems: ['NOT_FOUND', 'ALREADY_WITHDRAWN'],
    handler: async ({ req, params, body }) => {
      const actor = actorOf(req);
      const a = await loadVisibleApplication(actor, params.id);
      if (a.status === 'withdrawn') throw new Problem('ALREADY_WITHDRAWN');
      const session = await db.selectFrom('zj_session').select('workflow_id').where('id', '=', a.session_id).executeTakeFirstOrThrow();
      const input: TitleMisconductInput = {
        applicationId: a.id,
        reason: body.reason,
        decidedBy: actor.username,
        applicationWorkflowId: a.workflow_id,
        sessionWorkflowId: session.workflow_id,
      };
      const out = await withTemporal(async () => {
        try {
          const h = await temporal.workflow.start('titleMisconductWorkflow', {
            taskQueue: config.taskQueue,
            workflowId: misconductWorkflowId(a.id),
            args: [input],
            workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
          });
          return (await h.result()) as { banFromYear: number; banToYear: number; revokedCertificate: string | null };
        } catch (err) {
          if (err instanceof WorkflowExecutionAlreadyStartedError)
            throw new Problem('ALREADY_WITHDRAWN', 'a misconduct decision on this application is already recorded');
          throw err;
        }
      });
      return {
        applicationId: a.id,
        status: 'withdrawn' as const,
        ban: { fromYear: out.banFromYear, toYear: out.banToYear },
        revokedCertificate: out.revokedCertificate,
      };
    },
  });

  return router;
}
