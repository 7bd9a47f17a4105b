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
  };
}

export type NanxunPolicyActivities = ReturnType<typeof createNanxunPolicyActivities>;
