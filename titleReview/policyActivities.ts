/**
 * The procedural terms a title-review stage uses, read by the workflows through this local activity (never
 * constants in workflow code): those of the edition in force when the stage opens (程序从新), each with its 依据.
 */
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema';
import { titleBasis, titleStageEdition, titleTerms, type TitleBasis, type TitleTerms } from './policy/terms';

/** the procedural parameters a stage may use */
export const TITLE_PROCEDURAL = ['minPoolSize', 'minCommittee', 'minSubgroup', 'publicityWorkingDays', 'hrssLeadWorkingDays'] as const;
export type TitleProcedural = (typeof TITLE_PROCEDURAL)[number];

export interface TitleStageTerms {
  /** the stage these terms were read for (recorded by the workflow with the edition) */
  stage: string;
  editionId: string;
  terms: Pick<TitleTerms, TitleProcedural>;
  basis: Record<TitleProcedural, TitleBasis>;
}

export function createTitlePolicyActivities(db: Kysely<Database>) {
  return {
    async zjStageTerms(input: { stage: string; at: string }): Promise<TitleStageTerms> {
      const e = await titleStageEdition(db, new Date(input.at));
      const t = titleTerms(e);
      const terms = Object.fromEntries(TITLE_PROCEDURAL.map((p) => [p, t[p]])) as TitleStageTerms['terms'];
      const basis = Object.fromEntries(TITLE_PROCEDURAL.map((p) => [p, titleBasis(e, p)])) as TitleStageTerms['basis'];
      return { stage: input.stage, editionId: e.id, terms, basis };
    },
  };
}

export type TitlePolicyActivities = ReturnType<typeof createTitlePolicyActivities>;
