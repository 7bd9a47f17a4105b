/**
 * Reading an account CSV (POST /api/v1/admin/accounts/import). The encoding is decided as for the organisation
 * import (platform/orgs/csvImport.ts decodeCsv: valid UTF-8 → UTF-8, else GBK; undecodable bytes become U+FFFD and
 * such a row is refused on its own). The header names the columns, in English (the API's field names) or Chinese;
 * `roles` holds one or more role ids separated by `;`, `、`, `|` or spaces; `zzdAccountId` is the clerk's 浙政钉
 * account id (optional per row). The rows come back with their line numbers.
 */
import { parse } from 'csv-parse/sync';
import { Problem } from '../http/problem';
import { REPLACEMENT } from '../orgs/csvImport';

export interface AccountInput {
  username?: string;
  displayName?: string;
  orgCode?: string;
  roles?: string;
  phone?: string;
  zzdAccountId?: string;
}

const HEADERS: Record<keyof AccountInput, string[]> = {
  username: ['username', '用户名', '账号', '登录名'],
  displayName: ['displayname', 'display_name', 'name', '姓名'],
  orgCode: ['orgcode', 'org_code', 'org', '单位代码', '单位编码', '所属单位代码'],
  roles: ['roles', 'role', '角色'],
  phone: ['phone', 'mobile', '手机号', '手机号码', '手机'],
  zzdAccountId: ['zzdaccountid', 'zzd_account_id', 'zzd', 'zzdid', '浙政钉id', '浙政钉账号id', '浙政钉账号', '浙政钉accountid'],
};
const normHeader = (h: string) => h.trim().toLowerCase().replace(/\s+/g, '');
const FIELD_OF = new Map<string, keyof AccountInput>();
for (const [field, names] of Object.entries(HEADERS)) for (const n of names) FIELD_OF.set(normHeader(n), field as keyof AccountInput);

export interface AccountCsvRow {
  /** line of the file where the row starts (the header is line 1) */
  row: number;
  input: AccountInput;
  columnCountMismatch: boolean;
  /** a cell holds bytes that could not be decoded (U+FFFD) */
  undecodable: boolean;
}

/** each account gets a one-time password hashed with scrypt and sent by SMS: a district's clerks, not a population */
export const MAX_ACCOUNT_ROWS = 2_000;

export const splitRoles = (cell: string | undefined) =>
  (cell ?? '')
    .split(/[;；、|,，\s]+/)
    .map((r) => r.trim())
    .filter(Boolean);

export function parseAccountCsv(text: string): { rows: AccountCsvRow[]; ignoredColumns: string[] } {
  let records: { record: string[]; info: { lines: number } }[];
  try {
    records = parse(text, { info: true, relax_column_count: true, skip_empty_lines: true, trim: true, bom: true }) as unknown as typeof records;
  } catch (e) {
    throw new Problem('INVALID_CSV', `the body is not valid CSV: ${(e as Error).message}`);
  }
  const [head, ...body] = records;
  if (!head) throw new Problem('INVALID_CSV', 'the CSV is empty: a header line and one line per account are expected');
  const fields = head.record.map((h) => FIELD_OF.get(normHeader(h)));
  const seen = new Set<string>();
  for (const f of fields) {
    if (f && seen.has(f)) throw new Problem('INVALID_CSV', `the header names the column ${f} twice`);
    if (f) seen.add(f);
  }
  const required: (keyof AccountInput)[] = ['username', 'displayName', 'orgCode', 'roles', 'phone'];
  if (required.some((f) => !seen.has(f))) {
    throw new Problem(
      'INVALID_CSV',
      'the first line must be a header naming the columns username (用户名), displayName (姓名), orgCode (单位代码), roles (角色), phone (手机号) and optionally zzdAccountId (浙政钉账号ID)',
      { expectedColumns: Object.keys(HEADERS) },
    );
  }
  if (body.length > MAX_ACCOUNT_ROWS) throw new Problem('INVALID_CSV', `at most ${MAX_ACCOUNT_ROWS} accounts per import; split the file`);
  const ignoredColumns = head.record.filter((_, i) => !fields[i]);
  const rows = body.map(({ record, info }) => {
    const input: AccountInput = {};
    fields.forEach((f, i) => {
      if (f) input[f] = record[i] ?? '';
    });
    return {
      row: info.lines - (record.join('').split('\n').length - 1),
      input,
      columnCountMismatch: record.length !== head.record.length,
      undecodable: record.some((cell) => cell.includes(REPLACEMENT)),
    };
  });
  return { rows, ignoredColumns };
}
