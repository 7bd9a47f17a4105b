/**
 * Account administration (issue 15.3; 三员分立 in issue 19): the security administrator creates staff accounts,
 * changes roles / name / active state, resets passwords, unlocks; the committee office gives experts a login. Roles
 * fit the account's organisation and keep the three administrators apart (duties.ts); nobody changes their own
 * roles; one-time passwords go to the person by SMS (oneTimePasswords.ts), never back to the operator. Every action
 * is on the (append-only) audit trail; every change of roles, state or password ends the account's sessions at once.
 */
import type { Kysely } from 'kysely';
import type { Database, User } from '../../db/schema';
import type { Actor } from '../tasks/messages';
import { Problem } from '../http/problem';
import { hashPassword } from '../auth/passwords';
import type { SessionStore } from '../auth/sessions';
import { findUserByUsername, revokeUserSessions, setPassword } from '../auth/repository';
import { unlockAccount } from '../auth/loginProtection';
import { recordAudit } from './audit';
import { assertRolesFit } from './duties';
import { type Delivery, deliverOneTimePassword, assertDeliverable, oneTimePassword } from './oneTimePasswords';
import { insertStaffUser, orgTypeOf, resolveDisputeFor, updateUser } from './repository';

export interface AdminContext {
  db: Kysely<Database>;
  sessions: SessionStore;
}

export { oneTimePassword };

export const uniqueViolation = (err: unknown) => (err as { code?: string }).code === '23505';

export async function createAccount(
  ctx: AdminContext,
  by: Actor,
  body: { username: string; displayName: string; orgCode: string | null; roles: string[]; phone: string },
  clientIp: string | null,
): Promise<{ user: User; delivery: Delivery }> {
  const orgType = body.orgCode ? await orgTypeOf(ctx.db, body.orgCode) : null;
  if (body.orgCode && !orgType) throw new Problem('UNKNOWN_ORG', `no organisation ${body.orgCode}`, { field: 'orgCode' });
  const roles = [...new Set(body.roles)];
  assertRolesFit(roles, orgType ?? null);
  const otp = oneTimePassword();
  const passwordHash = await hashPassword(otp);
  try {
    return await ctx.db.transaction().execute(async (trx) => {
      const u = await insertStaffUser(trx, { ...body, roles, passwordHash, createdBy: by.username });
      const delivery = await deliverOneTimePassword(trx, u, otp, 'account_created');
      await recordAudit(trx, {
        actor: by,
        action: 'user.created',
        targetType: 'user',
        targetId: u.username,
        clientIp,
        details: { roles: u.roles, orgCode: u.org_code, displayName: u.display_name, oneTimePasswordSentTo: delivery.to },
      });
      return { user: u, delivery };
    });
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
  patch: { roles?: string[]; active?: boolean; displayName?: string; phone?: string },
  clientIp: string | null,
): Promise<User> {
  const u = await target(ctx, username);
  if (u.id === by.userId && patch.active === false) {
    throw new Problem('VALIDATION_FAILED', 'you cannot deactivate your own account', { field: 'active' });
  }
  const roles = patch.roles ? [...new Set(patch.roles)] : undefined;
  const rolesChanged = !!roles && (roles.length !== u.roles.length || roles.some((r) => !u.roles.includes(r)));
  if (rolesChanged && u.id === by.userId) throw new Problem('SEPARATION_OF_DUTIES', 'nobody changes their own roles', { field: 'roles' });
  if (rolesChanged) {
    // an expert login stays one (it is linked to the expert pool); no other account becomes one
    const keepsExpert = u.roles.includes('expert') && roles!.includes('expert');
    assertRolesFit(roles!, u.org_code ? ((await orgTypeOf(ctx.db, u.org_code)) ?? null) : null, { expertLogin: keepsExpert });
  }
  const activeChanged = patch.active !== undefined && patch.active !== !u.deactivated_at;
  const updated = await ctx.db.transaction().execute(async (trx) => {
    const next = await updateUser(trx, u.id, {
      roles,
      displayName: patch.displayName,
      phone: patch.phone,
      ...(activeChanged ? { deactivatedAt: patch.active ? null : new Date() } : {}),
    });
    let revoked = 0;
    if (rolesChanged || (activeChanged && patch.active === false))
      revoked = await revokeUserSessions(trx, u.id, rolesChanged ? 'roles changed' : 'deactivated');
    const changes: Record<string, unknown> = {};
    if (rolesChanged) changes.roles = { from: u.roles, to: next.roles };
    if (activeChanged) changes.active = { from: !u.deactivated_at, to: patch.active };
    if (patch.displayName && patch.displayName !== u.display_name) changes.displayName = { from: u.display_name, to: next.display_name };
    if (patch.phone && patch.phone !== u.phone) changes.phone = 'changed';
    const action = activeChanged ? (patch.active ? 'user.reactivated' : 'user.deactivated') : 'user.updated';
    await recordAudit(trx, { actor: by, action, targetType: 'user', targetId: u.username, clientIp, details: { ...changes, sessionsRevoked: revoked } });
    return next;
  });
  ctx.sessions.forgetUser(u.id);
  return updated;
}

export async function resetPassword(ctx: AdminContext, by: Actor, username: string, clientIp: string | null): Promise<{ user: User; delivery: Delivery }> {
  const u = await target(ctx, username);
  if (u.id === by.userId) throw new Problem('SEPARATION_OF_DUTIES', 'change your own password with POST /api/v1/auth/password', { field: 'username' });
  assertDeliverable(u.phone, u.username);
  const otp = oneTimePassword();
  const hash = await hashPassword(otp);
  const delivery = await ctx.db.transaction().execute(async (trx) => {
    await setPassword(trx, u.id, hash, true);
    const revoked = await revokeUserSessions(trx, u.id, 'password reset');
    const d = await deliverOneTimePassword(trx, u, otp, 'password_reset');
    await recordAudit(trx, {
      actor: by,
      action: 'user.password_reset',
      targetType: 'user',
      targetId: u.username,
      clientIp,
      details: { sessionsRevoked: revoked, oneTimePasswordSentTo: d.to },
    });
    return d;
  });
  ctx.sessions.forgetUser(u.id);
  return { user: u, delivery };
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
