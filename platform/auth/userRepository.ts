/** Accounts: every write of `app_user` goes through here. */
import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema';

export type RegisterOutcome = { user: { username: string; display_name: string; roles: string[] } } | { taken: 'identity' | 'username' };

/** An applicant account bound to a real-name identity. */
export async function insertApplicant(
  db: Kysely<Database>,
  a: { username: string; passwordHash: string; name: string; idNumber: string; phone: string },
): Promise<RegisterOutcome> {
  try {
    const user = await db
      .insertInto('app_user')
      .values({ username: a.username, password_hash: a.passwordHash, display_name: a.name, roles: ['applicant'], org_code: null, id_number: a.idNumber, phone: a.phone })
      .returning(['username', 'display_name', 'roles'])
      .executeTakeFirstOrThrow();
    return { user };
  } catch (err) {
    const e = err as { code?: string; constraint?: string };
    if (e.code === '23505' && e.constraint === 'app_user_applicant_identity') return { taken: 'identity' };
    if (e.code === '23505') return { taken: 'username' };
    throw err;
  }
}
