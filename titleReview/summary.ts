/** The subject summary of a title-review task (GET /api/v1/tasks/:id). */
import type { Kysely } from 'kysely';
import type { Database, Task } from '../db/schema';
import type { Actor } from '../platform/tasks/messages';
import { maskIdNumber } from '../platform/identity/idNumber';
import { applicationPolicy } from './policy/applicationBasis';

export async function titleSubjectSummary(db: Kysely<Database>, t: Task, viewer: Actor): Promise<Record<string, unknown> | null> {
  if (t.subject_type === 'title_application') {
    const a = await db
      .selectFrom('zj_application')
      .innerJoin('org', 'org.code', 'zj_application.employer_org_code')
      .innerJoin('zj_session', 'zj_session.id', 'zj_application.session_id')
      .selectAll('zj_application')
      .select(['org.name as employer_name', 'zj_session.year', 'zj_session.meeting_date'])
      .where('zj_application.id', '=', t.subject_id)
      .executeTakeFirst();
    if (!a) return null;
    // the employer and the committee office verify identity; others see it masked
    const verifier = viewer.orgCode === a.employer_org_code || viewer.orgCode === 'ZJ-YJT-RSC';
    const objection =
      t.kind === 'objection_investigation'
        ? await db.selectFrom('objection').select(['id', 'notice_id', 'text', 'filed_at']).where('task_id', '=', t.id).executeTakeFirst()
        : undefined;
    return {
      applicationNo: a.application_no,
      sessionYear: a.year,
      meetingDate: a.meeting_date,
      level: a.level,
      category: a.category,
      channel: a.channel,
      status: a.status,
      stage: a.stage,
      applicantName: a.applicant_name,
      applicantIdNumber: verifier ? a.applicant_id_number : maskIdNumber(a.applicant_id_number),
      employer: { code: a.employer_org_code, name: a.employer_name },
      materials: a.materials,
      commitmentAt: a.commitment_at,
      // 依据 of the pass threshold, the ban and the publicity periods (titleReview/policy/applicationBasis.ts)
      policy: await applicationPolicy(db, a),
      ...(objection ? { objection: { id: objection.id, noticeId: objection.notice_id, text: objection.text, filedAt: objection.filed_at } } : {}),
    };
  }
  if (t.subject_type === 'title_session') {
    const s = await db.selectFrom('zj_session').selectAll().where('id', '=', t.subject_id).executeTakeFirst();
    if (!s) return null;
    const apps = await db
      .selectFrom('zj_application')
      .select(['status', (eb) => eb.fn.countAll<string>().as('n')])
      .where('session_id', '=', s.id)
      .groupBy('status')
      .execute();
    const objection =
      t.kind === 'objection_investigation'
        ? await db.selectFrom('objection').select(['id', 'notice_id', 'text', 'filed_at', 'application_id']).where('task_id', '=', t.id).executeTakeFirst()
        : undefined;
    return {
      sessionId: s.id,
      year: s.year,
      level: s.level,
      meetingDate: s.meeting_date,
      status: s.status,
      applications: Object.fromEntries(apps.map((r) => [r.status, Number(r.n)])),
      ...(objection ? { objection } : {}),
    };
  }
  return null;
}
