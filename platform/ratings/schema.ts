import type { ColumnType } from 'kysely';

/** a subject type of an installed domain (platform/plugins): a claim, an application */
export type RatingSubjectType = string;

export interface RatingTable {
  id: string;
  subject_type: RatingSubjectType;
  subject_id: string;
  user_id: number;
  score: number;
  comment: string | null;
  org_codes: string[];
  created_at: ColumnType<Date, Date | string | undefined, Date | string>;
}
