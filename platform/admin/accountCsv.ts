/**
 * Reading an account CSV (POST /api/v1/admin/accounts/import). The encoding is decided as for the organisation
 * import (platform/orgs/csvImport.ts decodeCsv: valid UTF-8 → UTF-8, else GBK; undecodable bytes become U+FFFD and
 * such a row is refused on its own). The header names the columns, in English (the API's field names) or Chinese;
 * `roles` holds one or more role ids separated by `;`, `、`, `|` or spaces; `zzdAccountId` is the clerk's 浙政钉
 * account id (optional per row). The rows come back with their line numbers.
 */
import { parseCsvTable, type CsvTableRow } from '../http/csvTable';

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
export type AccountCsvRow = CsvTableRow<keyof AccountInput>;

/** each account gets a one-time password hashed with scrypt and sent by SMS: a district's clerks, not a population */
export const MAX_ACCOUNT_ROWS = 2_000;

export const splitRoles = (cell: string | undefined) =>
  (cell ?? '')
    .split(/[;；、|,，\s]+/)
    .map((r) => r.trim())
    .filter(Boolean);

export function parseAccountCsv(text: string): { rows: AccountCsvRow[]; ignoredColumns: string[] } {
  return parseCsvTable<keyof AccountInput>(text, {
    headers: HEADERS,
    required: ['username', 'displayName', 'orgCode', 'roles', 'phone'],
    maxRows: MAX_ACCOUNT_ROWS,
    messages: {
      empty: 'the CSV is empty: a header line and one line per account are expected',
      missingColumns:
        'the first line must be a header naming the columns username (用户名), displayName (姓名), orgCode (单位代码), roles (角色), phone (手机号) and optionally zzdAccountId (浙政钉账号ID)',
      tooManyRows: `at most ${MAX_ACCOUNT_ROWS} accounts per import; split the file`,
    },
  });
}
