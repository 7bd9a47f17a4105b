import type { ColumnType } from 'kysely';

type Timestamp = ColumnType<Date, Date | string, Date | string>;

/** One published policy edition (0065_policy_editions): immutable, a trigger refuses update and delete. */
export interface PolicyEditionTable {
  id: string;
  policy: string;
  title: string;
  document_no: string | null;
  issuer: string;
  effective_from: Timestamp;
  effective_to: Timestamp | null;
  based_on: string | null;
  /** { name: { value, kind, clause } } */
  parameters: ColumnType<unknown, string, string>;
  published_by: string;
  published_at: Timestamp;
  reason: string;
}
