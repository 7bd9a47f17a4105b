/**
 * The key shares of threshold ballots (`ballot_key_share`, migration 0075): every write of that table. The scheme is
 * titleReview/ballotShares.ts.
 */
import { sql, type Insertable, type Kysely, type Transaction } from 'kysely';
import type { Database } from '../../db/schema';
import type { BallotKeyShareTable } from '../schema';

type Db = Kysely<Database> | Transaction<Database>;

export async function insertBallotKeyShares(db: Db, rows: Insertable<BallotKeyShareTable>[]): Promise<void> {
  await db.insertInto('ballot_key_share').values(rows).execute();
}

export function lockHolderShare(trx: Transaction<Database>, sessionId: string, expertId: string) {
  return trx
    .selectFrom('ballot_key_share')
    .select(['x', 'sealed', 'kek_id'])
    .where('session_id', '=', sessionId)
    .where('holder_expert_id', '=', expertId)
    .forUpdate()
    .executeTakeFirst();
}

/** The holder has seen their share: its sealed copy is erased. */
export async function markShareCollected(db: Db, sessionId: string, x: number, at: Date): Promise<void> {
  await db
    .updateTable('ballot_key_share')
    .set({ sealed: null, kek_id: null, collected_at: at })
    .where('session_id', '=', sessionId)
    .where('x', '=', x)
    .execute();
}

export async function storePresentedShare(db: Db, p: { sessionId: string; x: number; presented: Buffer; kekId: string; at: Date }): Promise<void> {
  await db
    .updateTable('ballot_key_share')
    .set({ presented: p.presented, presented_kek_id: p.kekId, presented_at: p.at })
    .where('session_id', '=', p.sessionId)
    .where('x', '=', p.x)
    .where('presented', 'is', null)
    .execute();
}

export async function clearPresentedShare(db: Db, sessionId: string, x: number): Promise<void> {
  await db
    .updateTable('ballot_key_share')
    .set({ presented: null, presented_kek_id: null, presented_at: null })
    .where('session_id', '=', sessionId)
    .where('x', '=', x)
    .execute();
}

/** The count is made: no share of the session is kept. */
export async function deleteBallotKeyShares(db: Db, sessionId: string): Promise<void> {
  await db.deleteFrom('ballot_key_share').where('session_id', '=', sessionId).execute();
}

/** VACUUM FULL: the table rewritten with its live rows only, so no dead row version keeps an erased share. */
export async function rewriteBallotShareTable(db: Kysely<Database>): Promise<void> {
  await sql`vacuum full ballot_key_share`.execute(db);
}

export function sharesNotUnder(db: Kysely<any>, kekId: string) {
  return (db as Kysely<Database>)
    .selectFrom('ballot_key_share')
    .selectAll()
    .where((eb) => eb.or([eb('kek_id', '<>', kekId), eb('presented_kek_id', '<>', kekId)]))
    .execute();
}

export async function resealShare(
  db: Kysely<any>,
  sessionId: string,
  x: number,
  column: 'sealed' | 'presented',
  fromKekId: string,
  sealed: Buffer,
  kekId: string,
) {
  const d = db as Kysely<Database>;
  if (column === 'sealed') {
    await d
      .updateTable('ballot_key_share')
      .set({ sealed, kek_id: kekId })
      .where('session_id', '=', sessionId)
      .where('x', '=', x)
      .where('kek_id', '=', fromKekId)
      .execute();
  } else {
    await d
      .updateTable('ballot_key_share')
      .set({ presented: sealed, presented_kek_id: kekId })
      .where('session_id', '=', sessionId)
      .where('x', '=', x)
      .where('presented_kek_id', '=', fromKekId)
      .execute();
  }
}
