/**
 * The security administrator's side of federated sign-in: password login per role, and which provider identity
 * (e.g. a clerk's 浙政钉 account id) an account signs in as. Every change is audited.
 */
import { Router, type Request } from 'express';
import { z } from 'zod';
import { recordAudit } from '../../admin/audit';
import type { AppDeps } from '../../http/deps';
import { Problem } from '../../http/problem';
import { defineRoute } from '../../http/route';
import { iso } from '../../http/views';
import { actorOf } from '../authenticate';
import { findUserByUsername } from '../repository';
import { ROLES } from '../roles';
import type { SessionStore } from '../sessions';
import { changeRolePolicy, rolePolicies } from './loginPolicy';
import { identitiesOf, linkIdentity, unlinkIdentity } from './repository';

const clientIp = (req: Request) => req.ip ?? null;
const Params = z.object({ username: z.string().min(1).max(100), provider: z.string().regex(/^[a-z0-9][a-z0-9-]{0,31}$/) });

export function federationAdminRoutes(deps: AppDeps & { sessions: SessionStore }): Router {
  const router = Router();
  const { db, config } = deps;

  defineRoute(router, {
    method: 'get',
    path: '/api/v1/admin/login-policy',
    summary: 'Password login per role (production default: off for clerk roles, on for admin)',
    tags: ['admin'],
    access: { roles: ['security_admin', 'auditor'] },
    responses: {
      200: {
        description: 'per role',
        schema: z.array(
          z.object({
            role: z.string(),
            passwordLogin: z.boolean(),
            isDefault: z.boolean(),
            updatedAt: z.string().nullable(),
            updatedBy: z.string().nullable(),
          }),
        ),
      },
    },
    handler: async () => (await rolePolicies(db, config.devMode)).map((p) => ({ ...p, updatedAt: iso(p.updatedAt) })),
  });

  defineRoute(router, {
    method: 'put',
    path: '/api/v1/admin/login-policy/:role',
    summary: "Switch a role's password login on or off (audited; admin's stays on)",
    tags: ['admin'],
    access: { roles: ['security_admin'] },
    params: z.object({ role: z.enum(ROLES) }),
    body: z.object({ passwordLogin: z.boolean(), reason: z.string().trim().min(2).max(500) }).strict(),
    responses: { 204: { description: 'changed' } },
    problems: ['VALIDATION_FAILED'],
    handler: async ({ req, params, body }) => {
      await changeRolePolicy(db, actorOf(req), params.role, body.passwordLogin, body.reason, clientIp(req));
      return undefined;
    },
  });

  defineRoute(router, {
    method: 'get',
    path: '/api/v1/admin/users/:username/identities',
    summary: 'The provider identities an account signs in as',
    tags: ['admin'],
    access: { roles: ['security_admin', 'auditor'] },
    params: z.object({ username: z.string().min(1).max(100) }),
    responses: { 200: { description: 'identities', schema: z.array(z.object({ provider: z.string(), subject: z.string() })) } },
    problems: ['NOT_FOUND'],
    handler: async ({ params }) => {
      const u = await findUserByUsername(db, params.username);
      if (!u) throw new Problem('NOT_FOUND', `no account ${params.username}`);
      return identitiesOf(db, u.id);
    },
  });

  defineRoute(router, {
    method: 'put',
    path: '/api/v1/admin/users/:username/identities/:provider',
    summary: "Link an account to a provider identity, e.g. a clerk's 浙政钉 account id (replaces its earlier one there)",
    tags: ['admin'],
    access: { roles: ['security_admin'] },
    params: Params,
    body: z.object({ subject: z.string().trim().min(1).max(128) }).strict(),
    responses: { 204: { description: 'linked' } },
    problems: ['NOT_FOUND', 'VALIDATION_FAILED'],
    handler: async ({ req, params, body }) => {
      await linkAccountIdentity(deps, actorOf(req), params.username, params.provider, body.subject, clientIp(req));
      return undefined;
    },
  });

  defineRoute(router, {
    method: 'delete',
    path: '/api/v1/admin/users/:username/identities/:provider',
    summary: 'Unlink an account from a provider (its sessions end)',
    tags: ['admin'],
    access: { roles: ['security_admin'] },
    params: Params,
    responses: { 204: { description: 'unlinked' } },
    problems: ['NOT_FOUND'],
    handler: async ({ req, params }) => {
      const by = actorOf(req);
      const u = await findUserByUsername(db, params.username);
      if (!u) throw new Problem('NOT_FOUND', `no account ${params.username}`);
      await db.transaction().execute(async (trx) => {
        if (!(await unlinkIdentity(trx, params.provider, u.id))) throw new Problem('NOT_FOUND', `${u.username} has no ${params.provider} identity`);
        await recordAudit(trx, {
          actor: by,
          action: 'identity.unlinked',
          targetType: 'user',
          targetId: u.username,
          clientIp: clientIp(req),
          details: { provider: params.provider },
        });
      });
      await deps.sessions.revokeUser(u.id, 'provider identity unlinked');
      return undefined;
    },
  });

  return router;
}

/** Links (or re-links) an account's identity at a provider; a subject already linked to another account is refused. */
export async function linkAccountIdentity(
  deps: Pick<AppDeps, 'db'>,
  by: { userId: number; username: string },
  username: string,
  provider: string,
  subject: string,
  clientIp: string | null,
): Promise<void> {
  const u = await findUserByUsername(deps.db, username);
  if (!u) throw new Problem('NOT_FOUND', `no account ${username}`);
  await deps.db.transaction().execute(async (trx) => {
    const other = await trx
      .selectFrom('federated_identity')
      .select('user_id')
      .where('provider', '=', provider)
      .where('subject', '=', subject)
      .executeTakeFirst();
    if (other && other.user_id !== u.id)
      throw new Problem('VALIDATION_FAILED', `${provider} identity ${subject} is linked to another account`, { field: 'subject' });
    await linkIdentity(trx, provider, subject, u.id, by.username);
    await recordAudit(trx, { actor: by, action: 'identity.linked', targetType: 'user', targetId: u.username, clientIp, details: { provider, subject } });
  });
}
