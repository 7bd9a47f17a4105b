/** Account administration, the audit trail, login lockouts and identity disputes (thin: see useCases.ts). */
import { Router, type Request } from 'express';
import { z } from 'zod';
import { defineRoute } from '../http/route';
import { Problem } from '../http/problem';
import { iso } from '../http/views';
import { actorOf, enforce } from '../auth/authenticate';
import { csvBody } from '../http/csvBody';
import { readFederationSettings } from '../auth/federation/providers';
import { importAccounts } from './importAccounts';
import type { AppDeps } from '../http/deps';
import type { SessionStore } from '../auth/sessions';
import { listLockouts } from '../auth/loginProtection';
import { maskIdNumber } from '../identity/idNumber';
import { listAudit } from './audit';
import { listDisputes, listUsers } from './repository';
import { createAccount, patchAccount, resetPassword, resolveDispute, unlock, type AdminContext } from './useCases';
import {
  AccountImportReportView,
  AdminUserView,
  AuditEntryView,
  AuditQuery,
  CreateUserBody,
  DisputeView,
  LockoutView,
  PatchUserBody,
  ResolveDisputeBody,
  UserListQuery,
  UserPage,
  UserWithPassword,
} from './views';
import type { User } from '../../db/schema';

type UserRow = Pick<
  User,
  'username' | 'display_name' | 'roles' | 'org_code' | 'deactivated_at' | 'must_change_password' | 'identity_status' | 'is_demo' | 'created_at' | 'created_by'
> & {
  locked_until?: Date | null;
};
export const adminUserView = (u: UserRow): z.infer<typeof AdminUserView> => ({
  username: u.username,
  displayName: u.display_name,
  roles: u.roles,
  orgCode: u.org_code,
  active: !u.deactivated_at,
  mustChangePassword: u.must_change_password,
  lockedUntil: iso(u.locked_until ?? null),
  identityStatus: u.identity_status,
  demo: u.is_demo,
  createdAt: iso(u.created_at as unknown as Date)!,
  createdBy: u.created_by,
});

const bool = (dflt: 'true' | 'false') =>
  z
    .enum(['true', 'false'])
    .default(dflt)
    .transform((v) => v === 'true');

const UsernameParam = z.object({ username: z.string().min(1).max(100) });
const clientIp = (req: Request) => req.ip ?? null;
const dayOrInstant = (v: string, end: boolean) =>
  /^\d{4}-\d{2}-\d{2}$/.test(v) ? new Date(`${v}T00:00:00+08:00`).getTime() + (end ? 86_400_000 : 0) : Date.parse(v);

