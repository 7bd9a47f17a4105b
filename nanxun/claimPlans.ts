/**
 * What a submitted claim means, per kind: eligibility reasons, the duplicate rule, the re-reviewing body
 * (the fund that pays), the instalments and the workflow that carries it.
 */
import type { Kysely } from 'kysely';
import type { z } from 'zod';
import type { Database, Org } from '../db/schema';
import type { ClaimBody } from './schemas';
import { claimAmounts, certificateIneligibility, highLevelEligibleOn, highLevelIneligibility, shortageIneligibility, type ClaimKind } from './rules';
import { shanghaiDate } from '../platform/calendar/workdays';
import { periodForYear } from './applicationPeriods';
import type { NanxunTerms } from './policy/terms';

export type ClaimBodyT = z.infer<typeof ClaimBody>;

export interface ClaimPlan {
  kind: ClaimKind;
  level: string;
  amountYuan: number;
  instalmentsYuan: number[];
  rereviewOrgCode: string | null;
  reasons: string[];
  duplicateOf: { application_no: string; status: string } | undefined;
  workflowType: 'certificateClaimWorkflow' | 'shortageTalentClaimWorkflow' | 'highLevelClaimWorkflow';
  /** kind-specific workflow arguments (the identity fields are added by the caller) */
  workflowExtra: Record<string, unknown>;
  form: Record<string, unknown>;
}

const notRejected = (db: Kysely<Database>, person: string, kind: ClaimKind) =>
  db
    .selectFrom('claim')
    .select(['application_no', 'status'])
    .where('applicant_id_number', '=', person)
    .where('kind', '=', kind)
    .where('status', '<>', 'rejected');

/** The claim under `terms`, the substantive terms of the edition in force when it is submitted (实体从旧). */
export async function planClaim(
  db: Kysely<Database>,
  body: ClaimBodyT,
  person: string,
  employer: Org,
  submittedOn: string,
  terms: NanxunTerms,
): Promise<ClaimPlan> {
  const plan = await planClaimOfKind(db, body, person, employer, submittedOn, terms);
  // a deactivated employer takes no new claims (its open ones finish)
  if (employer.active === false) plan.reasons.unshift('EMPLOYER_INACTIVE');
  return plan;
}

async function planClaimOfKind(
  db: Kysely<Database>,
  body: ClaimBodyT,
  person: string,
  employer: Org,
  submittedOn: string,
  terms: NanxunTerms,
): Promise<ClaimPlan> {
  const blacklisted = !!(await db.selectFrom('blacklist').select('id_number').where('id_number', '=', person).executeTakeFirst());
  const common = {
    employerNatureOther: body.employerNatureOther ?? null,
    employerAddress: body.employerAddress ?? null,
    employerPhone: body.employerPhone ?? null,
    declaration: { accepted: true, at: new Date().toISOString() },
  };
  switch (body.kind) {
    case 'certificate': {
      const level = body.certificate.level;
      const { amountYuan, instalmentsYuan } = claimAmounts('certificate', level, terms);
      return {
        kind: 'certificate',
        level,
        amountYuan,
        instalmentsYuan,
        // 行业监管部门及各镇（开发区）复审: the body responsible for the employer
        rereviewOrgCode: employer.cert_rereview_org_code ?? employer.town_code,
        reasons: certificateIneligibility(
          {
            issuedOn: body.certificate.issuedOn,
            receivedOn: body.certificate.receivedOn,
            submittedOn,
            employerInDistrict: employer.in_district,
            blacklisted,
            period: await periodForYear(db, Number(submittedOn.slice(0, 4))),
          },
          terms,
        ),
        duplicateOf: await notRejected(db, person, 'certificate').where('level', '=', level).executeTakeFirst(),
        workflowType: 'certificateClaimWorkflow',
        workflowExtra: { level, amountYuan },
        form: { ...common, certificate: body.certificate, previousAwards: body.previousAwards ?? [] },
      };
    }
    case 'shortage_talent': {
      const employerHasEarlierShortageClaim = !!(await db
        .selectFrom('claim')
        .select('id')
        .where('employer_org_code', '=', employer.code)
        .where('kind', '=', 'shortage_talent')
        .where('status', '<>', 'rejected')
        .where('applicant_id_number', '<>', person)
        .executeTakeFirst());
      const { amountYuan, instalmentsYuan: instalments } = claimAmounts('shortage_talent', body.certificate.level, terms);
      return {
        kind: 'shortage_talent',
        level: body.certificate.level,
        amountYuan,
        instalmentsYuan: instalments,
        // 经核准后交由行业监管部门复审; 奖励经费从行业监管部门专项经费中提取
        rereviewOrgCode: employer.regulator_code,
        reasons: shortageIneligibility(
          {
            level: body.certificate.level,
            contractYears: body.employment.contractYears,
            socialSecurityMonths: body.employment.socialSecurityMonths,
            employedSince: body.employment.since,
            submittedOn,
            firstIntroductionDeclared: body.employment.firstIntroduction,
            employerHasEarlierShortageClaim,
            employerInDistrict: employer.in_district,
            blacklisted,
          },
          terms,
        ),
        duplicateOf: await notRejected(db, person, 'shortage_talent').executeTakeFirst(),
        workflowType: 'shortageTalentClaimWorkflow',
        workflowExtra: { instalmentsYuan: instalments },
        form: { ...common, certificate: body.certificate, employment: body.employment },
      };
    }
    case 'high_level': {
      const level = body.title.level;
      // a title granted by the Zhejiang review is verified against its record
      const grant = await db
        .selectFrom('title_grant')
        .select(['id_number', 'level', 'granted_on', 'revoked_at'])
        .where('certificate_code', '=', body.title.certificateNumber)
        .executeTakeFirst();
      const grantedOn = grant ? (grant.granted_on instanceof Date ? shanghaiDate(grant.granted_on) : String(grant.granted_on).slice(0, 10)) : null;
      const reasons = highLevelIneligibility(
        {
          grantedOn: body.title.grantedOn,
          submittedOn,
          socialSecurityMonths: body.title.socialSecurityMonths,
          employerInDistrict: employer.in_district,
          blacklisted,
          titleRevoked: !!grant?.revoked_at,
        },
        terms,
      );
      const { amountYuan, instalmentsYuan } = claimAmounts('high_level', level, terms);
      if (grant && (grant.id_number !== person || grant.level !== level || grantedOn !== body.title.grantedOn)) reasons.push('TITLE_RECORD_MISMATCH');
      return {
        kind: 'high_level',
        level,
        amountYuan,
        instalmentsYuan,
        rereviewOrgCode: employer.regulator_code,
        reasons,
        duplicateOf: await notRejected(db, person, 'high_level').where('level', '=', level).executeTakeFirst(),
        workflowType: 'highLevelClaimWorkflow',
        workflowExtra: { level, amountYuan, eligibleOn: highLevelEligibleOn(body.title.grantedOn, terms) },
        form: { ...common, title: body.title, titleRecord: grant ? { verified: true } : { verified: false } },
      };
    }
  }
}

/** The constraint names of the one-award rules, and what each means to the applicant. */
export const DUPLICATE_CONSTRAINTS: Record<string, string> = {
  claim_one_certificate_per_level: 'a certificate claim for this level already exists for this person',
  claim_one_shortage_per_person: 'a shortage-talent claim already exists for this person',
  claim_first_introduction_per_employer: 'this employer already has a shortage-talent claim (only its first intermediate engineer brought in qualifies)',
  claim_one_high_level_per_level: 'a high-level talent claim for this title level already exists for this person',
};
