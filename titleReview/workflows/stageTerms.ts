/**
 * The procedural terms of a title-review stage in workflow code: read when the stage opens from the edition then in
 * force (程序从新) through a local activity, behind the patch `title-policy-editions`. Histories recorded before the
 * patch ran with the first edition's values (TERMS_BEFORE_EDITIONS, kept for them only). Workflow code.
 */
import { patched, proxyLocalActivities } from '@temporalio/workflow';
import { DB_LOCAL_ACTIVITY } from '../../platform/workflows/activityOptions';
import type { TitlePolicyActivities, TitleStageTerms } from '../policyActivities';

export const TITLE_POLICY_EDITIONS = 'title-policy-editions';

const policyLocal = proxyLocalActivities<TitlePolicyActivities>(DB_LOCAL_ACTIVITY);

/** what the workflows held as constants before policy editions (seed 004, the first edition) */
export const TERMS_BEFORE_EDITIONS: TitleStageTerms['terms'] = {
  minPoolSize: 50,
  minCommittee: 17,
  minSubgroup: 3,
  publicityWorkingDays: 5,
  hrssLeadWorkingDays: 10,
};

/**
 * The stage's terms from the edition in force now; null, at once and without awaiting anything, in a history recorded
 * before the patch (so the commands of code running alongside keep the order they were recorded in).
 */
export function stageTerms(stage: string): Promise<TitleStageTerms> | null {
  if (!patched(TITLE_POLICY_EDITIONS)) return null;
  return policyLocal.zjStageTerms({ stage, at: new Date(Date.now()).toISOString() });
}

/** The terms a stage runs under: those read when it opened, or the constants of a history recorded before. */
export const termsOf = (t: TitleStageTerms | null | undefined): TitleStageTerms['terms'] => t?.terms ?? TERMS_BEFORE_EDITIONS;
