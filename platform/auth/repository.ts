/** All SQL writes (and the lookups they depend on) for accounts, sessions and identity binding. */
import { sql, type Kysely, type Transaction } from 'kysely';
import type { Database, User } from '../../db/schema';

type Exec = Kysely<Database> | Transaction<Database>;

/** Usernames are unique regardless of case: look up by lower(username). */
export function findUserByUsername(exec: Exec, username: string): Promise<User | undefined> {
  return exec.selectFrom('app_user').selectAll().where(sql`lower(username)`, '=', username.trim().toLowerCase()).executeTakeFirst();
}

export function findUserById(exec: Exec, id: number): Promise<User | undefined> {
  return exec.selectFrom('app_user').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function setPassword(exec: Exec, userId: number, passwordHash: string, mustChange: boolean): Promise<void> {
  await exec
    .updateTable('app_user')
    .set({ password_hash: passwordHash, must_change_password: mustChange, password_changed_at: new Date() })
    .where('id', '=', userId)
    .execute();
}

/** Revokes every live session of a user (optionally all but one); returns how many. */
export async function revokeUserSessions(exec: Exec, userId: number, reason: string, exceptSessionId?: string): Promise<number> {
  let q = exec
    .updateTable('auth_session')
    .set({ revoked_at: new Date(), revoked_reason: reason })
    .where('user_id', '=', userId)
    .where('revoked_at', 'is', null);
  if (exceptSessionId) q = q.where('id', '<>', exceptSessionId);
  return (await q.returning('id').execute()).length;
}

export type IdentityOutcome = 'sole_claimant' | 'competing_claimant' | 'flagged';

/**
 * Creates an applicant account bound provisionally to `idNumber` (docs/security.md "Identity binding").
 * Another applicant account for the same number never makes this fail: if one is the confirmed holder, the new
 * account is flagged (status rejected) and a dispute opened for the bureau; otherwise both claim it provisionally,
 * a dispute is opened, and the first one whose submission the employer verifies against the original ID wins.
 * Throws the database's unique violation when the username (any case) is taken.
 */
export async function createApplicant(
  db: Kysely<Database>,
  v: { username: string; passwordHash: string; name: string; idNumber: string; phone: string },
): Promise<{ user: User; outcome: IdentityOutcome }> {
  return db.transaction().execute((trx) => insertApplicant(trx, v));
}

/** createApplicant inside the caller's transaction (federated sign-in links the new account in the same one). */
export async function insertApplicant(
  trx: Transaction<Database>,
  v: { username: string; passwordHash: string; name: string; idNumber: string; phone: string | null },
): Promise<{ user: User; outcome: IdentityOutcome }> {
  {
    // registrations for one ID number are serialised (the check and the insert below see each other)
    await sql`select pg_advisory_xact_lock(hashtext('identity'), hashtext(${v.idNumber}))`.execute(trx);
    const others = await trx
      .selectFrom('app_user')
      .select(['id', 'identity_status'])
      .where('id_number', '=', v.idNumber)
      .where(sql<boolean>`'applicant' = any(roles)`)
      .where((eb) => eb.or([eb('identity_status', 'is', null), eb('identity_status', '<>', 'rejected')]))
      .execute();
    // an applicant account without a status was created before binding existed (or seeded): it counts as confirmed
    const held = others.some((o) => o.identity_status === null || o.identity_status === 'confirmed');
    const outcome: IdentityOutcome = others.length === 0 ? 'sole_claimant' : held ? 'flagged' : 'competing_claimant';
    const user = await trx
      .insertInto('app_user')
      .values({
        username: v.username,
        password_hash: v.passwordHash,
        display_name: v.name,
        roles: ['applicant'],
        org_code: null,
        id_number: v.idNumber,
        phone: v.phone,
        identity_status: outcome === 'flagged' ? 'rejected' : 'provisional',
        password_changed_at: new Date(),
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    if (outcome !== 'sole_claimant') {
      // through Kysely, so the PII plugin stores the blind index and the ciphertext (platform/crypto), never the number
      await trx
        .insertInto('identity_dispute')
        .values({ id_number: v.idNumber })
        .onConflict((oc) => oc.column('id_number').where('resolved_at', 'is', null).doNothing())
        .execute();
    }
    return { user, outcome };
  }
}
