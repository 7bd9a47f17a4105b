/** Login, logout, registration and password change: the rules; SQL writes are in repository.ts. */
import type { Kysely } from 'kysely';
import type { Database, User } from '../../db/schema';
import { Problem } from '../http/problem';
import { hashPassword, verifyPassword } from './passwords';
import { issueToken, type TokenIssuer } from './authenticate';
import type { SessionStore } from './sessions';
import { accountKey, type LoginGuard } from './loginProtection';
import { assertStrongPassword } from './passwordPolicy';
import { createApplicant, findUserById, findUserByUsername, revokeUserSessions, setPassword } from './repository';
import { recordAudit } from '../admin/audit';
import { assertPasswordLoginAllowed } from './federation/loginPolicy';
import { eraseSecretBodies } from '../notifications/outboxRepository';
import { ERASED_PLACEHOLDER } from '../notifications/sealedBody';

/** verified when the username is unknown, so the answer takes as long as for a known one */
const DUMMY_HASH = 'scrypt$16384$8$1$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=';

export interface AccountsContext {
  db: Kysely<Database>;
  tokens: TokenIssuer;
  sessions: SessionStore;
  guard: LoginGuard;
  devMode: boolean;
}

export async function login(ctx: AccountsContext, username: string, password: string, clientIp: string): Promise<{ token: string; user: User }> {
  const user = await findUserByUsername(ctx.db, username);
  const key = accountKey(username, user);
  await ctx.guard.before(key, clientIp);
  const ok = await verifyPassword(password, user?.password_hash ?? DUMMY_HASH);
  if (!user || !ok) {
    await ctx.guard.failed(key, clientIp);
    throw new Problem('UNAUTHENTICATED', 'wrong username or password');
  }
  if (user.is_demo && !ctx.devMode) throw new Problem('UNAUTHENTICATED', 'demo accounts are refused outside development mode');
  if (user.deactivated_at) throw new Problem('UNAUTHENTICATED', 'this account is deactivated; ask an administrator');
  await ctx.guard.succeeded(key, clientIp);
  await assertPasswordLoginAllowed(ctx.db, ctx.devMode, user.roles);
  const { token } = await issueToken(ctx.sessions, ctx.tokens, user, clientIp);
  return { token, user };
}

export async function logout(ctx: AccountsContext, sessionId: string): Promise<void> {
  await ctx.sessions.revoke(sessionId, 'logout');
}

export async function register(
  ctx: AccountsContext,
  body: { username: string; password: string; name: string; idNumber: string; phone: string },
  clientIp: string,
): Promise<User> {
  assertStrongPassword(body.password, [body.username, body.name, body.phone]);
  const passwordHash = await hashPassword(body.password);
  try {
    const { user, outcome } = await createApplicant(ctx.db, {
      username: body.username,
      passwordHash,
      name: body.name,
      idNumber: body.idNumber,
      phone: body.phone,
    });
    if (outcome !== 'sole_claimant') {
      // for the bureau's dispute list; the registrant is told nothing different
      await recordAudit(ctx.db, {
        actor: { userId: user.id, username: user.username },
        action: `identity.${outcome}`,
        targetType: 'user',
        targetId: user.username,
        clientIp,
      });
    }
    return user;
  } catch (err) {
    const e = err as { code?: string; constraint?: string };
    if (e.code === '23505' && (e.constraint === 'app_user_username_ci' || e.constraint === 'app_user_username_key'))
      throw new Problem('USERNAME_TAKEN', 'this username is taken (usernames are compared regardless of case)');
    throw err;
  }
}

/** Changes the caller's own password; ends every other session of the account. */
export async function changePassword(
  ctx: AccountsContext,
  actor: { userId: number; username: string },
  sessionId: string | undefined,
  oldPassword: string,
  newPassword: string,
  clientIp: string,
): Promise<void> {
  const user = await findUserById(ctx.db, actor.userId);
  if (!user) throw new Problem('UNAUTHENTICATED');
  const key = accountKey(user.username, user);
  await ctx.guard.before(key, clientIp);
  if (!(await verifyPassword(oldPassword, user.password_hash))) {
    await ctx.guard.failed(key, clientIp);
    throw new Problem('WRONG_PASSWORD', 'the current password is wrong', { field: 'oldPassword' });
  }
  if (oldPassword === newPassword) throw new Problem('WEAK_PASSWORD', 'the new password must differ from the current one', { field: 'newPassword' });
  try {
    assertStrongPassword(newPassword, [user.username, user.display_name, user.phone]);
  } catch (p) {
    if (p instanceof Problem) throw new Problem(p.code, p.detail, { field: 'newPassword' });
    throw p;
  }
  const hash = await hashPassword(newPassword);
  await ctx.db.transaction().execute(async (trx) => {
    await setPassword(trx, user.id, hash, false);
    await revokeUserSessions(trx, user.id, 'password changed', sessionId);
    // the one-time password that let them in is of no more use: erase it from their messages
    await eraseSecretBodies(trx, user.id, ERASED_PLACEHOLDER);
  });
  ctx.sessions.forgetUser(user.id);
}
