import { applicationTerms } from './policy/terms';
import { randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema';
import { shanghaiDate } from '../platform/calendar/workdays';
import { banYears, type TitleLevel } from './rules';

import { appTimeline, FINAL } from './activities';

export function createTitleOutcomeActivities(db: Kysely<Database>) {
  return {
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
        await appTimeline(trx, {
          applicationId: app.id,
          eventKey: input.eventKey,
          stage: 'certificate',
          event: 'certificate_issued',
          at: input.at,
          orgCode: 'ZJ-YJT-RSC',
          data: { certificateCode: grant.certificate_code },
        });
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
        // 实体从旧: the ban of the edition in force when the application was submitted
        const terms = (await applicationTerms(trx, [app.id])).get(app.id)!;
        const { fromYear, toYear } = banYears(Number(shanghaiDate(new Date(input.at)).slice(0, 4)), terms);
        await trx
          .insertInto('title_ban')
          .values({
            id_number: app.applicant_id_number,
            from_year: fromYear,
            to_year: toYear,
            reason: input.reason,
            decided_by: input.decidedBy,
            decided_at: input.at,
            application_id: app.id,
          })
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
        await trx
          .updateTable('objection')
          .set({ status: 'cancelled', decided_at: input.at })
          .where('application_id', '=', app.id)
          .where('status', '=', 'open')
          .execute();
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
