/**
 * What a domain tells the policy-edition service about its policy: the parameters it reads (kind and clause of each)
 * and, for a dry run, which of its open cases and open or future stages a proposed edition would touch.
 * The service knows no domain: api/app.ts hands it the domains' declarations.
 */
import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema';
import type { ParameterSchema, PolicyEdition } from './edition';

export interface AffectedCase {
  subject: { type: string; id: string; ref: string };
  stage?: string;
  change: string;
}

export interface PolicyImpact {
  affected: AffectedCase[];
  /** open cases the edition leaves as they are */
  unaffected: number;
  /** what changes for cases submitted from its date (实体从旧: never for open ones) */
  notes: string[];
}

export interface PolicyDomain {
  /** e.g. "nanxun-talent" */
  policy: string;
  /** the document's name, for an edition that does not give one */
  defaultTitle: string;
  defaultIssuer: string;
  schema: ParameterSchema;
  /**
   * Open cases and open or future stages `proposed` would touch, compared with `previous` (the edition that would
   * otherwise be in force from its date). Reads only.
   */
  impact(db: Kysely<Database>, args: { previous: PolicyEdition | null; proposed: PolicyEdition; now: Date }): Promise<PolicyImpact>;
}
