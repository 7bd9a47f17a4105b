import type { ColumnType, Generated } from 'kysely';

type Timestamp = ColumnType<Date, Date | string, Date | string>;

export interface ReconciliationRunTable {
  id: string;
  reason: string;
  started_at: Timestamp;
  finished_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  workflows_checked: Generated<number>;
  findings: Generated<number>;
  repaired: Generated<number>;
  needs_person: Generated<number>;
}

export interface ReconciliationFindingTable {
  id: Generated<string>;
  run_id: string;
  workflow_id: string;
  kind: string;
  subject_type: string | null;
  subject_id: string | null;
  detail: ColumnType<Record<string, unknown>, string, string>;
  repaired: boolean;
  needs_person: boolean;
  found_at: Timestamp;
}

export interface ReconciliationTables {
  reconciliation_run: ReconciliationRunTable;
  reconciliation_finding: ReconciliationFindingTable;
}
