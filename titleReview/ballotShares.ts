/**
 * The ballot threshold option (issue 19; docs/security.md, "The ballot threshold option"). A session opened with
 * `ballotThreshold` never stores its ballot private key: when the ballot opens the key is split 2-of-3 (Shamir over
 * the SM2 group order, platform/crypto/shamir.ts) among the chair and the two vice-chairs (ballotShareHolders.ts).
 *
 * - Each share waits sealed (SM4 AEAD under the current `pii` key, bound to session, x and holder) until its holder
 *   collects it ONCE in the console (`GET …/ballot-share`): then the sealed copy is erased and the table rewritten, so
 *   from then on no stored copy, with or without keys, holds it. `share_hash` = SM3(session, x, share) stays so a
 *   presented share is checked; a share is 256 uniformly random bits, so the hash gives nothing away.
 * - At the close each holder types their share in (`POST …/ballot-shares`); a share that does not hash to the
 *   holder's is refused (422 WRONG_BALLOT_SHARE) and nothing is stored. A good one is kept sealed until the count.
 * - The count (`openBallotBox`) rebuilds the scalar from two presented shares and checks it against the session's
 *   public key; then every share row of the session is deleted and the table rewritten.
 *
 * The shares never go through Temporal (no share in a history): the API writes them and the workflow hears only
 * "holder x presented".
 */
import { timingSafeEqual } from 'node:crypto';
import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../db/schema';
import { Problem } from '../platform/http/problem';
import { keyring, type Keyring } from '../platform/crypto/keys';
import { open, seal, sm3 } from '../platform/crypto/sm4';
import { sm2PublicKeyOf } from '../platform/crypto/ecies';
import { SM2_ORDER, bufferToScalar, combineShares, scalarToBuffer, splitSecret } from '../platform/crypto/shamir';
import { SHARE_HOLDERS, SHARE_THRESHOLD, shareHolders } from './ballotShareHolders';
import * as repo from './repositories/ballotShares';

type Db = Kysely<Database> | Transaction<Database>;

const sealedAad = (sessionId: string, x: number, holder: string) => `ballot_share:${sessionId}:${x}:${holder}`;
const presentedAad = (sessionId: string, x: number, holder: string) => `ballot_share_presented:${sessionId}:${x}:${holder}`;
const shareHash = (sessionId: string, x: number, y: Buffer) => sm3(`ballot_share:${sessionId}:${x}:`, y);

/** The share as its holder keeps it: `ZJBS1-<x>-<64 hex digits>`. */
export const formatShare = (x: number, y: Buffer) => `ZJBS1-${x}-${y.toString('hex')}`;
export function parseShare(text: string): { x: number; y: Buffer } | null {
  const m = /^ZJBS1-([1-3])-([0-9a-f]{64})$/i.exec(text.replace(/\s+/g, ''));
  return m ? { x: Number(m[1]), y: Buffer.from(m[2]!.toLowerCase(), 'hex') } : null;
}

/** Is this session's ballot under the threshold option? */
export async function isThresholdSession(db: Db, sessionId: string): Promise<boolean> {
  const s = await db.selectFrom('zj_session').select('ballot_threshold').where('id', '=', sessionId).executeTakeFirst();
  return s?.ballot_threshold === true;
}

/** Splits the fresh private key among the chair and vice-chairs (inside the transaction that made the key row). */
export async function splitBallotKey(db: Db, sessionId: string, privateKey: Buffer): Promise<void> {
  const members = await db
    .selectFrom('zj_committee_member')
    .select(['expert_id', 'role'])
    .where('session_id', '=', sessionId)
    .where('role', 'in', ['chair', 'vice_chair'])
    .execute();
  const holders = shareHolders(members.map((m) => ({ expertId: m.expert_id, role: m.role })));
  if (holders.length !== SHARE_HOLDERS) throw new Error(`session ${sessionId}: a threshold ballot needs the chair and two vice-chairs`);
  const shares = splitSecret(bufferToScalar(privateKey), { threshold: SHARE_THRESHOLD, shares: SHARE_HOLDERS, modulus: SM2_ORDER });
  const k = keyring().current('pii');
  const rows = holders.map((h) => {
    const y = scalarToBuffer(shares[h.x - 1]!.y);
    const row = {
      session_id: sessionId,
      x: h.x,
      holder_expert_id: h.expertId,
      share_hash: shareHash(sessionId, h.x, y),
      sealed: seal(k.key, y, sealedAad(sessionId, h.x, h.expertId)),
      kek_id: k.id,
    };
    y.fill(0);
    return row;
  });
  await repo.insertBallotKeyShares(db, rows);
}

export interface ShareStatus {
  threshold: boolean;
  /** the caller's x when they hold a share of this session */
  holder: number | null;
  collected: boolean;
  presented: boolean;
  /** how many holders have presented their share */
  sharesPresented: number;
  needed: number;
}

export async function shareStatus(db: Db, sessionId: string, expertId: string | null): Promise<ShareStatus> {
  const threshold = await isThresholdSession(db, sessionId);
  const rows = await db
    .selectFrom('ballot_key_share')
    .select(['x', 'holder_expert_id', 'collected_at', 'presented_at'])
    .where('session_id', '=', sessionId)
    .execute();
  const mine = rows.find((r) => r.holder_expert_id === expertId);
  return {
    threshold,
    holder: mine?.x ?? null,
    collected: mine?.collected_at != null,
    presented: mine?.presented_at != null,
    sharesPresented: rows.filter((r) => r.presented_at != null).length,
    needed: SHARE_THRESHOLD,
  };
}

