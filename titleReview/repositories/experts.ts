/** The expert pools (zj_expert): experts added by the committee office and the login each may be given. */
import type { Insertable, Kysely, Transaction } from 'kysely';
import type { Database } from '../../db/schema';
import type { TitleExpertTable } from '../schema';

/** Adds an expert to a pool; false if the account is already linked to another expert. */
export async function insertExpert(db: Kysely<Database> | Transaction<Database>, e: Insertable<TitleExpertTable>): Promise<boolean> {
  try {
    await db.insertInto('zj_expert').values(e).execute();
    return true;
  } catch (err) {
    if ((err as { code?: string }).code === '23505') return false;
    throw err;
  }
}

/** Links an expert of the pool to their login, once: false when the expert already has one (expertAccounts.ts). */
export async function linkExpertToUser(db: Kysely<Database> | Transaction<Database>, expertId: string, userId: number): Promise<boolean> {
  const r = await db.updateTable('zj_expert').set({ user_id: userId }).where('id', '=', expertId).where('user_id', 'is', null).executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

export function findExpert(db: Kysely<Database>, expertId: string) {
  return db.selectFrom('zj_expert').selectAll().where('id', '=', expertId).executeTakeFirst();
}
