/**
 * Key rotation of the title review: the private keys of ballots still open are re-wrapped under the current key of
 * the BALLOT key set (BALLOT_KEYS, apart from the data key set); keys wrapped by a `ballot` key of the data key set
 * (before the sets were separated) move to the ballot set here; the key shares of threshold ballots, sealed under the
 * data key set's `pii` key, are sealed again under its current key.
 */
import { sql } from 'kysely';
import type { KeyRotationHooks } from '../platform/plugins/domainPlugin';
import { ballotKek, ballotKeyring } from '../platform/crypto/keys';
import { open, seal } from '../platform/crypto/sm4';
import { rewrapBallotKey } from './repositories/ballots';
import { resealBallotShares } from './ballotShares';
import { sharesNotUnder } from './repositories/ballotShares';

export const ballotKeyRotation: KeyRotationHooks = {
  async rotate(db, ring) {
    const kek = ballotKeyring().current('ballot');
    let ballotKeys = 0;
    const keys = (
      await sql<{
        session_id: string;
        sealed: Buffer;
        kek_id: string;
      }>`select session_id, sealed, kek_id from ballot_private_key where kek_id <> ${kek.id}`.execute(db)
    ).rows;
    for (const k of keys) {
      const priv = open(ballotKek(k.kek_id), k.sealed, `ballot_key:${k.session_id}:${k.kek_id}`);
      await rewrapBallotKey(db, {
        sessionId: k.session_id,
        fromKekId: k.kek_id,
        toKekId: kek.id,
        sealed: seal(kek.key, priv, `ballot_key:${k.session_id}:${kek.id}`),
      });
      priv.fill(0);
      ballotKeys++;
    }
    // the key shares of threshold ballots, sealed under the data key set's `pii` key
    return ballotKeys + (await resealBallotShares(db, ring));
  },
  async outdated(db, ring) {
    const keys = (
      await sql<{ n: number }>`select count(*)::int as n from ballot_private_key where kek_id <> ${ballotKeyring().current('ballot').id}`.execute(db)
    ).rows[0]!.n;
    return keys + (await sharesNotUnder(db, ring.current('pii').id)).length;
  },
};
