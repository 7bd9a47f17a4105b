/**
 * A CSV import's table, read the same way for every import (organisations, accounts): one header line naming the
 * columns (in English, the API's field names, or in Chinese; case, spaces and full-width parentheses do not matter),
 * then one record per row, each with the line of the file where it starts. A column named twice, a header without
 * the required columns or too many rows refuse the whole file (INVALID_CSV); a row with another number of cells than
 * the header, or with bytes that could not be decoded (U+FFFD), is marked for its own refusal.
 */
import { parse } from 'csv-parse/sync';
import { Problem } from './problem';

/** What a byte sequence that could not be decoded becomes. */
export const REPLACEMENT = '\ufffd';

export interface CsvTableRow<F extends string> {
  /** line of the file where the row starts (the header is line 1) */
  row: number;
  input: Partial<Record<F, string>>;
  /** the row has another number of cells than the header */
  columnCountMismatch: boolean;
  /** a cell holds bytes that could not be decoded (U+FFFD) */
  undecodable: boolean;
}

export interface CsvTableSpec<F extends string> {
  /** each field's accepted header names */
  headers: Record<F, string[]>;
  required: F[];
  maxRows: number;
  /** INVALID_CSV details: an empty file, a header without the required columns, too many rows */
  messages: { empty: string; missingColumns: string; tooManyRows: string };
}

const normHeader = (h: string) => h.trim().toLowerCase().replace(/\s+/g, '').replace(/（/g, '(').replace(/）/g, ')');

export function parseCsvTable<F extends string>(text: string, spec: CsvTableSpec<F>): { rows: CsvTableRow<F>[]; ignoredColumns: string[] } {
  const fieldOf = new Map<string, F>();
  for (const [field, names] of Object.entries(spec.headers) as [F, string[]][]) for (const n of names) fieldOf.set(normHeader(n), field);
  let records: { record: string[]; info: { lines: number } }[];
  try {
    // with info: true each record comes as { record, info }
    records = parse(text, { info: true, relax_column_count: true, skip_empty_lines: true, trim: true, bom: true }) as unknown as typeof records;
  } catch (e) {
    throw new Problem('INVALID_CSV', `the body is not valid CSV: ${(e as Error).message}`);
  }
  const [head, ...body] = records;
  if (!head) throw new Problem('INVALID_CSV', spec.messages.empty);
  const fields = head.record.map((h) => fieldOf.get(normHeader(h)));
  const seen = new Set<F>();
  for (const f of fields) {
    if (f && seen.has(f)) throw new Problem('INVALID_CSV', `the header names the column ${f} twice`);
    if (f) seen.add(f);
  }
  if (spec.required.some((f) => !seen.has(f))) {
    throw new Problem('INVALID_CSV', spec.messages.missingColumns, { expectedColumns: Object.keys(spec.headers) });
  }
  if (body.length > spec.maxRows) throw new Problem('INVALID_CSV', spec.messages.tooManyRows);
  const ignoredColumns = head.record.filter((_, i) => !fields[i]);
  const rows = body.map(({ record, info }) => {
    const input: Partial<Record<F, string>> = {};
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
