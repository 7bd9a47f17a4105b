/**
 * Login protection (issue 12.4). Only FAILED logins are counted — per account (accountKey: the lower-cased
 * username, or a hash of a name with no account, which behaves exactly like a known one) and per client address. A successful login is
 * never refused or counted, so any number of clerks behind one NAT address log in freely.
 *
 * - Per account, progressive temporary lockout: 5 failures within 15 minutes lock the account for 1 minute,
 *   10 for 5 minutes, 15 or more for 15 minutes. While locked every attempt (even with the right password) is
 *   429 ACCOUNT_LOCKED with Retry-After; it is not counted. Each lock is on the audit trail
 *   (action account.locked); an admin sees locks at GET /api/v1/admin/lockouts and can lift them.
 * - Per address, progressive delay: beyond 20 failures from one address within 15 minutes, every attempt from it
 *   (successful or not, so the delay tells nothing) waits 250 ms per further failure, at most 3 s — never refused.
 * - A success clears the account's failures.
 */
import { createHash } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import type { Database } from '../../db/schema';
import { Problem } from '../http/problem';
import { recordAudit } from '../admin/audit';
import { deleteLoginFailures, deleteLoginFailuresBefore, insertLoginFailure, liftLockout, upsertLockout } from './loginProtectionRepository';

export const FAILURE_WINDOW_MS = 15 * 60_000;
/** failures within the window → lock duration */
export const LOCK_STEPS: { failures: number; lockMs: number }[] = [
  { failures: 15, lockMs: 15 * 60_000 },
  { failures: 10, lockMs: 5 * 60_000 },
  { failures: 5, lockMs: 60_000 },
];
export const ADDRESS_FREE_FAILURES = 20;
const ADDRESS_DELAY_STEP_MS = 250;
const ADDRESS_DELAY_MAX_MS = 3000;

export const usernameKey = (username: string) => username.trim().toLowerCase();

/**
 * The key failures are counted under: the account's lower-cased username, or — for a name with no account — a hash
 * of it (so an unknown name still locks exactly like a known one, and a password typed into the username field is
 * never stored or shown to an admin).
 */
export function accountKey(attempted: string, account: { username: string } | undefined): string {
  if (account) return usernameKey(account.username);
  return `unknown:${createHash('sha256').update(usernameKey(attempted)).digest('hex').slice(0, 16)}`;
}

export interface LoginGuard {
  /** before checking the password: refuses a locked account; waits the address's delay */
  /** `key` from accountKey() */
  before(key: string, clientIp: string): Promise<void>;
  failed(key: string, clientIp: string): Promise<void>;
  succeeded(key: string): Promise<void>;
}

export function createLoginGuard(db: Kysely<Database>, opts: { sleep?: (ms: number) => Promise<void> } = {}): LoginGuard {
  const sleep = opts.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  return {
    async before(key, clientIp) {
      const lock = await db
        .selectFrom('login_lockout')
        .select(['locked_until'])
        .where('username_key', '=', key)
        .where('locked_until', '>', new Date())
        .where('unlocked_at', 'is', null)
        .executeTakeFirst();
      if (lock) {
        const retryAfter = Math.max(1, Math.ceil((lock.locked_until.getTime() - Date.now()) / 1000));
        throw new Problem('ACCOUNT_LOCKED', `too many failed logins for this account; try again in ${retryAfter} s or ask an administrator to unlock it`, {
          retryAfter,
        });
      }
      const since = new Date(Date.now() - FAILURE_WINDOW_MS);
      const { n } = await db
        .selectFrom('login_failure')
        .select(sql<string>`count(*)`.as('n'))
        .where('client_ip', '=', clientIp)
        .where('at', '>', since)
        .executeTakeFirstOrThrow();
      const excess = Number(n) - ADDRESS_FREE_FAILURES;
      if (excess > 0) await sleep(Math.min(ADDRESS_DELAY_MAX_MS, excess * ADDRESS_DELAY_STEP_MS));
    },

    async failed(key, clientIp) {
      const since = new Date(Date.now() - FAILURE_WINDOW_MS);
      await db.transaction().execute(async (trx) => {
        // one account's failures are counted one at a time, so parallel guesses cannot slip past a threshold
        await sql`select pg_advisory_xact_lock(hashtext('login_failure'), hashtext(${key}))`.execute(trx);
        await insertLoginFailure(trx, key, clientIp);
        const rows = await trx.selectFrom('login_failure').select(['client_ip']).where('username_key', '=', key).where('at', '>', since).execute();
        const failures = rows.length;
        // a lock is set on reaching each threshold (5, 10, 15) and on every failure beyond the last one
        const step = LOCK_STEPS.find((s) => failures >= s.failures);
        if (!step) return;
        if (failures < LOCK_STEPS[0]!.failures && !LOCK_STEPS.some((s) => s.failures === failures)) return;
        const now = new Date();
        const until = new Date(now.getTime() + step.lockMs);
        const addresses = [...new Set(rows.map((r) => r.client_ip))].slice(0, 20);
        await upsertLockout(trx, { key, lockedAt: now, lockedUntil: until, failures, addresses });
        await recordAudit(trx, {
          actor: 'login-protection',
          action: 'account.locked',
          targetType: 'user',
          targetId: key,
          clientIp,
          details: { failures, addresses, lockedUntil: until.toISOString(), windowMinutes: FAILURE_WINDOW_MS / 60_000 },
        });
      });
    },

    async succeeded(key) {
      await deleteLoginFailures(db, key);
      // old failures of any account are of no use any more
      await deleteLoginFailuresBefore(db, new Date(Date.now() - 24 * 3600_000));
    },
  };
}

/** Lifts a lock (admin). Returns false when the account was not locked. */
export async function unlockAccount(
  db: Kysely<Database>,
  username: string,
  by: { userId: number; username: string },
  clientIp: string | null,
): Promise<boolean> {
  const key = usernameKey(username);
  return db.transaction().execute(async (trx) => {
    const now = new Date();
    const r = await liftLockout(trx, key, by.username, now);
    await deleteLoginFailures(trx, key);
    if (!r) return false;
    await recordAudit(trx, { actor: by, action: 'account.unlocked', targetType: 'user', targetId: key, clientIp, details: { failures: r.failures } });
    return true;
  });
}

export async function listLockouts(db: Kysely<Database>) {
  return db
    .selectFrom('login_lockout')
    .selectAll()
    .where('unlocked_at', 'is', null)
    .where('locked_until', '>', new Date())
    .orderBy('locked_at', 'desc')
    .execute();
}
