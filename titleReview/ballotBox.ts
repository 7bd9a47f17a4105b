/**
 * The secret ballot box (docs/security.md, "The ballot scheme"). A ballot is sealed to the session's SM2-curve
 * public key and written as a fixed-size paper with a random id in its own transaction; the voter is marked in a
 * LATER transaction with only SM3(token) of the random token sealed inside the paper. The API answers 201 only once
 * both have committed. Nothing shared is ever updated while the ballot is open; at the close the papers are opened
 * with the private key (wrapped by a key of the BALLOT key set, BALLOT_KEYS, kept outside the database and apart from
 * the PII keys the API and worker operators hold), only papers whose token a voter row carries are counted, the votes
 * are shuffled and only the totals are recorded; the wrapped private key's row is deleted, and the close then
 * rewrites its table (eraseClosedBallotKeys) so no dead row version keeps it. Under the threshold option no private
 * key is stored: two of the chair's and vice-chairs' shares rebuild it at the close (ballotShares.ts).
 *
 * The workflow never sees a vote: casting does not go through Temporal, and the count activity returns totals.
 */
import { randomBytes, randomInt, randomUUID } from 'node:crypto';
import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../db/schema';
import { Problem } from '../platform/http/problem';
import { eciesDecrypt, eciesEncrypt, generateSm2KeyPair } from '../platform/crypto/ecies';
import { ballotKek, ballotKeyring } from '../platform/crypto/keys';
import { open, seal, sm3 } from '../platform/crypto/sm4';
import { isThresholdSession, rebuildBallotKey, splitBallotKey } from './ballotShares';
import { eraseBallotPrivateKey, insertBallotKey, insertBallotPaper, insertBallotVoter, rewriteBallotKeyTables } from './repositories/ballots';

export type Vote = 'yes' | 'no' | 'abstain';
const VOTE_CODE: Record<Vote, string> = { yes: 'y', no: 'n', abstain: 'a' };
const CODE_VOTE: Record<string, Vote> = { y: 'yes', n: 'no', a: 'abstain' };
/** every paper's plaintext is padded to a multiple of this, so all papers of a session have the same size */
const PAPER_BLOCK = 2048;

const paperAad = (sessionId: string) => `ballot_paper:${sessionId}`;
const keyAad = (sessionId: string, kekId: string) => `ballot_key:${sessionId}:${kekId}`;

/**
 * Creates the session's ballot key pair once (idempotent); returns the public key. The private key is wrapped under
 * the ballot key set, or — for a session under the threshold option — split among the chair and vice-chairs
 * (ballotShares.ts) and not stored at all.
 */
export async function ensureBallotKey(db: Kysely<Database> | Transaction<Database>, sessionId: string): Promise<Buffer> {
  const found = await db.selectFrom('ballot_key').select('public_key').where('session_id', '=', sessionId).executeTakeFirst();
  if (found) return found.public_key;
  const pair = generateSm2KeyPair();
  try {
    if (await isThresholdSession(db, sessionId)) {
      if (await insertBallotKey(db, { sessionId, publicKey: pair.publicKey, sealedPrivateKey: null, kekId: null })) {
        await splitBallotKey(db, sessionId, pair.privateKey);
      }
    } else {
      const kek = ballotKeyring().current('ballot');
      await insertBallotKey(db, {
        sessionId,
        publicKey: pair.publicKey,
        sealedPrivateKey: seal(kek.key, pair.privateKey, keyAad(sessionId, kek.id)),
        kekId: kek.id,
      });
    }
  } finally {
    pair.privateKey.fill(0);
  }
  return (await db.selectFrom('ballot_key').select('public_key').where('session_id', '=', sessionId).executeTakeFirstOrThrow()).public_key;
}

/** The paper's plaintext: token ‖ length ‖ votes sorted by application (order of entry not kept) ‖ zero padding. */
export function encodePaper(token: Buffer, votes: { applicationId: string; vote: Vote }[]): Buffer {
  const body = Buffer.from(
    JSON.stringify([...votes].sort((a, b) => (a.applicationId < b.applicationId ? -1 : 1)).map((v) => [v.applicationId, VOTE_CODE[v.vote]])),
    'utf8',
  );
  const len = Buffer.alloc(4);
  len.writeUInt32BE(body.length);
  const raw = Buffer.concat([token, len, body]);
  return Buffer.concat([raw, Buffer.alloc(Math.ceil(raw.length / PAPER_BLOCK) * PAPER_BLOCK - raw.length)]);
}

export function decodePaper(plain: Buffer): { token: Buffer; votes: { application_id: string; vote: Vote }[] } {
  const token = plain.subarray(0, 32);
  const n = plain.readUInt32BE(32);
  const list = JSON.parse(plain.subarray(36, 36 + n).toString('utf8')) as [string, string][];
  return { token, votes: list.map(([application_id, c]) => ({ application_id, vote: CODE_VOTE[c]! })) };
}

/**
 * Casts `expertId`'s ballot. Transaction 1 writes the sealed paper; transaction 2 (holding the session row lock,
 * which orders it against the close) re-checks the ballot is open and marks the voter with SM3(token). A failure
 * between them leaves a paper no voter row names: it is never counted, and the voter, who got no 201, votes again.
 */
