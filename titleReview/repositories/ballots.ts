/**
 * The secret ballot's rows (docs/security.md, "The ballot scheme"): the session's key pair, the sealed papers and the
 * voters. The scheme itself (sealing, the two transactions, the count) is titleReview/ballotBox.ts, which calls these.
 */
import { sql, type Kysely, type Transaction } from 'kysely';
import type { Database } from '../../db/schema';

type Db = Kysely<Database> | Transaction<Database>;

/**
 * The session's key pair, once (a concurrent first ballot keeps the first): the public key in `ballot_key`, the
 * wrapped private key in `ballot_private_key` (migration 0048), written only by the call that made the key row.
 */
export async function insertBallotKey(
  db: Db,
  k: { sessionId: string; publicKey: Buffer; sealedPrivateKey: Buffer | null; kekId: string | null },
): Promise<boolean> {
  const made = await db
    .insertInto('ballot_key')
    .values({ session_id: k.sessionId, public_key: k.publicKey, sealed_private_key: null, kek_id: null })
    .onConflict((oc) => oc.column('session_id').doNothing())
    .returning('session_id')
    .executeTakeFirst();
  // a threshold session keeps no private key: it is split among the chair and vice-chairs (ballotShares.ts)
  if (made && k.sealedPrivateKey && k.kekId)
    await db.insertInto('ballot_private_key').values({ session_id: k.sessionId, sealed: k.sealedPrivateKey, kek_id: k.kekId }).execute();
  return !!made;
}

/**
 * The count is made: the wrapped private key's row is deleted (and one wrapped before migration 0048 nulled), so no
 * paper can be opened again; rewriteBallotKeyTables then removes the dead row versions once the close has committed.
 */
export async function eraseBallotPrivateKey(db: Db, sessionId: string): Promise<void> {
  await db.deleteFrom('ballot_private_key').where('session_id', '=', sessionId).execute();
  await db
    .updateTable('ballot_key')
    .set({ sealed_private_key: null, kek_id: null })
    .where('session_id', '=', sessionId)
    .where('sealed_private_key', 'is not', null)
    .execute();
}

/**
 * After the close has committed: rewrites the tables that held wrapped private keys (VACUUM FULL: a new file with the
 * live rows only, the old one unlinked), so no dead row version of an erased key stays on any page. Needs the table
 * owner's right (or MAINTAIN, PostgreSQL 17+) for the connecting role.
 */
export async function rewriteBallotKeyTables(db: Kysely<Database>): Promise<void> {
  await sql`vacuum full ballot_private_key`.execute(db);
  await sql`vacuum full ballot_key`.execute(db);
  await sql`vacuum full ballot_key_share`.execute(db);
}

/** A sealed paper, in a transaction of its own (nothing in it names the voter). */
export async function insertBallotPaper(db: Db, p: { id: string; sessionId: string; sealed: Buffer }): Promise<void> {
  await db.insertInto('ballot_paper').values({ id: p.id, session_id: p.sessionId, sealed: p.sealed }).execute();
}

/** The voter has voted, with the hash of the token that makes their paper count (unique `ballot_voter_once`). */
export async function insertBallotVoter(db: Db, v: { sessionId: string; expertId: string; tokenHash: Buffer }): Promise<void> {
  await db.insertInto('ballot_voter').values({ session_id: v.sessionId, expert_id: v.expertId, token_hash: v.tokenHash }).execute();
}

/** Key rotation: an open ballot's private key, re-wrapped under the ballot key set's current key (raw SQL: the row as stored). */
export async function rewrapBallotKey(db: Kysely<any>, k: { sessionId: string; fromKekId: string; toKekId: string; sealed: Buffer }): Promise<void> {
  await sql`update ballot_private_key set sealed = ${k.sealed}, kek_id = ${k.toKekId} where session_id = ${k.sessionId} and kek_id = ${k.fromKekId}`.execute(
    db,
  );
}