export function accountAdminRoutes(deps: AppDeps & { sessions: SessionStore }): Router {
  const router = Router();
  const { db } = deps;
  const ctx: AdminContext = { db, sessions: deps.sessions };

  defineRoute(router, {
    method: 'post',
    path: '/api/v1/admin/users',
    summary: 'Create a staff account; answers its one-time password (to be changed at first login)',
    tags: ['admin'],
    access: { roles: ['security_admin'] },
    body: CreateUserBody,
    responses: { 201: { description: 'created', schema: UserWithPassword } },
    problems: ['VALIDATION_FAILED', 'UNKNOWN_ORG', 'USERNAME_TAKEN'],
    handler: async ({ req, body }) => {
      const { user, delivery } = await createAccount(ctx, actorOf(req), body, clientIp(req));
      return { user: adminUserView(user), oneTimePasswordSent: delivery };
    },
  });

  defineRoute(router, {
    method: 'get',
    path: '/api/v1/admin/users',
    summary: 'Accounts, by organisation, role or part of the name (paged)',
    tags: ['admin'],
    access: { roles: ['security_admin', 'auditor'] },
    query: UserListQuery,
    responses: { 200: { description: 'a page of accounts', schema: UserPage } },
    handler: async ({ query }) => {
      const { total, rows } = await listUsers(db, query);
      return { items: rows.map(adminUserView), total, limit: query.limit, offset: query.offset };
    },
  });

  defineRoute(router, {
    method: 'patch',
    path: '/api/v1/admin/users/:username',
    summary: "Change an account's roles, display name or active state (a change of roles or deactivation ends its sessions at once)",
    tags: ['admin'],
    access: { roles: ['security_admin'] },
    params: UsernameParam,
    body: PatchUserBody,
    responses: { 200: { description: 'the account', schema: AdminUserView } },
    problems: ['NOT_FOUND', 'VALIDATION_FAILED'],
    handler: async ({ req, params, body }) => adminUserView(await patchAccount(ctx, actorOf(req), params.username, body, clientIp(req))),
  });

  defineRoute(router, {
    method: 'post',
    path: '/api/v1/admin/users/:username/reset-password',
    summary: 'Set a new one-time password (ends the sessions; must be changed at next login)',
    tags: ['admin'],
    access: { roles: ['security_admin'] },
    params: UsernameParam,
    responses: { 200: { description: 'the one-time password', schema: UserWithPassword } },
    problems: ['NOT_FOUND'],
    handler: async ({ req, params }) => {
      const { user, delivery } = await resetPassword(ctx, actorOf(req), params.username, clientIp(req));
      return { user: adminUserView({ ...user, must_change_password: true }), oneTimePasswordSent: delivery };
    },
  });

  defineRoute(router, {
    method: 'get',
    path: '/api/v1/admin/lockouts',
    summary: 'Locks now in force after failed logins: an address locked out of an account, or an account-wide lock after 100 failures in a row',
    tags: ['admin'],
    access: { roles: ['security_admin', 'auditor'] },
    responses: { 200: { description: 'current locks', schema: z.array(LockoutView) } },
    handler: async () =>
      (await listLockouts(db)).map((l) => ({
        username: l.username_key,
        lockedAt: iso(l.locked_at)!,
        lockedUntil: iso(l.locked_until)!,
        failures: l.failures,
        addresses: l.addresses,
        scope: l.client_ip === '*' ? ('account' as const) : ('address' as const),
        address: l.client_ip === '*' ? null : l.client_ip,
      })),
  });

  defineRoute(router, {
    method: 'post',
    path: '/api/v1/admin/lockouts/:username/unlock',
    summary: 'Lift a lock after failed logins',
    tags: ['admin'],
    access: { roles: ['security_admin'] },
    params: UsernameParam,
    responses: { 204: { description: 'unlocked' } },
    problems: ['NOT_FOUND'],
    handler: async ({ req, params }) => {
      if (!(await unlock(ctx, actorOf(req), params.username, clientIp(req)))) throw new Problem('NOT_FOUND', `${params.username} is not locked`);
      return undefined;
    },
  });

  defineRoute(router, {
    method: 'get',
    path: '/api/v1/admin/audit',
    summary: 'The administrative audit trail, newest first',
    tags: ['admin'],
    access: { roles: ['auditor'] },
    query: AuditQuery,
    responses: { 200: { description: 'entries', schema: z.array(AuditEntryView) } },
    handler: async ({ query }) => {
      const rows = await listAudit(db, {
        ...query,
        from: query.from ? new Date(dayOrInstant(query.from, false)) : undefined,
        to: query.to ? new Date(dayOrInstant(query.to, true)) : undefined,
      });
      return rows.map((r) => ({
        id: r.id,
        at: iso(r.at)!,
        actor: r.actor_username,
        action: r.action,
        target: { type: r.target_type, id: r.target_id },
        clientIp: r.client_ip,
        details: (r.details ?? {}) as Record<string, unknown>,
      }));
    },
  });

  defineRoute(router, {
    method: 'get',
    path: '/api/v1/admin/identity-disputes',
    summary: 'ID numbers claimed by more than one applicant account, with the claimants',
    tags: ['admin'],
    access: { roles: ['bureau_reviewer', 'security_admin', 'auditor'] },
    query: z.object({ state: z.enum(['open', 'resolved', 'all']).default('open') }),
    responses: { 200: { description: 'disputes', schema: z.array(DisputeView) } },
    handler: async ({ query }) => {
      const list = await listDisputes(db, query.state);
      return list.map(({ dispute: d, claimants }) => ({
        id: d.id,
        idNumber: maskIdNumber(d.id_number),
        openedAt: iso(d.opened_at)!,
        resolvedAt: iso(d.resolved_at),
        resolution: d.resolution,
        resolvedBy: d.resolved_by,
        winner: claimants.find((c) => c.id === d.winner_user_id)?.username ?? null,
        reason: d.reason,
        claimants: claimants.map((c) => ({
          username: c.username,
          displayName: c.display_name,
          identityStatus: c.identity_status,
          registeredAt: iso(c.created_at as unknown as Date)!,
          active: !c.deactivated_at,
          cases: c.cases,
          // kept from the first version of this view (docs/CONVENTIONS.md, kept names)
          claims: c.cases.nanxun_claim ?? 0,
          applications: c.cases.title_application ?? 0,
        })),
      }));
    },
  });

  defineRoute(router, {
    method: 'post',
    path: '/api/v1/admin/identity-disputes/:id/resolve',
    summary: "The bureau decides who holds an identity (after checking the original ID): the other claimants' accounts are flagged and logged out",
    tags: ['admin'],
    access: { roles: ['bureau_reviewer', 'security_admin'] },
    params: z.object({ id: z.coerce.number().int().min(1).max(2_000_000_000) }),
    body: ResolveDisputeBody,
    responses: { 200: { description: 'resolved', schema: z.object({ id: z.number().int(), winner: z.string(), flagged: z.array(z.string()) }) } },
    problems: ['NOT_FOUND', 'DISPUTE_CLOSED', 'NOT_A_CLAIMANT'],
    handler: async ({ req, params, body }) => {
      const r = await resolveDispute(ctx, actorOf(req), params.id, body.username, body.reason, clientIp(req));
      return { id: params.id, winner: r.winner.username, flagged: r.flagged.map((f) => f.username) };
    },
  });

  const importPath = '/api/v1/admin/accounts/import';
  router.post(importPath, enforce({ roles: ['security_admin'] }), csvBody, (_req, _res, next) => next());
  defineRoute(router, {
    method: 'post',
    path: importPath,
    summary:
      "Import clerk accounts from a CSV body (UTF-8 with or without BOM, or GBK) with each clerk's 浙政钉 account id: a report per row; all rows or none. One-time passwords go to each person by SMS, never to the operator",
    tags: ['admin'],
    access: { roles: ['security_admin'] },
    query: z.object({
      dryRun: bool('true'),
      skipInvalid: bool('false'),
      provider: z
        .string()
        .regex(/^[a-z0-9][a-z0-9-]{0,31}$/)
        .optional()
        .openapi({ description: 'the provider the zzdAccountId column is linked at (default: the configured clerk provider, 浙政钉)' }),
    }),
    responses: { 200: { description: 'the per-row report (dryRun: what would happen)', schema: AccountImportReportView } },
    problems: ['UNSUPPORTED_MEDIA_TYPE', 'INVALID_CSV', 'IMPORT_HAS_INVALID_ROWS (the report is in `report`)', 'PAYLOAD_TOO_LARGE', 'UNKNOWN_PROVIDER'],
    handler: async ({ req, query }) => {
      if (!Buffer.isBuffer(req.body)) throw new Problem('INVALID_CSV', 'send the CSV file as the body');
      const providers = (deps.config.federation ?? readFederationSettings(process.env, deps.config.devMode)).providers;
      const clerkProvider = query.provider
        ? providers.find((p) => p.id === query.provider && p.audience === 'clerk')
        : providers.find((p) => p.audience === 'clerk');
      if (query.provider && !clerkProvider) throw new Problem('UNKNOWN_PROVIDER', `no clerk identity provider ${query.provider} is configured`);
      return importAccounts(db, actorOf(req), req.body, { ...query, provider: clerkProvider?.id ?? 'zzd' }, clientIp(req));
    },
  });

  return router;
}