/** The holder collects their share: shown this once, then erased from storage. */
export async function collectBallotShare(db: Kysely<Database>, sessionId: string, expertId: string, at: Date): Promise<{ x: number; share: string }> {
  const out = await db.transaction().execute(async (trx) => {
    const row = await repo.lockHolderShare(trx, sessionId, expertId);
    if (!row) throw new Problem('NOT_SHARE_HOLDER', "you hold no key share of this session's ballot (the chair and the two vice-chairs do, while it is open)");
    if (!row.sealed || !row.kek_id) throw new Problem('SHARE_ALREADY_COLLECTED', 'your key share was shown once and is no longer stored anywhere');
    const y = open(keyring().get('pii', row.kek_id), row.sealed, sealedAad(sessionId, row.x, expertId));
    await repo.markShareCollected(trx, sessionId, row.x, at);
    const share = formatShare(row.x, y);
    y.fill(0);
    return { x: row.x, share };
  });
  await repo.rewriteBallotShareTable(db); // no dead row version keeps the sealed share
  return out;
}

/**
 * The holder presents their share at the close: checked against its hash (a wrong one → 422, nothing stored) and kept
 * sealed until the count. Answers the holder's x.
 */
export async function presentBallotShare(db: Kysely<Database>, sessionId: string, expertId: string, text: string, at: Date): Promise<number> {
  const row = await db
    .selectFrom('ballot_key_share')
    .selectAll()
    .where('session_id', '=', sessionId)
    .where('holder_expert_id', '=', expertId)
    .executeTakeFirst();
  if (!row) throw new Problem('NOT_SHARE_HOLDER', "you hold no key share of this session's ballot (the chair and the two vice-chairs do, while it is open)");
  const parsed = parseShare(text);
  if (!parsed || parsed.x !== row.x || !timingSafeEqual(shareHash(sessionId, parsed.x, parsed.y), row.share_hash)) {
    parsed?.y.fill(0);
    throw new Problem('WRONG_BALLOT_SHARE', 'that is not your key share of this ballot (check it character by character: ZJBS1-<n>-<64 hex digits>)', {
      field: 'share',
    });
  }
  if (!row.presented) {
    const k = keyring().current('pii');
    await repo.storePresentedShare(db, { sessionId, x: row.x, presented: seal(k.key, parsed.y, presentedAad(sessionId, row.x, expertId)), kekId: k.id, at });
  }
  parsed.y.fill(0);
  return row.x;
}

/** The session refused the presentation (e.g. the holder is not recorded as attending): the share is not kept. */
export async function withdrawPresentedShare(db: Kysely<Database>, sessionId: string, x: number): Promise<void> {
  await repo.clearPresentedShare(db, sessionId, x);
  await repo.rewriteBallotShareTable(db);
}

/**
 * Inside the closing transaction: the private key rebuilt from two presented shares and checked against the session's
 * public key, then every share row of the session deleted. Null when the session has no shares (no threshold).
 */
export async function rebuildBallotKey(trx: Transaction<Database>, sessionId: string, publicKey: Buffer): Promise<Buffer | null> {
  const rows = await trx.selectFrom('ballot_key_share').selectAll().where('session_id', '=', sessionId).orderBy('x').execute();
  if (!rows.length) return null;
  const presented = rows.filter((r) => r.presented && r.presented_kek_id);
  if (presented.length < SHARE_THRESHOLD) throw new Error(`session ${sessionId}: ${presented.length} key shares presented, ${SHARE_THRESHOLD} needed`);
  const shares = presented.slice(0, SHARE_THRESHOLD).map((r) => {
    const y = open(keyring().get('pii', r.presented_kek_id!), r.presented!, presentedAad(sessionId, r.x, r.holder_expert_id));
    const share = { x: r.x, y: bufferToScalar(y) };
    y.fill(0);
    return share;
  });
  const privateKey = scalarToBuffer(combineShares(shares, SM2_ORDER));
  if (!sm2PublicKeyOf(privateKey).equals(publicKey)) {
    privateKey.fill(0);
    throw new Error(`session ${sessionId}: the presented key shares do not rebuild the ballot key`);
  }
  await repo.deleteBallotKeyShares(trx, sessionId);
  return privateKey;
}

/** Key rotation: shares sealed under an older `pii` key are sealed again under the current one. */
export async function resealBallotShares(db: Kysely<any>, ring: Keyring): Promise<number> {
  const k = ring.current('pii');
  let n = 0;
  for (const r of await repo.sharesNotUnder(db, k.id)) {
    if (r.sealed && r.kek_id && r.kek_id !== k.id) {
      const y = open(ring.get('pii', r.kek_id), r.sealed, sealedAad(r.session_id, r.x, r.holder_expert_id));
      await repo.resealShare(db, r.session_id, r.x, 'sealed', r.kek_id, seal(k.key, y, sealedAad(r.session_id, r.x, r.holder_expert_id)), k.id);
      y.fill(0);
      n++;
    }
    if (r.presented && r.presented_kek_id && r.presented_kek_id !== k.id) {
      const y = open(ring.get('pii', r.presented_kek_id), r.presented, presentedAad(r.session_id, r.x, r.holder_expert_id));
      await repo.resealShare(db, r.session_id, r.x, 'presented', r.presented_kek_id, seal(k.key, y, presentedAad(r.session_id, r.x, r.holder_expert_id)), k.id);
      y.fill(0);
      n++;
    }
  }
  return n;
}
