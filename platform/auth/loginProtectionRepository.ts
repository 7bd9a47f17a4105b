/** All writes of login protection (login_failure, login_account_state, login_lockout); loginProtection.ts decides. */
import { sql, type Kysely } from 'kysely';
import type { Database } from '../../db/schema';

type Db = Kysely<Database>;

/** One failed login of the account from the address; answers the account's consecutive failures so far. */
export async function recordFailure(trx: Db, key: string, clientIp: string): Promise<number> {
  await trx.insertInto('login_failure').values({ username_key: key, client_ip: clientIp }).execute();
  const { consecutive_failures } = await trx
    .insertInto('login_account_state')
    .values({ username_key: key, consecutive_failures: 1 })
    .onConflict((oc) => oc.column('username_key').doUpdateSet({ consecutive_failures: sql`login_account_state.consecutive_failures + 1` }))
    .returning('consecutive_failures')
    .executeTakeFirstOrThrow();
  return consecutive_failures;
}

/** Locks the address (or, with the account-wide marker, every address) out of the account until `until`. */
export async function upsertLockout(
  trx: Db,
  l: { key: string; address: string; lockedAt: Date; until: Date; failures: number; addresses: string[] },
): Promise<void> {
  await trx
    .insertInto('login_lockout')
    .values({ username_key: l.key, client_ip: l.address, locked_at: l.lockedAt, locked_until: l.until, failures: l.failures, addresses: l.addresses })
    .onConflict((oc) =>
      oc.columns(['username_key', 'client_ip']).doUpdateSet({
        locked_at: l.lockedAt,
        locked_until: l.until,
        failures: l.failures,
        addresses: l.addresses,
        unlocked_at: null,
        unlocked_by: null,
      }),
    )
    .execute();
}

/** A success: the address's failures on the account are cleared, the count reset, the address remembered. */
export async function recordSuccess(trx: Db, key: string, clientIp: string, known: string[], at: Date): Promise<void> {
  await trx.deleteFrom('login_failure').where('username_key', '=', key).where('client_ip', '=', clientIp).execute();
  await trx
    .insertInto('login_account_state')
    .values({ username_key: key, consecutive_failures: 0, known_addresses: known, last_success_at: at })
    .onConflict((oc) => oc.column('username_key').doUpdateSet({ consecutive_failures: 0, known_addresses: known, last_success_at: at }))
    .execute();
}

/** Failures older than the cut-off, of any account, are of no use any more. */
export async function deleteFailuresBefore(db: Db, cutoff: Date): Promise<void> {
  await db.deleteFrom('login_failure').where('at', '<', cutoff).execute();
}

/** Lifts every running lock of the account and clears its failures; answers the locks lifted. */
export async function liftLocks(trx: Db, key: string, by: string, now: Date): Promise<{ failures: number; client_ip: string }[]> {
  const r = await trx
    .updateTable('login_lockout')
    .set({ unlocked_at: now, unlocked_by: by, locked_until: now })
    .where('username_key', '=', key)
    .where('unlocked_at', 'is', null)
    .where('locked_until', '>', now)
    .returning(['failures', 'client_ip'])
    .execute();
  await trx.deleteFrom('login_failure').where('username_key', '=', key).execute();
  await trx.updateTable('login_account_state').set({ consecutive_failures: 0 }).where('username_key', '=', key).execute();
  return r;
}
