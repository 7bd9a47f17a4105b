/**
 * Login protection (issue 12.4, made so it cannot be turned on the victim in issue 19). Only FAILED logins are
 * counted — per account (accountKey: the lower-cased username, or a hash of a name with no account, which behaves
 * exactly like a known one) AND client address. A successful login is never refused or counted, so any number of
 * clerks behind one NAT address log in freely.
 *
 * - Per account and address, progressive temporary lockout: 5 failures within 15 minutes from one address lock THAT
 *   ADDRESS out of that account for 1 minute, 10 for 5 minutes, 15 or more for 15 minutes. While locked, attempts
 *   from that address on that account (even with the right password) are 429 ACCOUNT_LOCKED with Retry-After and
 *   are not counted. The account itself stays open: its rightful user, from any other address, logs in.
 * - Account-wide (NIST SP 800-63B §5.2.2: at most 100 consecutive failed attempts): from the 100th failure in a row
 *   with no success between, the account is locked for 15 minutes (renewed by every further failure) for every
 *   address it has never logged in from; the addresses it has logged in from (the last 10) still get in.
 * - Per address, progressive delay: beyond 20 failures from one address within 15 minutes, every attempt from it
 *   (successful or not, so the delay tells nothing) waits 250 ms per further failure, at most 3 s — never refused.
 * - A success clears that address's failures on the account and the consecutive count, and remembers the address.
 * Every lock is on the audit trail (action account.locked, with the address); a security administrator sees locks
 * at GET /api/v1/admin/lockouts and can lift them.
 */
import { createHash } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import type { Database } from '../../db/schema';
import { Problem } from '../http/problem';
import { recordAudit } from '../admin/audit';
import { deleteFailuresBefore, liftLocks, recordFailure, recordSuccess, upsertLockout } from './loginProtectionRepository';

export const FAILURE_WINDOW_MS = 15 * 60_000;
/** failures from one address within the window → lock duration for that address */
export const LOCK_STEPS: { failures: number; lockMs: number }[] = [
  { failures: 15, lockMs: 15 * 60_000 },
  { failures: 10, lockMs: 5 * 60_000 },
  { failures: 5, lockMs: 60_000 },
];
/** consecutive failures (all addresses, no success between) before the account-wide measure: NIST's ceiling */
export const ACCOUNT_WIDE_FAILURES = 100;
export const ACCOUNT_WIDE_LOCK_MS = 15 * 60_000;
/** addresses remembered per account as ones it logged in from */
const KNOWN_ADDRESSES = 10;
/** the client_ip of the account-wide lock */
export const ANY_ADDRESS = '*';
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
  /** before checking the password: refuses an address locked out of the account; waits the address's delay */
  /** `key` from accountKey() */
  before(key: string, clientIp: string): Promise<void>;
  failed(key: string, clientIp: string): Promise<void>;
  succeeded(key: string, clientIp: string): Promise<void>;
}

export function createLoginGuard(db: Kysely<Database>, opts: { sleep?: (ms: number) => Promise<void> } = {}): LoginGuard {
  const sleep = opts.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  return {
    async before(key, clientIp) {
      const locks = await db
        .selectFrom('login_lockout')
        .select(['locked_until', 'client_ip'])
        .where('username_key', '=', key)
        .where('client_ip', 'in', [clientIp, ANY_ADDRESS])
        .where('locked_until', '>', new Date())
        .where('unlocked_at', 'is', null)
        .execute();
      let lock = locks.find((l) => l.client_ip === clientIp);
      if (!lock && locks.length) {
        const state = await db.selectFrom('login_account_state').select('known_addresses').where('username_key', '=', key).executeTakeFirst();
        if (!state?.known_addresses.includes(clientIp)) lock = locks[0];
      }
      if (lock) {
        const retryAfter = Math.max(1, Math.ceil((lock.locked_until.getTime() - Date.now()) / 1000));
        throw new Problem(
          'ACCOUNT_LOCKED',
          `too many failed logins on this account from your address; try again in ${retryAfter} s, from your usual network, or ask the security administrator to unlock it`,
          { retryAfter },
        );
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
        const consecutive = await recordFailure(trx, key, clientIp);
        const now = new Date();
        const lock = async (address: string, failures: number, lockMs: number, addresses: string[]) => {
          const until = new Date(now.getTime() + lockMs);
          await upsertLockout(trx, { key, address, lockedAt: now, until, failures, addresses });
          await recordAudit(trx, {
            actor: 'login-protection',
            action: 'account.locked',
            targetType: 'user',
            targetId: key,
            clientIp,
            details: {
              scope: address === ANY_ADDRESS ? 'account' : 'address',
              address,
              failures,
              addresses,
              lockedUntil: until.toISOString(),
              windowMinutes: FAILURE_WINDOW_MS / 60_000,
            },
          });
        };
        // this address's failures on this account within the window: a lock on reaching each step (5, 10, 15) and
        // on every failure beyond the last one
        const { n } = await trx
          .selectFrom('login_failure')
          .select(sql<string>`count(*)`.as('n'))
          .where('username_key', '=', key)
          .where('client_ip', '=', clientIp)
          .where('at', '>', since)
          .executeTakeFirstOrThrow();
        const failures = Number(n);
        const step = LOCK_STEPS.find((s) => failures >= s.failures);
        if (step && (failures >= LOCK_STEPS[0]!.failures || LOCK_STEPS.some((s) => s.failures === failures))) {
          await lock(clientIp, failures, step.lockMs, [clientIp]);
        }
        if (consecutive >= ACCOUNT_WIDE_FAILURES) {
          const rows = await trx.selectFrom('login_failure').select('client_ip').distinct().where('username_key', '=', key).limit(20).execute();
          await lock(
            ANY_ADDRESS,
            consecutive,
            ACCOUNT_WIDE_LOCK_MS,
            rows.map((r) => r.client_ip),
          );
        }
      });
    },

    async succeeded(key, clientIp) {
      await db.transaction().execute(async (trx) => {
        const state = await trx.selectFrom('login_account_state').select('known_addresses').where('username_key', '=', key).executeTakeFirst();
        const known = [clientIp, ...(state?.known_addresses ?? []).filter((a) => a !== clientIp)].slice(0, KNOWN_ADDRESSES);
        await recordSuccess(trx, key, clientIp, known, new Date());
      });
      // old failures of any account are of no use any more
      await deleteFailuresBefore(db, new Date(Date.now() - 24 * 3600_000));
    },
  };
}

/** Lifts every lock of the account (each address, and the account-wide one). Returns false when none was on. */
export async function unlockAccount(
  db: Kysely<Database>,
  username: string,
  by: { userId: number; username: string },
  clientIp: string | null,
): Promise<boolean> {
  const key = usernameKey(username);
  return db.transaction().execute(async (trx) => {
    const now = new Date();
    const r = await liftLocks(trx, key, by.username, now);
    if (!r.length) return false;
    await recordAudit(trx, {
      actor: by,
      action: 'account.unlocked',
      targetType: 'user',
      targetId: key,
      clientIp,
      details: { failures: Math.max(...r.map((x) => x.failures)), addresses: r.map((x) => x.client_ip) },
    });
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
