/**
 * Password login per role, set by the security administrator (admin). Defaults: in production password login is off
 * for every civil servant's role (CLERK_ROLES: they sign in with 浙政钉) and on for every other role — `admin` keeps
 * it as the break-glass way in; in development mode it is on for every role. An account may log in with its
 * password only when every one of its roles allows it. Each change is on the audit trail.
 */
import type { Kysely } from 'kysely';
import type { Database } from '../../../db/schema';
import { recordAudit } from '../../admin/audit';
import { Problem } from '../../http/problem';
import type { Actor } from '../../tasks/messages';
import { CLERK_ROLES, ROLES, type Role } from '../roles';
import { loginPolicies, setLoginPolicy } from './repository';

export const defaultPasswordLogin = (role: string, devMode: boolean) => devMode || !(CLERK_ROLES as readonly string[]).includes(role);

export interface RolePolicy {
  role: Role;
  passwordLogin: boolean;
  isDefault: boolean;
  updatedAt: Date | null;
  updatedBy: string | null;
}

export async function rolePolicies(db: Kysely<Database>, devMode: boolean): Promise<RolePolicy[]> {
  const stored = new Map((await loginPolicies(db)).map((r) => [r.role, r]));
  return ROLES.map((role) => {
    const s = stored.get(role);
    return {
      role,
      passwordLogin: s ? s.password_login : defaultPasswordLogin(role, devMode),
      isDefault: !s,
      updatedAt: s ? (s.updated_at as Date) : null,
      updatedBy: s?.updated_by ?? null,
    };
  });
}

/** Refuses a password login of an account one of whose roles has password login off (after the password matched). */
export async function assertPasswordLoginAllowed(db: Kysely<Database>, devMode: boolean, roles: string[]): Promise<void> {
  const policies = new Map((await rolePolicies(db, devMode)).map((p) => [p.role as string, p.passwordLogin]));
  const off = roles.filter((r) => policies.get(r) === false);
  if (off.length)
    throw new Problem('PASSWORD_LOGIN_DISABLED', `password login is switched off for the role ${off.join(', ')}: sign in with 浙政钉 (浙政钉扫码登录)`, {
      roles: off,
    });
}

export async function changeRolePolicy(
  db: Kysely<Database>,
  by: Actor,
  role: Role,
  passwordLogin: boolean,
  reason: string,
  clientIp: string | null,
): Promise<void> {
  if (role === 'admin' && !passwordLogin)
    throw new Problem('VALIDATION_FAILED', 'password login stays on for admin: it is the way in when the identity providers are unreachable', {
      field: 'passwordLogin',
    });
  await db.transaction().execute(async (trx) => {
    await setLoginPolicy(trx, role, passwordLogin, by.username);
    await recordAudit(trx, { actor: by, action: 'login_policy.changed', targetType: 'role', targetId: role, clientIp, details: { passwordLogin, reason } });
  });
}
