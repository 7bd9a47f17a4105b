import { applicationTerms } from './policy/terms';
import { randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema';
import { shanghaiDate } from '../platform/calendar/workdays';
import { banYears, type TitleLevel } from './rules';

import { appTimeline } from './activities';
import { cancelOpenObjectionsAbout } from '../platform/publicity/objectionRepository';
import { markApplicationCertified, withdrawApplicationForMisconduct } from './repositories/applications';
import { insertTitleBan, insertTitleGrant, revokeTitleGrant } from './repositories/grants';

export function createTitleOutcomeActivities(db: Kysely<Database>) {
  return {
    /** Grants the title: an electronic certificate with a verification code, recorded against the person. */
    async zjIssueCertificate(input: { applicationId: string; at: string; eventKey: string }): Promise<{ certificateCode: string }> {
      return db.transaction().execute(async (trx) => {
        const app = await trx.selectFrom('zj_application').selectAll().where('id', '=', input.applicationId).executeTakeFirstOrThrow();
        const code = `ZJAQ-${app.level === 'senior' ? 'G' : 'Z'}${shanghaiDate(new Date(input.at)).slice(0, 4)}-${randomBytes(6).toString('hex').toUpperCase()}`;
        await insertTitleGrant(trx, {
          idNumber: app.applicant_id_number,
          name: app.applicant_name,
          level: app.level as TitleLevel,
          category: app.category,
          grantedOn: shanghaiDate(new Date(input.at)),
          certificateCode: code,
          sessionId: app.session_id,
          applicationId: app.id,
        });
        const grant = await trx.selectFrom('title_grant').select('certificate_code').where('application_id', '=', app.id).executeTakeFirstOrThrow();
        await markApplicationCertified(trx, { applicationId: app.id, at: input.at });
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
        await insertTitleBan(trx, {
          idNumber: app.applicant_id_number,
          fromYear,
          toYear,
          reason: input.reason,
          decidedBy: input.decidedBy,
          decidedAt: input.at,
          applicationId: app.id,
        });
        const ban = await trx.selectFrom('title_ban').select(['from_year', 'to_year']).where('application_id', '=', app.id).executeTakeFirstOrThrow();
        const revoked = await revokeTitleGrant(trx, { applicationId: app.id, reason: input.reason, at: input.at });
        const grant = await trx.selectFrom('title_grant').select('certificate_code').where('application_id', '=', app.id).executeTakeFirst();
        await withdrawApplicationForMisconduct(trx, { applicationId: app.id, reason: input.reason, at: input.at });
        // an open objection about it is moot
        await cancelOpenObjectionsAbout(trx, { applicationId: app.id, at: input.at });
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
