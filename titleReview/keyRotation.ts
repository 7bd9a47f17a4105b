/** Key rotation of the title review: the private keys of ballots still open are re-wrapped under the current `ballot` key. */
import { sql } from 'kysely';
import type { KeyRotationHooks } from '../platform/plugins/domainPlugin';
import { open, seal } from '../platform/crypto/sm4';
import { rewrapBallotKey } from './repositories/ballots';

export const ballotKeyRotation: KeyRotationHooks = {
  async rotate(db, ring) {
    const kek = ring.current('ballot');
    let ballotKeys = 0;
    const keys = (
      await sql<{
        session_id: string;
        sealed_private_key: Buffer;
        kek_id: string;
      }>`select session_id, sealed_private_key, kek_id from ballot_key where sealed_private_key is not null and kek_id <> ${kek.id}`.execute(db)
    ).rows;
    for (const k of keys) {
      const priv = open(ring.get('ballot', k.kek_id), k.sealed_private_key, `ballot_key:${k.session_id}:${k.kek_id}`);
      await rewrapBallotKey(db, {
        sessionId: k.session_id,
        fromKekId: k.kek_id,
        toKekId: kek.id,
        sealed: seal(kek.key, priv, `ballot_key:${k.session_id}:${kek.id}`),
      });
      priv.fill(0);
      ballotKeys++;
    }
    return ballotKeys;
  },
  async outdated(db, ring) {
    return (
      await sql<{
        n: number;
      }>`select count(*)::int as n from ballot_key where sealed_private_key is not null and kek_id <> ${ring.current('ballot').id}`.execute(db)
    ).rows[0]!.n;
  },
};