export async function castBallot(
  db: Kysely<Database>,
  input: { sessionId: string; expertId: string; votes: { applicationId: string; vote: Vote }[] },
): Promise<void> {
  const checkOpen = async (trx: Kysely<Database> | Transaction<Database>, lock: boolean) => {
    let q = trx.selectFrom('zj_session').select(['id', 'ballot_opened_at', 'ballot_closed_at']).where('id', '=', input.sessionId);
    if (lock) q = q.forUpdate();
    const s = await q.executeTakeFirst();
    if (!s) throw new Problem('NOT_FOUND', 'no such session');
    const m = await trx
      .selectFrom('zj_committee_member')
      .select(['present'])
      .where('session_id', '=', s.id)
      .where('expert_id', '=', input.expertId)
      .executeTakeFirst();
    if (!m) throw new Problem('NOT_A_VOTING_MEMBER', 'you are not a member of this committee');
    if (s.ballot_opened_at == null || s.ballot_closed_at != null)
      throw new Problem('BALLOT_CLOSED', s.ballot_closed_at ? 'the ballot has been closed; no vote is accepted after it' : 'the ballot is not open yet');
    if (m.present !== true) throw new Problem('NOT_A_VOTING_MEMBER', 'you are not recorded as attending: absent members may not vote, by proxy or late');
    const items = (await trx.selectFrom('zj_application').select('id').where('session_id', '=', s.id).where('status', '=', 'balloting').execute()).map(
      (r) => r.id,
    );
    const given = input.votes.map((v) => v.applicationId);
    if (new Set(given).size !== given.length || given.length !== items.length || !items.every((i) => given.includes(i))) {
      throw new Problem('INVALID_BALLOT', `the ballot must give exactly one vote for each of the ${items.length} applicants`);
    }
    const voted = await trx
      .selectFrom('ballot_voter')
      .select('expert_id')
      .where('session_id', '=', s.id)
      .where('expert_id', '=', input.expertId)
      .executeTakeFirst();
    if (voted) throw new Problem('ALREADY_VOTED', 'you have already voted in this session');
  };
  // refuse early (nothing written) what would be refused anyway
  await checkOpen(db, false);
  const publicKey = await ensureBallotKey(db, input.sessionId);
  const token = randomBytes(32);
  const sealed = eciesEncrypt(publicKey, encodePaper(token, input.votes), paperAad(input.sessionId));
  // transaction 1: the paper, alone (its own transaction id; nothing in it names the voter)
  await insertBallotPaper(db, { id: randomUUID(), sessionId: input.sessionId, sealed });
  // transaction 2: the voter, with the hash of the token that makes that paper count
  try {
    await db.transaction().execute(async (trx) => {
      await checkOpen(trx, true);
      await insertBallotVoter(trx, { sessionId: input.sessionId, expertId: input.expertId, tokenHash: sm3(token) });
    });
  } catch (err) {
    const e = err as { code?: string; constraint?: string };
    if (e.code === '23505' && e.constraint === 'ballot_voter_once') throw new Problem('ALREADY_VOTED', 'you have already voted in this session');
    throw err;
  } finally {
    token.fill(0);
  }
}

/**
 * Opens the session's papers inside the closing transaction (the caller holds the session row lock): counts each
 * paper whose token a voter row carries, once; adds ballots cast before migration 0020; shuffles; erases the
 * wrapped private key. Returns the votes without any order or id that could point back to a paper.
 */
export async function openBallotBox(
  trx: Transaction<Database>,
  sessionId: string,
): Promise<{ votes: { application_id: string; vote: Vote }[]; papers: number }> {
  const votes: { application_id: string; vote: Vote }[] = [];
  const legacy = await trx.selectFrom('ballot_vote').select(['application_id', 'vote']).where('session_id', '=', sessionId).execute();
  votes.push(...legacy);
  let papers = 0;
  const k = await trx.selectFrom('ballot_key').selectAll().where('session_id', '=', sessionId).executeTakeFirst();
  const own = await trx.selectFrom('ballot_private_key').selectAll().where('session_id', '=', sessionId).executeTakeFirst();
  // a key wrapped before migration 0048 is still in ballot_key
  const wrapped = own
    ? { sealed: own.sealed, kekId: own.kek_id }
    : k?.sealed_private_key && k.kek_id
      ? { sealed: k.sealed_private_key, kekId: k.kek_id }
      : null;
  // a threshold session's key is rebuilt from two presented shares (ballotShares.ts), whose rows are then deleted
  const privateKey = wrapped
    ? open(ballotKek(wrapped.kekId), wrapped.sealed, keyAad(sessionId, wrapped.kekId))
    : k
      ? await rebuildBallotKey(trx, sessionId, k.public_key)
      : null;
  if (privateKey) {
    try {
      const hashes = new Set(
        (await trx.selectFrom('ballot_voter').select('token_hash').where('session_id', '=', sessionId).where('token_hash', 'is not', null).execute()).map((r) =>
          r.token_hash!.toString('hex'),
        ),
      );
      const rows = await trx.selectFrom('ballot_paper').select('sealed').where('session_id', '=', sessionId).execute();
      for (const r of rows) {
        const paper = decodePaper(eciesDecrypt(privateKey, r.sealed, paperAad(sessionId)));
        const h = sm3(paper.token).toString('hex');
        if (!hashes.delete(h)) continue; // a paper of a request that failed before marking its voter, or a copy
        votes.push(...paper.votes);
        papers++;
      }
    } finally {
      privateKey.fill(0);
    }
    await eraseBallotPrivateKey(trx, sessionId);
  } else if (k && (await trx.selectFrom('ballot_paper').select('id').where('session_id', '=', sessionId).limit(1).executeTakeFirst())) {
    throw new Error(`the ballot of session ${sessionId} was already opened: its key is erased`);
  }
  for (let i = votes.length - 1; i > 0; i--) {
    const j = randomInt(i + 1);
    [votes[i], votes[j]] = [votes[j]!, votes[i]!];
  }
  return { votes, papers };
}

/** After the closing transaction has committed: no dead row version of the erased key stays (repositories/ballots.ts). */
export async function eraseClosedBallotKeys(db: Kysely<Database>): Promise<void> {
  await rewriteBallotKeyTables(db);
}
