/**
 * Server-side sessions. A bearer token names a session (and its user); the session row says whether it is still
 * good, and the user row gives the roles, organisation and identity the request acts with — so a logout, a role
 * change, a password change or a deactivation takes effect without waiting for the token to expire.
 *
 * Request-path cost: the state of a session is remembered for a short time (SESSION_CHECK_MS, default 2 s) per
 * process, keyed by session id. A revocation drops the entries of the revoking process at once. Every other API
 * process that listens (listenForChanges: LISTEN zj_account_changed, sent by triggers of migration 0014 when the
 * change commits) drops them at once too; without the listener (or while it reconnects) at most SESSION_CHECK_MS
 * later. One indexed primary-key lookup per session per interval is all the database sees of a busy client.
 */
import { randomBytes } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import { Client as PgClient } from 'pg';
import type { Database } from '../../db/schema';
import type { Actor } from '../tasks/messages';
import { Problem } from '../http/problem';
import { insertSession, revokeSession, revokeUserSessions } from './sessionRepository';

export const SESSION_TTL_MS = 8 * 3600_000;
const KEPT = 20_000;

export interface SessionState {
  sessionId: string;
  actor: Actor;
  mustChangePassword: boolean;
}

export interface SessionStore {
  /** provider: the identity provider the session is opened through (absent: a password) */
  create(userId: number, clientIp?: string | null, provider?: string | null): Promise<{ sessionId: string; expiresAt: Date }>;
  /** the live session's state, or null when it is unknown, expired, revoked or its account deactivated */
  resolve(sessionId: string, userId: number): Promise<SessionState | null>;
  revoke(sessionId: string, reason: string): Promise<void>;
  /** revokes every live session of the user (optionally all but one); returns how many */
  revokeUser(userId: number, reason: string, exceptSessionId?: string): Promise<number>;
  /** forget what this process remembers about a user's sessions (after a change to the account) */
  forgetUser(userId: number): void;
  /**
   * Listens for account changes committed by any process (NOTIFY zj_account_changed) and forgets the user's
   * remembered sessions at once; reconnects by itself. Returns a function that stops listening.
   */
  listenForChanges(databaseUrl: string, log?: { warn(obj: object, msg: string): void }): Promise<() => Promise<void>>;
}

function checkIntervalMs(): number {
  const v = Number(process.env.SESSION_CHECK_MS);
  return Number.isFinite(v) && v >= 0 && v <= 60_000 ? v : 2000;
}

/** Which ID number the account acts as (null while its binding is disputed or after it was flagged). */
export function effectiveIdNumber(u: { id_number: string | null; identity_status: string | null; contested: boolean }): string | null {
  if (!u.id_number) return null;
  if (u.identity_status === 'rejected') return null;
  if (u.identity_status === 'provisional' && u.contested) return null;
  return u.id_number;
}

export function createSessionStore(db: Kysely<Database>, opts: { checkMs?: number } = {}): SessionStore {
  const checkMs = opts.checkMs ?? checkIntervalMs();
  const cache = new Map<string, { state: SessionState | null; userId: number; at: number }>();
  const byUser = new Map<number, Set<string>>();

  const remember = (sid: string, userId: number, state: SessionState | null) => {
    if (cache.size >= KEPT) {
      const oldest = cache.keys().next().value!;
      const e = cache.get(oldest);
      cache.delete(oldest);
      if (e) byUser.get(e.userId)?.delete(oldest);
    }
    cache.set(sid, { state, userId, at: Date.now() });
    let set = byUser.get(userId);
    if (!set) byUser.set(userId, (set = new Set()));
    set.add(sid);
  };
  const forgetUser = (userId: number) => {
    for (const sid of byUser.get(userId) ?? []) cache.delete(sid);
    byUser.delete(userId);
  };

  return {
    async create(userId, clientIp, provider) {
      const sessionId = randomBytes(18).toString('base64url');
      const expiresAt = new Date(Date.now() + SESSION_TTL_MS);
      await insertSession(db, { id: sessionId, userId, expiresAt, clientIp: clientIp ?? null, provider: provider ?? null });
      return { sessionId, expiresAt };
    },
    async resolve(sessionId, userId) {
      const hit = cache.get(sessionId);
      if (hit && hit.userId === userId && Date.now() - hit.at < checkMs) {
        if (!hit.state) return null;
        return { ...hit.state, actor: { ...hit.state.actor, roles: [...hit.state.actor.roles] } };
      }
      const row = await db
        .selectFrom('auth_session as s')
        .innerJoin('app_user as u', 'u.id', 's.user_id')
        .select([
          's.expires_at',
          's.revoked_at',
          's.provider',
          'u.id',
          'u.username',
          'u.display_name',
          'u.roles',
          'u.org_code',
          'u.id_number',
          'u.identity_status',
          'u.deactivated_at',
          'u.must_change_password',
          sql<boolean>`exists (select 1 from identity_dispute d where d.id_number = u.id_number and d.resolved_at is null)`.as('contested'),
        ])
        .where('s.id', '=', sessionId)
        .executeTakeFirst();
      let state: SessionState | null = null;
      if (row && row.id === userId && !row.revoked_at && !row.deactivated_at && row.expires_at.getTime() > Date.now()) {
        state = {
          sessionId,
          // a one-time password still to be changed binds the sessions opened with a password, not a provider's
          mustChangePassword: row.must_change_password && !row.provider,
          actor: {
            userId: row.id,
            username: row.username,
            displayName: row.display_name,
            roles: row.roles,
            orgCode: row.org_code,
            idNumber: effectiveIdNumber(row),
          },
        };
      }
      remember(sessionId, userId, state);
      return state ? { ...state, actor: { ...state.actor, roles: [...state.actor.roles] } } : null;
    },
    async revoke(sessionId, reason) {
      const r = await revokeSession(db, sessionId, reason);
      const e = cache.get(sessionId);
      cache.delete(sessionId);
      if (r) forgetUser(r.user_id);
      else if (e) forgetUser(e.userId);
    },
    async revokeUser(userId, reason, exceptSessionId) {
      const rows = await revokeUserSessions(db, userId, reason, exceptSessionId);
      forgetUser(userId);
      return rows.length;
    },
    forgetUser,
    async listenForChanges(databaseUrl, log) {
      let client: PgClient | undefined;
      let stopped = false;
      let retry: NodeJS.Timeout | undefined;
      const connect = async (): Promise<void> => {
        const c = new PgClient({ connectionString: databaseUrl });
        c.on('notification', (n) => {
          const id = Number(n.payload);
          if (Number.isInteger(id)) forgetUser(id);
        });
        const lost = (err?: unknown) => {
          if (stopped || client !== c) return;
          client = undefined;
          // changes made while not listening are missed: forget everything remembered
          cache.clear();
          byUser.clear();
          log?.warn({ err: String(err ?? 'connection ended') }, 'session change listener lost its connection; reconnecting');
          c.end().catch(() => undefined);
          retry = setTimeout(() => void connect().catch(() => undefined), 1000);
        };
        c.on('error', lost);
        c.on('end', () => lost());
        client = c;
        try {
          await c.connect();
          await c.query('LISTEN zj_account_changed');
        } catch (err) {
          lost(err);
          throw err;
        }
      };
      await connect().catch(() => undefined);
      return async () => {
        stopped = true;
        clearTimeout(retry);
        await client?.end().catch(() => undefined);
      };
    },
  };
}

/** The problem a request with a token of a session that is no longer good gets. */
export const sessionEnded = () => new Problem('UNAUTHENTICATED', 'the session has ended (logged out, revoked or expired); log in again');
