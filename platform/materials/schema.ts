import type { ColumnType, Generated } from 'kysely';
import type { MaterialKind, MaterialMediaType, MaterialSubjectType } from './requirements';

type Timestamp = ColumnType<Date, Date | string, Date | string>;
/** a timestamptz with a database default */
type DefaultedTimestamp = ColumnType<Date, Date | string | undefined, Date | string>;

export interface MaterialBlobTable {
  /** the content address: a keyed hash `<blind key id>.<hex>` (sealed content), or a plain sha256 (stored before 0045) */
  address: string;
  size: number;
  content: Buffer;
  created_at: DefaultedTimestamp;
}

export interface MaterialTable {
  id: string;
  owner_user_id: number;
  kind: MaterialKind;
  file_name: string;
  content_type: MaterialMediaType;
  size: number;
  /** the plain sha256 of a material stored before 0045 (its blob is plain); null once sealed */
  sha256: string | null;
  /** the sealed content (material_content); null for a material stored before 0045 */
  content_address: string | null;
  subject_type: MaterialSubjectType | null;
  subject_id: string | null;
  attached_at: Timestamp | null;
  created_at: DefaultedTimestamp;
}

/** The wrapped data key of one sealed content. */
export interface MaterialContentTable {
  address: string;
  kek_id: string;
  wrapped_key: Buffer;
  size: number;
  created_at: DefaultedTimestamp;
}

export interface MaterialAccessTable {
  id: Generated<string>;
  material_id: string;
  subject_type: string | null;
  subject_id: string | null;
  user_id: number;
  username: string;
  org_code: string | null;
  via: string;
  at: DefaultedTimestamp;
}

export interface MaterialRequestTable {
  task_id: string;
  subject_type: string;
  subject_id: string;
  kinds: string[];
  requested_by: string;
  requested_at: DefaultedTimestamp;
}

export interface MaterialTables {
  material_blob: MaterialBlobTable;
  material: MaterialTable;
  material_content: MaterialContentTable;
  material_access: MaterialAccessTable;
  material_request: MaterialRequestTable;
}
