/** CSV export of the reports (`?format=csv`), for Excel. */
import type { Response } from 'express';

/** [row key, header label] of each column, in order */
export type CsvColumns = [string, string][];

export function csvCell(v: unknown): string {
  const s = v == null ? '' : String(v);
  // neutralise spreadsheet formulas, quote everything
  const safe = /^[=+\-@\t\r]/.test(s) && !/^-?\d+(\.\d+)?$/.test(s) ? `'${s}` : s;
  return `"${safe.replace(/"/g, '""')}"`;
}

/** Sends rows as CSV (UTF-8 with BOM so Excel shows Chinese), the header row from `columns`' labels. */
export function sendCsv(res: Response, filename: string, columns: CsvColumns, rows: Record<string, unknown>[]): undefined {
  const lines = [columns.map(([, label]) => csvCell(label)).join(',')];
  for (const r of rows) lines.push(columns.map(([key]) => csvCell(r[key])).join(','));
  res.status(200);
  res.setHeader('Content-Type', 'text/csv; charset=utf-8');
  res.setHeader('Content-Disposition', `attachment; filename="${filename}"`);
  res.send(`\uFEFF${lines.join('\r\n')}\r\n`);
  return undefined;
}
