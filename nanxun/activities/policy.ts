/**
 * The policy terms a claim's stage uses, read by the workflow through this activity (never constants in workflow
 * code): procedural terms come from the edition in force when the stage opens (程序从新); when the policy has
 * expired meanwhile, from the claim's own edition, so running claims finish.
 */
import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema';
import { proceduralEdition } from '../../platform/policy/service';
import { NANXUN_POLICY } from '../policy/parameters';
import { nanxunTerms, policyBasis } from '../policy/terms';
import { findEdition } from '../../platform/policy/repository';
import { insertTimeline, SYSTEM_ACTOR } from '../../platform/timeline/timeline';
import { fixInstalmentPlan } from '../repositories/instalments';

export interface StageTermsInput {
  /** the edition the claim was submitted under (null for claims from before editions) */
  pinnedEditionId: string | null;
  /** when the stage opens (workflow time) */
  at: string;
}

export interface BureauReviewTerms {
  editionId: string;
  workingDays: number;
  warnWorkingDaysLeft: number;
  policy: ReturnType<typeof policyBasis>;
}

/** The bureau review's terms from the edition in force at `input.at` (or the claim's own: see above). */
export async function bureauReviewTerms(db: Kysely<Database>, input: StageTermsInput): Promise<BureauReviewTerms> {
  const e = await proceduralEdition(db, NANXUN_POLICY, new Date(input.at), input.pinnedEditionId);
  const t = nanxunTerms(e);
  return {
    editionId: e.id,
    workingDays: t.bureauReviewWorkingDays,
    warnWorkingDaysLeft: t.warnWorkingDaysLeft,
    policy: policyBasis(e, 'bureauReviewWorkingDays'),
  };
}

export function createNanxunPolicyActivities(db: Kysely<Database>) {
  return {
    bureauReviewTerms: (input: StageTermsInput): Promise<BureauReviewTerms> => bureauReviewTerms(db, input),

    /**
     * Year 1 of a shortage-talent claim approved: its instalment plan is fixed, with the split of the edition it was
     * submitted under (实体从旧; a claim from before editions keeps the plan it was started with). Years 2 and 3 are
     * paid as fixed here whatever a later edition says. Idempotent (a retry finds the plan fixed).
     */
    async fixShortagePlan(input: { claimId: string; instalmentsYuan: number[]; at: string; eventKey: string }): Promise<FixedPlan> {
      const claim = await db.selectFrom('claim').select(['policy_edition_id']).where('id', '=', input.claimId).executeTakeFirstOrThrow();
      const e = claim.policy_edition_id ? await findEdition(db, claim.policy_edition_id) : null;
      const plan: FixedPlan = e
        ? { instalmentsYuan: nanxunTerms(e).shortageInstalmentsYuan, editionId: e.id, policy: policyBasis(e, 'shortageInstalmentsYuan') }
        : { instalmentsYuan: input.instalmentsYuan, editionId: null, policy: null };
      await db.transaction().execute(async (trx) => {
        await fixInstalmentPlan(trx, { claimId: input.claimId, instalmentsYuan: plan.instalmentsYuan, editionId: plan.editionId, at: input.at });
        await insertTimeline(trx, {
          eventKey: input.eventKey,
          subjectType: 'nanxun_claim',
          subjectId: input.claimId,
          stage: 'rereview',
          orgCode: null,
          ...SYSTEM_ACTOR,
          event: 'instalment_plan_fixed',
          comment: `第一年审核通过，分期方案确定：${plan.instalmentsYuan.join(' / ')} 元${plan.policy ? `（${plan.policy.basis}）` : ''}`,
          data: { instalmentsYuan: plan.instalmentsYuan, editionId: plan.editionId },
          at: input.at,
        });
      });
      return plan;
    },
  };
}

/** The instalment plan as fixed when year 1 was approved, with its basis. */
export interface FixedPlan {
  instalmentsYuan: number[];
  editionId: string | null;
  policy: ReturnType<typeof policyBasis> | null;
}

export type NanxunPolicyActivities = ReturnType<typeof createNanxunPolicyActivities>;
