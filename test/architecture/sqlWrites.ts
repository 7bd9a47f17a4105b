/**
 * Finds the SQL writes in TypeScript source, for the architecture test (test/architecture.unit.test.ts): Kysely's
 * insertInto / updateTable / deleteFrom / replaceInto / mergeInto and raw sql`insert|update|delete|merge …`.
 * A write whose table is not a literal (e.g. `sql.table(name)`) is reported with table '?'.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';

export interface SqlWrite {
  file: string;
  line: number;
  table: string;
  statement: string;
}

const KYSELY = /\.(insertInto|updateTable|deleteFrom|replaceInto|mergeInto)\(\s*(?:(['"`])([A-Za-z_][\w.]*)(?:\s+as\s+\w+)?\2)?/g;
const RAW = /(?:sql`|sql\.raw\(\s*['"`]|CompiledQuery\.raw\(\s*['"`])\s*(insert\s+into|update|delete\s+from|merge\s+into)\s+(?:"?([A-Za-z_][\w.]*)"?)?/gi;

const lineOf = (text: string, index: number) => text.slice(0, index).split('\n').length;
/** `public.claim` and `"claim"` name the table claim */
const tableName = (t: string | undefined) => (t ? t.replace(/^public\./, '').toLowerCase() : '?');

export function sqlWritesIn(file: string, text: string): SqlWrite[] {
  const found: SqlWrite[] = [];
  for (const m of text.matchAll(KYSELY)) {
    found.push({ file, line: lineOf(text, m.index), table: tableName(m[3]), statement: m[1]! });
  }
  for (const m of text.matchAll(RAW)) {
    found.push({ file, line: lineOf(text, m.index), table: tableName(m[2]), statement: m[1]!.toLowerCase().replace(/\s+/g, ' ') });
  }
  return found.sort((a, b) => a.line - b.line);
}

/** The TypeScript files under `root` (paths relative to it, with '/'), skipping what `skip` says (tested per folder and file). */
export function sourceFiles(root: string, skip: (path: string) => boolean, dir = root): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const path = relative(root, join(dir, e.name)).split(sep).join('/');
    if (skip(path)) continue;
    if (e.isDirectory()) out.push(...sourceFiles(root, skip, join(dir, e.name)));
    else if (/\.tsx?$/.test(e.name) && !e.name.endsWith('.d.ts')) out.push(path);
  }
  return out;
}

export const readSource = (root: string, path: string) => readFileSync(join(root, path), 'utf8');
