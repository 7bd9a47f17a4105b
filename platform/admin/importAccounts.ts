/**
 * The CSV import of clerk accounts (the security administrator's, 三员分立): every row checked against the accounts,
 * organisations and 浙政钉 links already there and against the rows before it, then (unless it is a dry run) all of
 * them created in one transaction, or none (skipInvalid: the valid ones, the refused ones reported). Each account
 * gets the roles its row names — civil servants' roles and unit verifiers only, each fitting the organisation's type
 * (duties.ts) — and, when the row has one, its 浙政钉 account id, so the clerk can sign in by the 浙政钉 QR at once.
 * Each one-time password goes to the person's mobile through the notification outbox; the report names only the
 * masked number. Audited: one entry per account and one for the import.
 */
import { sql, type Kysely, type Transaction } from 'kysely';
import type { Database } from '../../db/schema';
import { hashPassword } from '../auth/passwords';
import { CLERK_ROLES, type Role } from '../auth/roles';
import { linkedSubjects, linkIdentity } from '../auth/federation/repository';
import { Problem } from '../http/problem';
import { Phone } from '../http/schemas';
import { decodeCsv, type CsvEncoding } from '../orgs/csvImport';
import { ORG_TYPE_ZH } from '../orgs/orgInput';
import type { Actor } from '../tasks/messages';
import { parseAccountCsv, splitRoles, type AccountCsvRow } from './accountCsv';
import { recordAudit } from './audit';
import { assertRolesFit } from './duties';
import { deliverOneTimePassword, oneTimePassword } from './oneTimePasswords';
import { insertStaffUser, orgsByCode, takenUsernames } from './repository';

/** the roles an import may give: civil servants' roles and the enterprises' unit verifiers (never an administrator's) */
export const IMPORTABLE_ROLES: readonly Role[] = [...CLERK_ROLES, 'unit_verifier'];

export type AccountRowAction = 'created' | 'refused';

export interface AccountRowReport {
  row: number;
  action: AccountRowAction;
  username: string | null;
  displayName: string | null;
  orgCode: string | null;
  roles: string[];
  zzdAccountId: string | null;
  /** where the one-time password went (masked), once imported */
  oneTimePasswordSentTo: string | null;
  reasons: { code: string; field: string; value?: string; message: string }[];
}

export interface AccountImportReport {
  dryRun: boolean;
  imported: boolean;
  encoding: CsvEncoding;
  /** the provider the 浙政钉 account ids are linked at */
  provider: string;
  ignoredColumns: string[];
  total: number;
  counts: Record<AccountRowAction, number>;
  rows: AccountRowReport[];
}

const REASON_ZH: Record<string, string> = {
  COLUMN_COUNT: '该行的列数与表头不一致',
  ENCODING: '该行含有无法识别的字节（乱码）；请将文件另存为 UTF-8 或 GBK 编码的 CSV 后重试',
  INVALID_USERNAME: '用户名须为 3–50 位字母、数字或 _ . -',
  USERNAME_TAKEN: '用户名已被占用（不区分大小写）',
  DUPLICATE_IN_FILE: '与文件中前面的行重复（见 value 所示行号）',
  MISSING: '必填项为空',
  UNKNOWN_ORG: '没有这个单位代码',
  ORG_INACTIVE: '该单位已停用',
  ROLE_NOT_IMPORTABLE: `批量导入只能授予工作人员角色：${IMPORTABLE_ROLES.join('、')}`,
  ROLE_NOT_FOR_ORG: '该角色与单位类型不符',
  SEPARATION_OF_DUTIES: '角色组合违反三员分立',
  INVALID_PHONE: '手机号格式不正确（一次性密码将以短信发送到该号码）',
  INVALID_ZZD_ID: '浙政钉账号ID 须为 1–64 位字母、数字、_ 或 -',
  ZZD_ID_TAKEN: '该浙政钉账号ID 已关联到其他账号',
};

const USERNAME = /^[A-Za-z0-9_.-]{3,50}$/;
const ZZD_ID = /^[A-Za-z0-9_-]{1,64}$/;

interface Planned {
  report: AccountRowReport;
  phone?: string;
}

type Exec = Kysely<Database> | Transaction<Database>;

