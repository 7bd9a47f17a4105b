/** SQL for account administration and identity disputes (all writes of platform/admin). */
import { subjectProviders } from '../plugins/registry';
import { sql, type Kysely, type Transaction } from 'kysely';
import type { Database, User } from '../../db/schema';

type Exec = Kysely<Database> | Transaction<Database>;

export async function insertStaffUser(
  exec: Exec,
  v: { username: string; displayName: string; orgCode: string | null; roles: string[]; phone: string; passwordHash: string; createdBy: string },
): Promise<User> {
  return exec
    .insertInto('app_user')
    .values({
      username: v.username,
      display_name: v.displayName,
      org_code: v.orgCode,
      roles: v.roles,
      password_hash: v.passwordHash,
      must_change_password: true,
      created_by: v.createdBy,
      id_number: null,
      phone: v.phone,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function updateUser(
  exec: Exec,
  userId: number,
  patch: { roles?: string[]; displayName?: string; phone?: string; deactivatedAt?: Date | null },
): Promise<User> {
  return exec
    .updateTable('app_user')
    .set({
      ...(patch.roles ? { roles: patch.roles } : {}),
      ...(patch.phone ? { phone: patch.phone } : {}),
      ...(patch.displayName ? { display_name: patch.displayName } : {}),
      ...(patch.deactivatedAt !== undefined ? { deactivated_at: patch.deactivatedAt } : {}),
    })
    .where('id', '=', userId)
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function orgExists(exec: Exec, code: string): Promise<boolean> {
  return !!(await exec.selectFrom('org').select('code').where('code', '=', code).executeTakeFirst());
}

/** The organisation's type, or undefined when there is none of that code. */
export async function orgTypeOf(exec: Exec, code: string): Promise<string | undefined> {
  return (await exec.selectFrom('org').select('type').where('code', '=', code).executeTakeFirst())?.type;
}

export async function listUsers(db: Kysely<Database>, q: { orgCode?: string; q?: string; role?: string; limit: number; offset: number }) {
  let s = db.selectFrom('app_user').leftJoin('login_lockout as l', (j) =>
    // the account-wide lock (an address locked out of the account is not the account's state)
    j
      .on(sql`l.username_key`, '=', sql`lower(app_user.username)`)
      .on('l.client_ip', '=', '*')
      .on('l.unlocked_at', 'is', null)
      .on('l.locked_until', '>', sql<Date>`now()`),
  );
  if (q.orgCode) s = s.where('app_user.org_code', '=', q.orgCode);
  if (q.role) s = s.where(sql<boolean>`${q.role} = any(app_user.roles)`);
  if (q.q) {
    const like = `%${q.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    s = s.where((eb) => eb.or([eb('app_user.username', 'ilike', like), eb('app_user.display_name', 'ilike', like)]));
  }
  const [{ total }] = [await s.select(sql<string>`count(*)`.as('total')).executeTakeFirstOrThrow()];
  const rows = await s
    .select([
      'app_user.username',
      'app_user.display_name',
      'app_user.roles',
      'app_user.org_code',
      'app_user.deactivated_at',
      'app_user.must_change_password',
      'app_user.identity_status',
      'app_user.is_demo',
      'app_user.created_at',
      'app_user.created_by',
      'l.locked_until',
    ])
    .orderBy('app_user.username')
    .limit(q.limit)
    .offset(q.offset)
    .execute();
  return { total: Number(total), rows };
}

export async function listDisputes(db: Kysely<Database>, state: 'open' | 'resolved' | 'all') {
  let s = db.selectFrom('identity_dispute').selectAll();
  if (state === 'open') s = s.where('resolved_at', 'is', null);
  if (state === 'resolved') s = s.where('resolved_at', 'is not', null);
  const disputes = await s.orderBy('id', 'desc').limit(500).execute();
  const ids = [...new Set(disputes.map((d) => d.id_number))];
  const claimants = ids.length
    ? await db
        .selectFrom('app_user')
        .select(['id', 'username', 'display_name', 'identity_status', 'id_number', 'created_at', 'deactivated_at'])
        .where('id_number', 'in', ids)
        .where(sql<boolean>`'applicant' = any(roles)`)
        .orderBy('created_at')
        .execute()
    : [];
  // how many cases each account has in every installed domain (the bureau weighs them when deciding)
  const counts = await Promise.all(
    subjectProviders().map(
      async (p) =>
        [
          p.type,
          (await p.countByApplicants?.(
            db,
            claimants.map((c) => c.id),
          )) ?? new Map(),
        ] as const,
    ),
  );
  const withCases = claimants.map((c) => ({ ...c, cases: Object.fromEntries(counts.map(([type, m]) => [type, m.get(c.id) ?? 0])) as Record<string, number> }));
  return disputes.map((d) => ({ dispute: d, claimants: withCases.filter((c) => c.id_number === d.id_number) }));
}

/** The bureau's decision: `winner` holds the identity, every other applicant account for it is flagged. */
export async function resolveDisputeFor(
  trx: Transaction<Database>,
  disputeId: number,
  winnerUserId: number,
  by: string,
  reason: string,
): Promise<{ flagged: { id: number; username: string }[] }> {
  const d = await trx.selectFrom('identity_dispute').selectAll().where('id', '=', disputeId).forUpdate().executeTakeFirstOrThrow();
  const flagged = await trx
    .updateTable('app_user')
    .set({ identity_status: 'rejected' })
    .where('id_number', '=', d.id_number)
    .where('id', '<>', winnerUserId)
    .where(sql<boolean>`'applicant' = any(roles)`)
    .where((eb) => eb.or([eb('identity_status', 'is', null), eb('identity_status', '<>', 'rejected')]))
    .returning(['id', 'username'])
    .execute();
  await trx.updateTable('app_user').set({ identity_status: 'confirmed' }).where('id', '=', winnerUserId).execute();
  await trx
    .updateTable('identity_dispute')
    .set({ resolved_at: new Date(), resolved_by: by, winner_user_id: winnerUserId, resolution: 'bureau_decision', reason })
    .where('id_number', '=', d.id_number)
    .where('resolved_at', 'is', null)
    .execute();
  return { flagged };
}

/** of the given usernames, those taken (compared regardless of case), lower-cased */
export async function takenUsernames(exec: Exec, usernames: string[]): Promise<Set<string>> {
  const lower = [...new Set(usernames.map((u) => u.toLowerCase()))];
  if (!lower.length) return new Set();
  const rows = await exec.selectFrom('app_user').select(sql<string>`lower(username)`.as('u')).where(sql`lower(username)`, 'in', lower).execute();
  return new Set(rows.map((r) => r.u));
}

export async function orgsByCode(exec: Exec, codes: string[]): Promise<Map<string, { type: string; active: boolean }>> {
  const list = [...new Set(codes)];
  if (!list.length) return new Map();
  const rows = await exec.selectFrom('org').select(['code', 'type', 'active']).where('code', 'in', list).execute();
  return new Map(rows.map((r) => [r.code, { type: r.type, active: r.active }]));
}
