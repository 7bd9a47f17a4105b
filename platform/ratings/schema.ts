import type { ColumnType } from 'kysely';

export type RatingSubjectType = 'nanxun_claim' | 'title_application';

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
