/** The one writer of the `login_failure` and `login_lockout` tables (loginProtection.ts holds the rules). */
import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../../db/schema';

type Exec = Kysely<Database> | Transaction<Database>;

export async function insertLoginFailure(exec: Exec, key: string, clientIp: string): Promise<void> {
  await exec.insertInto('login_failure').values({ username_key: key, client_ip: clientIp }).execute();
}

/** Forgets an account's failures (a successful login, an unlock). */
export async function deleteLoginFailures(exec: Exec, key: string): Promise<void> {
  await exec.deleteFrom('login_failure').where('username_key', '=', key).execute();
}

/** Forgets every account's failures older than `before`. */
export async function deleteLoginFailuresBefore(exec: Exec, before: Date): Promise<void> {
  await exec.deleteFrom('login_failure').where('at', '<', before).execute();
}

export async function upsertLockout(exec: Exec, l: { key: string; lockedAt: Date; lockedUntil: Date; failures: number; addresses: string[] }): Promise<void> {
  const { lockedAt: locked_at, lockedUntil: locked_until, failures, addresses } = l;
  await exec
    .insertInto('login_lockout')
    .values({ username_key: l.key, locked_at, locked_until, failures, addresses })
    .onConflict((oc) => oc.column('username_key').doUpdateSet({ locked_at, locked_until, failures, addresses, unlocked_at: null, unlocked_by: null }))
    .execute();
}

/** Lifts the account's live lock; answers its failure count, or undefined when it was not locked. */
export async function liftLockout(exec: Exec, key: string, by: string, now: Date): Promise<{ failures: number } | undefined> {
  return exec
    .updateTable('login_lockout')
    .set({ unlocked_at: now, unlocked_by: by, locked_until: now })
    .where('username_key', '=', key)
    .where('unlocked_at', 'is', null)
    .where('locked_until', '>', now)
    .returning('failures')
    .executeTakeFirst();
}
