import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema';

export async function orgNames(db: Kysely<Database>, codes: (string | null)[]): Promise<Map<string, string>> {
  const wanted = [...new Set(codes.filter((c): c is string => !!c))];
  if (!wanted.length) return new Map();
  const rows = await db.selectFrom('org').select(['code', 'name']).where('code', 'in', wanted).execute();
  return new Map(rows.map((r) => [r.code, r.name]));
}
