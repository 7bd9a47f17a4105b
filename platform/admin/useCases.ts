/**
 * Account administration (issue 15.3): create staff accounts with a one-time password, change roles / name /
 * active state, reset passwords, unlock, resolve identity disputes, give experts a login. Every action is on the
 * audit trail; every change of roles, state or password ends the account's sessions at once.
 */
import { randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database, User } from '../../db/schema';
import type { Actor } from '../tasks/messages';
import { Problem } from '../http/problem';
import { hashPassword } from '../auth/passwords';
import type { SessionStore } from '../auth/sessions';
import { findUserByUsername, revokeUserSessions, setPassword } from '../auth/repository';
import { unlockAccount } from '../auth/loginProtection';
import { recordAudit } from './audit';
import { insertStaffUser, orgExists, resolveDisputeFor, updateUser } from './repository';

export interface AdminContext {
  db: Kysely<Database>;
  sessions: SessionStore;
}

/** 16 random characters (96 bits): shown once, to be changed at first login. */
export function oneTimePassword(): string {
  return randomBytes(12).toString('base64url');
}

export const uniqueViolation = (err: unknown) => (err as { code?: string }).code === '23505';

export async function createAccount(
  ctx: AdminContext,
  by: Actor,
  body: { username: string; displayName: string; orgCode: string | null; roles: string[] },
  clientIp: string | null,
): Promise<{ user: User; oneTimePassword: string }> {
  if (body.orgCode && !(await orgExists(ctx.db, body.orgCode))) throw new Problem('UNKNOWN_ORG', `no organisation ${body.orgCode}`, { field: 'orgCode' });
  const otp = oneTimePassword();
  const passwordHash = await hashPassword(otp);
  try {
    const user = await ctx.db.transaction().execute(async (trx) => {
      const u = await insertStaffUser(trx, { ...body, roles: [...new Set(body.roles)], passwordHash, createdBy: by.username });
      await recordAudit(trx, {
        actor: by,
        action: 'user.created',
        targetType: 'user',
        targetId: u.username,
        clientIp,
        details: { roles: u.roles, orgCode: u.org_code, displayName: u.display_name },
      });
      return u;
    });
    return { user, oneTimePassword: otp };
  } catch (err) {
    if (uniqueViolation(err)) throw new Problem('USERNAME_TAKEN', 'this username is taken (usernames are compared regardless of case)', { field: 'username' });
    throw err;
  }
}

async function target(ctx: AdminContext, username: string): Promise<User> {
  const u = await findUserByUsername(ctx.db, username);
  if (!u) throw new Problem('NOT_FOUND', `no account ${username}`);
  return u;
}

export async function patchAccount(
  ctx: AdminContext,
  by: Actor,
  username: string,
  patch: { roles?: string[]; active?: boolean; displayName?: string },
  clientIp: string | null,
): Promise<User> {
  const u = await target(ctx, username);
  if (u.id === by.userId && (patch.active === false || (patch.roles && !patch.roles.includes('admin')))) {
    throw new Problem('VALIDATION_FAILED', 'you cannot deactivate your own account or remove your own admin role', {
      field: patch.active === false ? 'active' : 'roles',
    });
  }
  const roles = patch.roles ? [...new Set(patch.roles)] : undefined;
  const rolesChanged = !!roles && (roles.length !== u.roles.length || roles.some((r) => !u.roles.includes(r)));
  const activeChanged = patch.active !== undefined && patch.active !== !u.deactivated_at;
  const updated = await ctx.db.transaction().execute(async (trx) => {
    const next = await updateUser(trx, u.id, {
      roles,
      displayName: patch.displayName,
      ...(activeChanged ? { deactivatedAt: patch.active ? null : new Date() } : {}),
    });
    let revoked = 0;
    if (rolesChanged || (activeChanged && patch.active === false))
      revoked = await revokeUserSessions(trx, u.id, rolesChanged ? 'roles changed' : 'deactivated');
    const changes: Record<string, unknown> = {};
    if (rolesChanged) changes.roles = { from: u.roles, to: next.roles };
    if (activeChanged) changes.active = { from: !u.deactivated_at, to: patch.active };
    if (patch.displayName && patch.displayName !== u.display_name) changes.displayName = { from: u.display_name, to: next.display_name };
    const action = activeChanged ? (patch.active ? 'user.reactivated' : 'user.deactivated') : 'user.updated';
    await recordAudit(trx, { actor: by, action, targetType: 'user', targetId: u.username, clientIp, details: { ...changes, sessionsRevoked: revoked } });
    return next;
  });
  ctx.sessions.forgetUser(u.id);
  return updated;
}

export async function resetPassword(ctx: AdminContext, by: Actor, username: string, clientIp: string | null): Promise<{ user: User; oneTimePassword: string }> {
  const u = await target(ctx, username);
  const otp = oneTimePassword();
  const hash = await hashPassword(otp);
  await ctx.db.transaction().execute(async (trx) => {
    await setPassword(trx, u.id, hash, true);
    const revoked = await revokeUserSessions(trx, u.id, 'password reset');
    await recordAudit(trx, {
      actor: by,
      action: 'user.password_reset',
      targetType: 'user',
      targetId: u.username,
      clientIp,
      details: { sessionsRevoked: revoked },
    });
  });
  ctx.sessions.forgetUser(u.id);
  return { user: u, oneTimePassword: otp };
}

export async function unlock(ctx: AdminContext, by: Actor, username: string, clientIp: string | null): Promise<boolean> {
  return unlockAccount(ctx.db, username, by, clientIp);
}

export async function resolveDispute(ctx: AdminContext, by: Actor, disputeId: number, winnerUsername: string, reason: string, clientIp: string | null) {
  const dispute = await ctx.db.selectFrom('identity_dispute').selectAll().where('id', '=', disputeId).executeTakeFirst();
  if (!dispute) throw new Problem('NOT_FOUND', `no identity dispute ${disputeId}`);
  if (dispute.resolved_at) throw new Problem('DISPUTE_CLOSED', `dispute ${disputeId} was resolved at ${dispute.resolved_at.toISOString()}`);
  const winner = await findUserByUsername(ctx.db, winnerUsername);
  if (!winner || winner.id_number !== dispute.id_number || !winner.roles.includes('applicant')) {
    throw new Problem('NOT_A_CLAIMANT', `${winnerUsername} is not an applicant account claiming this identity`, { field: 'username' });
  }
  const { flagged } = await ctx.db.transaction().execute(async (trx) => {
    const r = await resolveDisputeFor(trx, disputeId, winner.id, by.username, reason);
    for (const f of r.flagged) await revokeUserSessions(trx, f.id, 'identity dispute lost');
    await recordAudit(trx, {
      actor: by,
      action: 'identity.dispute_resolved',
      targetType: 'identity_dispute',
      targetId: String(disputeId),
      clientIp,
      details: { winner: winner.username, flagged: r.flagged.map((f) => f.username), reason },
    });
    return r;
  });
  for (const id of [winner.id, ...flagged.map((f) => f.id)]) ctx.sessions.forgetUser(id);
  return { winner, flagged };
}
