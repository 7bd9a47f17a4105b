/**
 * Reading an organisation CSV, the encoding decided once per file: UTF-8 (with or without a BOM) when the bytes decode
 * as valid UTF-8; UTF-8 too when they are UTF-8 but for a few stray bytes (more well-formed non-ASCII UTF-8
 * characters than malformed sequences: GBK text is almost never well-formed UTF-8), so one bad byte does not turn
 * the whole file into mojibake; else GBK (as Excel on a Chinese Windows saves "CSV"; decoded as GB 18030, its
 * superset). Whatever could not be decoded becomes U+FFFD, and a row holding one is refused on its own (ENCODING)
 * in the dry run's report, never imported. The header names the columns, in English (the API's field names) or
 * Chinese; the rows come back with their line numbers.
 */
import iconv from 'iconv-lite';
import { parse } from 'csv-parse/sync';
import { Problem } from '../http/problem';
import type { OrgInput } from './orgInput';

export type CsvEncoding = 'utf-8' | 'gbk';

export function decodeCsv(buf: Buffer): { text: string; encoding: CsvEncoding } {
  let bytes = buf;
  if (bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) bytes = bytes.subarray(3);
  // binary files (spreadsheets, images, PDFs, UTF-16 text) carry NUL bytes; CSV text never does
  if (bytes.includes(0))
    throw new Problem('INVALID_CSV', 'the body is not CSV text (it contains NUL bytes: a binary file, or UTF-16); save it as CSV (UTF-8 or GBK)');
  try {
    return { text: new TextDecoder('utf-8', { fatal: true }).decode(bytes), encoding: 'utf-8' };
  } catch {
    const lenient = new TextDecoder('utf-8').decode(bytes);
    let wellFormed = 0;
    let malformed = 0;
    for (const ch of lenient) {
      if (ch === REPLACEMENT) malformed++;
      else if (ch.codePointAt(0)! > 0x7f) wellFormed++;
    }
    if (wellFormed > malformed) return { text: lenient, encoding: 'utf-8' };
    return { text: iconv.decode(bytes, 'gb18030'), encoding: 'gbk' };
  }
}

/** What a byte sequence that could not be decoded becomes. */
export const REPLACEMENT = '\ufffd';

const HEADERS: Record<keyof OrgInput, string[]> = {
  type: ['type', '类型', '单位类型'],
  name: ['name', '名称', '单位名称'],
  creditCode: ['creditcode', 'credit_code', '统一社会信用代码', '信用代码'],
  townCode: ['towncode', 'town_code', 'town', '所属镇(开发区)', '所属镇', '镇(开发区)', '镇街'],
  regulatorCode: ['regulatorcode', 'regulator_code', 'regulator', '行业监管部门', '监管部门'],
  certRereviewBy: ['certrereviewby', 'cert_rereview_by', '证书奖励复审', '证书奖励复审单位'],
  competentOrgCode: ['competentorgcode', 'competent_org_code', '主管部门'],
  lowerCommitteeOrgCode: ['lowercommitteeorgcode', 'lower_committee_org_code', '下一级评审委员会', '评审委员会'],
  address: ['address', '地址', '单位地址'],
};
const normHeader = (h: string) => h.trim().toLowerCase().replace(/\s+/g, '').replace(/（/g, '(').replace(/）/g, ')');
const FIELD_OF = new Map<string, keyof OrgInput>();
for (const [field, names] of Object.entries(HEADERS)) for (const n of names) FIELD_OF.set(normHeader(n), field as keyof OrgInput);

export interface CsvRow {
  /** line of the file where the row starts (the header is line 1) */
  row: number;
  input: OrgInput;
  /** the row has another number of cells than the header */
  columnCountMismatch: boolean;
  /** a cell holds bytes that could not be decoded (U+FFFD) */
  undecodable: boolean;
}

export const MAX_IMPORT_ROWS = 50_000;

export function parseOrgCsv(text: string): { rows: CsvRow[]; ignoredColumns: string[] } {
  let records: { record: string[]; info: { lines: number } }[];
  try {
    records = parse(text, {
      // with info: true each record comes as { record, info }
      info: true,
      relax_column_count: true,
      skip_empty_lines: true,
      trim: true,
      bom: true,
    }) as unknown as typeof records;
  } catch (e) {
    throw new Problem('INVALID_CSV', `the body is not valid CSV: ${(e as Error).message}`);
  }
  const [head, ...body] = records;
  if (!head) throw new Problem('INVALID_CSV', 'the CSV is empty: a header line and one line per organisation are expected');
  const fields = head.record.map((h) => FIELD_OF.get(normHeader(h)));
  const seen = new Set<string>();
  for (const f of fields) {
    if (f && seen.has(f)) throw new Problem('INVALID_CSV', `the header names the column ${f} twice`);
    if (f) seen.add(f);
  }
  if (!seen.has('name') || !seen.has('creditCode')) {
    throw new Problem('INVALID_CSV', 'the first line must be a header naming at least the columns name (名称) and creditCode (统一社会信用代码)', {
      expectedColumns: Object.keys(HEADERS),
    });
  }
  if (body.length > MAX_IMPORT_ROWS) throw new Problem('INVALID_CSV', `at most ${MAX_IMPORT_ROWS} rows per import; split the file`);
  const ignoredColumns = head.record.filter((_, i) => !fields[i]);
  const rows = body.map(({ record, info }) => {
    const input: OrgInput = {};
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
