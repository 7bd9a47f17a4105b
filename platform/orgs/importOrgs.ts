/**
 * The CSV import of organisations: every row checked against the registered organisations and the rows before it,
 * then (unless it is a dry run) all of them written in one transaction, or none. A row whose credit code is
 * registered changes that organisation; a new one is created. With skipInvalid the valid rows are imported and
 * the refused ones reported; without it one refused row means nothing is imported.
 */
import { sql, type Kysely, type Transaction } from 'kysely';
import type { Database } from '../../db/schema';
import { Problem } from '../http/problem';
import { recordAudit } from '../admin/audit';
import { decodeCsv, parseOrgCsv, type CsvEncoding } from './csvImport';
import { checkOrgInput, normalizeOrgType, newOrgCode, ORG_REASON_ZH, type OrgRecord, type OrgRefs } from './orgInput';
import { normalizeCreditCode } from './creditCode';
import { loadRefs, nextOrgNumbers, toRecord, upsertOrgs, withRouting } from './repository';
import { noteMoves } from './moves';

export type RowAction = 'created' | 'updated' | 'unchanged' | 'refused';

export interface RowReport {
  row: number;
  action: RowAction;
  code: string | null;
  name: string | null;
  creditCode: string | null;
  reasons: { code: string; field: string; value?: string; message: string }[];
}

export interface ImportReport {
  dryRun: boolean;
  /** whether the rows were written (never on a dry run) */
  imported: boolean;
  encoding: CsvEncoding;
  ignoredColumns: string[];
  total: number;
  counts: Record<RowAction, number>;
  openClaimsNoted: number;
  rows: RowReport[];
}

const SAME_KEYS: (keyof OrgRecord)[] = [
  'name',
  'creditCode',
  'townCode',
  'regulatorCode',
  'certRereviewOrgCode',
  'inDistrict',
  'competentOrgCode',
  'lowerCommitteeOrgCode',
  'address',
];

interface Planned {
  report: RowReport;
  code?: string;
  record?: OrgRecord;
  before?: OrgRecord;
}

async function existingRecords(db: Kysely<Database> | Transaction<Database>, codes: string[]): Promise<Map<string, OrgRecord>> {
  const out = new Map<string, OrgRecord>();
  for (let i = 0; i < codes.length; i += 5000) {
    const rows = await withRouting(
      db,
      await db
        .selectFrom('org')
        .selectAll()
        .where('code', 'in', codes.slice(i, i + 5000))
        .execute(),
    );
    for (const r of rows) out.set(r.code, toRecord(r));
  }
  return out;
}

/** checks every row; the new organisations get their codes (those without a credit code are numbered when written) */
async function plan(db: Kysely<Database> | Transaction<Database>, refs: OrgRefs, rows: ReturnType<typeof parseOrgCsv>['rows']): Promise<Planned[]> {
  const matched = new Set<string>();
  for (const r of rows) {
    const cc = r.input.creditCode ? normalizeCreditCode(r.input.creditCode) : '';
    const holder = cc ? refs.byCreditCode.get(cc) : undefined;
    if (holder) matched.add(holder.code);
  }
  const existing = await existingRecords(db, [...matched]);
  const firstRowOf = new Map<string, number>();
  const taken = new Set<string>();
  return rows.map(({ row, input, columnCountMismatch, undecodable }) => {
    const cc = input.creditCode ? normalizeCreditCode(input.creditCode) : null;
    const report: RowReport = { row, action: 'refused', code: null, name: input.name?.trim() || null, creditCode: cc, reasons: [] };
    const refuse = (code: string, field: string, value?: string) =>
      report.reasons.push({ code, field, ...(value !== undefined ? { value } : {}), message: ORG_REASON_ZH[code as keyof typeof ORG_REASON_ZH] ?? code });
    if (columnCountMismatch) report.reasons.push({ code: 'COLUMN_COUNT', field: '(row)', message: '该行的列数与表头不一致' });
    if (undecodable)
      report.reasons.push({ code: 'ENCODING', field: '(row)', message: '该行含有无法识别的字节（乱码）；请将文件另存为 UTF-8 或 GBK 编码的 CSV 后重试' });
    if (cc && firstRowOf.has(cc)) refuse('DUPLICATE_IN_FILE', 'creditCode', String(firstRowOf.get(cc)));
    else if (cc) firstRowOf.set(cc, row);
    const holder = cc ? refs.byCreditCode.get(cc) : undefined;
    const before = holder ? existing.get(holder.code) : undefined;
    if (holder && !before) refuse('TYPE_MISMATCH', 'creditCode', holder.code);
    if (before && input.type?.trim() && normalizeOrgType(input.type) !== before.type) {
      refuse('TYPE_MISMATCH', 'type', holder!.code);
    }
    const checked = checkOrgInput(before ? { ...input, type: before.type } : input, refs, before ? { self: holder!.code, existing: before } : {});
    for (const r of checked.reasons)
      report.reasons.push({ code: r.code, field: r.field, ...(r.value !== undefined ? { value: r.value } : {}), message: ORG_REASON_ZH[r.code] });
    if (report.reasons.length || !checked.record) return { report };
    const record = checked.record;
    if (before) {
      report.code = holder!.code;
      report.action = SAME_KEYS.every((k) => before[k] === record[k]) ? 'unchanged' : 'updated';
      return { report, code: holder!.code, record, before };
    }
    report.action = 'created';
    if (record.creditCode) {
      let code = newOrgCode(record, () => 0);
      const base = code;
      for (let n = 2; refs.byCode.has(code) || taken.has(code); n++) code = `${base}-${n}`;
      taken.add(code);
      report.code = code;
      return { report, code, record };
    }
    return { report, record };
  });
}