async function plan(exec: Exec, provider: string, rows: AccountCsvRow[]): Promise<Planned[]> {
  const cell = (v: string | undefined) => v?.trim() || '';
  const taken = await takenUsernames(
    exec,
    rows.map((r) => cell(r.input.username)).filter((u) => USERNAME.test(u)),
  );
  const orgs = await orgsByCode(exec, rows.map((r) => cell(r.input.orgCode)).filter(Boolean));
  const linked = await linkedSubjects(
    exec,
    provider,
    rows.map((r) => cell(r.input.zzdAccountId)).filter((z) => ZZD_ID.test(z)),
  );
  const firstUsername = new Map<string, number>();
  const firstZzd = new Map<string, number>();
  return rows.map(({ row, input, columnCountMismatch, undecodable }) => {
    const username = cell(input.username);
    const displayName = cell(input.displayName);
    const orgCode = cell(input.orgCode);
    const roles = [...new Set(splitRoles(input.roles))];
    const phone = cell(input.phone);
    const zzd = cell(input.zzdAccountId);
    const report: AccountRowReport = {
      row,
      action: 'refused',
      username: username || null,
      displayName: displayName || null,
      orgCode: orgCode || null,
      roles,
      zzdAccountId: zzd || null,
      oneTimePasswordSentTo: null,
      reasons: [],
    };
    const refuse = (code: string, field: string, value?: string, message?: string) =>
      report.reasons.push({ code, field, ...(value !== undefined ? { value } : {}), message: message ?? REASON_ZH[code] ?? code });
    if (columnCountMismatch) refuse('COLUMN_COUNT', '(row)');
    if (undecodable) refuse('ENCODING', '(row)');

    if (!username) refuse('MISSING', 'username');
    else if (!USERNAME.test(username)) refuse('INVALID_USERNAME', 'username', username);
    else if (firstUsername.has(username.toLowerCase())) refuse('DUPLICATE_IN_FILE', 'username', String(firstUsername.get(username.toLowerCase())));
    else {
      firstUsername.set(username.toLowerCase(), row);
      if (taken.has(username.toLowerCase())) refuse('USERNAME_TAKEN', 'username', username);
    }

    if (!displayName) refuse('MISSING', 'displayName');
    else if (displayName.length > 100) refuse('MISSING', 'displayName', undefined, '姓名过长（至多 100 字）');

    const org = orgCode ? orgs.get(orgCode) : undefined;
    if (!orgCode) refuse('MISSING', 'orgCode');
    else if (!org) refuse('UNKNOWN_ORG', 'orgCode', orgCode);
    else if (!org.active) refuse('ORG_INACTIVE', 'orgCode', orgCode);

    if (!roles.length) refuse('MISSING', 'roles');
    const foreign = roles.filter((r) => !IMPORTABLE_ROLES.includes(r as Role));
    for (const r of foreign) refuse('ROLE_NOT_IMPORTABLE', 'roles', r);
    if (roles.length && !foreign.length && org) {
      try {
        assertRolesFit(roles, org.type);
      } catch (e) {
        if (!(e instanceof Problem)) throw e;
        const role = (e.extra as { role?: string } | undefined)?.role;
        const typeZh = (ORG_TYPE_ZH as Record<string, string>)[org.type] ?? org.type;
        refuse(e.code, 'roles', role, e.code === 'ROLE_NOT_FOR_ORG' ? `该角色与单位类型（${typeZh}）不符` : undefined);
      }
    }

    if (!phone) refuse('MISSING', 'phone');
    else if (!Phone.safeParse(phone).success) refuse('INVALID_PHONE', 'phone');

    if (zzd) {
      if (!ZZD_ID.test(zzd)) refuse('INVALID_ZZD_ID', 'zzdAccountId', zzd);
      else if (firstZzd.has(zzd)) refuse('DUPLICATE_IN_FILE', 'zzdAccountId', String(firstZzd.get(zzd)));
      else {
        firstZzd.set(zzd, row);
        if (linked.has(zzd)) refuse('ZZD_ID_TAKEN', 'zzdAccountId', zzd);
      }
    }

    if (report.reasons.length) return { report };
    report.action = 'created';
    return { report, phone };
  });
}

export async function importAccounts(
  db: Kysely<Database>,
  by: Actor,
  body: Buffer,
  opts: { dryRun: boolean; skipInvalid: boolean; provider: string },
  clientIp: string | null,
): Promise<AccountImportReport> {
  const { text, encoding } = decodeCsv(body);
  const { rows, ignoredColumns } = parseAccountCsv(text);
  const summarize = (planned: Planned[], imported: boolean): AccountImportReport => {
    const counts: Record<AccountRowAction, number> = { created: 0, refused: 0 };
    for (const p of planned) counts[p.report.action]++;
    return {
      dryRun: opts.dryRun,
      imported,
      encoding,
      provider: opts.provider,
      ignoredColumns,
      total: planned.length,
      counts,
      rows: planned.map((p) => p.report),
    };
  };
  if (opts.dryRun) return summarize(await plan(db, opts.provider, rows), false);

  return db.transaction().execute(async (trx) => {
    // one import (or account creation) at a time decides which usernames and 浙政钉 ids are free
    await sql`select pg_advisory_xact_lock(hashtext('account-import'))`.execute(trx);
    const planned = await plan(trx, opts.provider, rows);
    const refused = planned.filter((p) => p.report.action === 'refused');
    if (refused.length && !opts.skipInvalid) {
      throw new Problem(
        'IMPORT_HAS_INVALID_ROWS',
        `${refused.length} of ${planned.length} rows are not valid (first: row ${refused[0]!.report.row}); nothing was imported`,
        { report: summarize(planned, false) },
      );
    }
    for (const p of planned) {
      if (p.report.action !== 'created') continue;
      const r = p.report;
      const otp = oneTimePassword();
      const u = await insertStaffUser(trx, {
        username: r.username!,
        displayName: r.displayName!,
        orgCode: r.orgCode,
        roles: r.roles,
        phone: p.phone!,
        passwordHash: await hashPassword(otp),
        createdBy: by.username,
      });
      if (r.zzdAccountId) await linkIdentity(trx, opts.provider, r.zzdAccountId, u.id, by.username);
      const delivery = await deliverOneTimePassword(trx, u, otp, 'account_created');
      r.oneTimePasswordSentTo = delivery.to;
      await recordAudit(trx, {
        actor: by,
        action: 'user.created',
        targetType: 'user',
        targetId: u.username,
        clientIp,
        details: {
          roles: u.roles,
          orgCode: u.org_code,
          displayName: u.display_name,
          oneTimePasswordSentTo: delivery.to,
          via: 'import',
          ...(r.zzdAccountId ? { identity: { provider: opts.provider, subject: r.zzdAccountId } } : {}),
        },
      });
    }
    const report = summarize(planned, true);
    await recordAudit(trx, {
      actor: by,
      action: 'user.import',
      targetType: 'user',
      targetId: 'import',
      clientIp,
      details: {
        counts: report.counts,
        encoding,
        provider: opts.provider,
        created: planned.filter((p) => p.report.action === 'created').map((p) => p.report.username),
        refusedRows: refused.map((p) => p.report.row),
      },
    });
    return report;
  });
}
