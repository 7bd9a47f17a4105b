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
import { Problem } from '../http/problem';
import { parseCsvTable, REPLACEMENT, type CsvTableRow } from '../http/csvTable';
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
export type CsvRow = CsvTableRow<keyof OrgInput>;

export const MAX_IMPORT_ROWS = 50_000;

export function parseOrgCsv(text: string): { rows: CsvRow[]; ignoredColumns: string[] } {
  return parseCsvTable<keyof OrgInput>(text, {
    headers: HEADERS,
    required: ['name', 'creditCode'],
    maxRows: MAX_IMPORT_ROWS,
    messages: {
      empty: 'the CSV is empty: a header line and one line per organisation are expected',
      missingColumns: 'the first line must be a header naming at least the columns name (名称) and creditCode (统一社会信用代码)',
      tooManyRows: `at most ${MAX_IMPORT_ROWS} rows per import; split the file`,
    },
  });
}