export async function importOrgs(
  db: Kysely<Database>,
  actor: string,
  body: Buffer,
  opts: { dryRun: boolean; skipInvalid: boolean },
  now = new Date(),
): Promise<ImportReport> {
  const { text, encoding } = decodeCsv(body);
  const { rows, ignoredColumns } = parseOrgCsv(text);
  const summarize = (planned: Planned[], imported: boolean, openClaimsNoted: number): ImportReport => {
    const counts: Record<RowAction, number> = { created: 0, updated: 0, unchanged: 0, refused: 0 };
    for (const p of planned) counts[p.report.action]++;
    return { dryRun: opts.dryRun, imported, encoding, ignoredColumns, total: planned.length, counts, openClaimsNoted, rows: planned.map((p) => p.report) };
  };
  if (opts.dryRun) return summarize(await plan(db, await loadRefs(db), rows), false, 0);

  return db.transaction().execute(async (trx) => {
    await sql`select pg_advisory_xact_lock(hashtext('org-admin'))`.execute(trx);
    const planned = await plan(trx, await loadRefs(trx), rows);
    const refused = planned.filter((p) => p.report.action === 'refused');
    if (refused.length && !opts.skipInvalid) {
      const report = summarize(planned, false, 0);
      throw new Problem(
        'IMPORT_HAS_INVALID_ROWS',
        `${refused.length} of ${planned.length} rows are not valid (first: row ${refused[0]!.report.row}); nothing was imported`,
        { report },
      );
    }
    const writes = planned.filter((p) => p.record && p.report.action !== 'unchanged');
    const unnumbered = writes.filter((p) => !p.code);
    const numbers = await nextOrgNumbers(trx, unnumbered.length);
    unnumbered.forEach((p, i) => {
      p.code = newOrgCode(p.record!, () => numbers[i]!);
      p.report.code = p.code;
    });
    await upsertOrgs(
      trx,
      writes.map((p) => ({ code: p.code!, record: p.record! })),
      actor,
      now,
    );
    const openClaimsNoted = await noteMoves(
      trx,
      writes.filter((p) => p.before).map((p) => ({ code: p.code!, before: p.before!, after: p.record! })),
      actor,
      now,
    );
    const report = summarize(planned, true, openClaimsNoted);
    await recordAudit(trx, {
      actor,
      action: 'org.import',
      targetType: 'org',
      targetId: 'import',
      details: {
        counts: report.counts,
        encoding,
        created: planned.filter((p) => p.report.action === 'created').map((p) => p.code),
        updated: planned.filter((p) => p.report.action === 'updated').map((p) => p.code),
        refusedRows: refused.map((p) => p.report.row),
      },
    });
    return report;
  });
}
