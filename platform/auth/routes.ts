import { Router, type Request } from 'express';
import rateLimit from 'express-rate-limit';
import { z } from 'zod';
import { defineRoute } from '../http/route';
import { LoginBody, LoginResult, MeView, RegisterBody, UserView } from '../http/schemas';
import { ChangePasswordBody } from './views';
import { Problem, sendProblem } from '../http/problem';
import { actorOf } from './authenticate';
import type { SessionStore } from './sessions';
import { createLoginGuard } from './loginProtection';
import { changePassword, login, logout, register, type AccountsContext } from './useCases';
import type { AppDeps } from '../http/deps';
import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema';

/**
 * The binding state an applicant is shown (issue 19, finding 6: no registration oracle). Every registration reads
 * `provisional` until the identity-binding flow decides: `confirmed` once the person's employer verified them (or the
 * bureau decided for them), `rejected` only once a dispute this account took part in was resolved against it. An
 * account flagged at registration because the number already has a confirmed holder reads `provisional` like any
 * other until the bureau resolves the dispute opened for it, so registering tells nobody whether a number is taken.
 */
async function shownIdentityStatus(
  db: Kysely<Database>,
  u: { id_number: string | null; identity_status: 'provisional' | 'confirmed' | 'rejected' | null; created_at: unknown },
): Promise<'provisional' | 'confirmed' | 'rejected' | null> {
  if (u.identity_status !== 'rejected' || !u.id_number) return u.identity_status;
  const decided = await db
    .selectFrom('identity_dispute')
    .select('id')
    .where('id_number', '=', u.id_number)
    .where('resolved_at', '>=', new Date(u.created_at as string))
    .limit(1)
    .executeTakeFirst();
  return decided ? 'rejected' : 'provisional';
}

export function authRoutes(deps: AppDeps & { sessions: SessionStore }): Router {
  const router = Router();
  const { db, tokens, config, sessions } = deps;
  const ctx: AccountsContext = { db, tokens, sessions, guard: createLoginGuard(db), devMode: config.devMode };

  // registration has its own limit per client address (logins are protected per account and per address by
  // counting failures only: loginProtection.ts)
  const registrationLimiter = rateLimit({
    windowMs: 60 * 60_000,
    limit: Number(process.env.REGISTRATIONS_PER_HOUR) || 20,
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    handler: (_req, res) => sendProblem(res, new Problem('RATE_LIMITED', 'too many registrations from this address; try again later')),
  });
  router.use('/api/v1/auth/register', registrationLimiter);

  const orgName = async (code: string | null) =>
    code ? ((await db.selectFrom('org').select('name').where('code', '=', code).executeTakeFirst())?.name ?? null) : null;
  const clientIp = (req: Request) => req.ip ?? 'unknown';

  defineRoute(router, {
    method: 'post',
    path: '/api/v1/auth/login',
    summary: 'Log in and get a bearer token (a server-side session)',
    tags: ['auth'],
    access: { public: true },
    body: LoginBody,
    responses: { 200: { description: 'logged in', schema: LoginResult } },
    problems: ['UNAUTHENTICATED', 'ACCOUNT_LOCKED'],
    handler: async ({ req, res, body }) => {
      try {
        const { token, user } = await login(ctx, body.username, body.password, clientIp(req));
        return {
          token,
          user: { username: user.username, displayName: user.display_name, roles: user.roles, orgCode: user.org_code, orgName: await orgName(user.org_code) },
          mustChangePassword: user.must_change_password,
        };
      } catch (err) {
        if (err instanceof Problem && err.code === 'ACCOUNT_LOCKED') res.setHeader('Retry-After', String(err.extra.retryAfter ?? 60));
        throw err;
      }
    },
  });

  defineRoute(router, {
    method: 'post',
    path: '/api/v1/auth/logout',
    summary: 'Log out: the token is refused from then on',
    tags: ['auth'],
    access: { roles: 'any' },
    responses: { 204: { description: 'the session has ended' } },
    handler: async ({ req }) => {
      actorOf(req);
      if (req.sessionId) await logout(ctx, req.sessionId);
      return undefined;
    },
  });

  defineRoute(router, {
    method: 'post',
    path: '/api/v1/auth/password',
    summary: "Change your own password (required after an administrator's one-time password); ends your other sessions",
    tags: ['auth'],
    access: { roles: 'any' },
    body: ChangePasswordBody,
    responses: { 204: { description: 'changed' } },
    problems: ['WRONG_PASSWORD', 'WEAK_PASSWORD', 'ACCOUNT_LOCKED'],
    handler: async ({ req, res, body }) => {
      try {
        await changePassword(ctx, actorOf(req), req.sessionId, body.oldPassword, body.newPassword, clientIp(req));
      } catch (err) {
        if (err instanceof Problem && err.code === 'ACCOUNT_LOCKED') res.setHeader('Retry-After', String(err.extra.retryAfter ?? 60));
        throw err;
      }
      return undefined;
    },
  });

  defineRoute(router, {
    method: 'post',
    path: '/api/v1/auth/register',
    summary: 'Register an applicant account under your real name (the answer is the same whether or not the ID number already has an account)',
    tags: ['auth'],
    access: { public: true },
    body: RegisterBody,
    responses: { 201: { description: 'registered', schema: z.object({ user: UserView }) } },
    problems: ['VALIDATION_FAILED', 'WEAK_PASSWORD', 'USERNAME_TAKEN', 'RATE_LIMITED'],
    handler: async ({ req, body }) => {
      const user = await register(ctx, body, clientIp(req));
      return { user: { username: user.username, displayName: user.display_name, roles: user.roles, orgCode: null, orgName: null } };
    },
  });

  defineRoute(router, {
    method: 'get',
    path: '/api/v1/auth/me',
    summary: 'Who am I',
    tags: ['auth'],
    access: { roles: 'any' },
    responses: { 200: { description: 'the logged-in user, with their own ID number and phone', schema: MeView } },
    handler: async ({ req }) => {
      const a = actorOf(req);
      const u = await db
        .selectFrom('app_user')
        .select(['id_number', 'phone', 'must_change_password', 'identity_status', 'created_at'])
        .where('id', '=', a.userId)
        .executeTakeFirst();
      const identityStatus = u ? await shownIdentityStatus(db, u) : null;
      return {
        username: a.username,
        displayName: a.displayName,
        roles: a.roles,
        orgCode: a.orgCode,
        orgName: await orgName(a.orgCode),
        idNumber: u?.id_number ?? null,
        phone: u?.phone ?? null,
        mustChangePassword: u?.must_change_password ?? false,
        identityStatus,
      };
    },
  });

  defineRoute(router, {
    method: 'get',
    path: '/api/v1/dev/accounts',
    summary: 'Demo accounts (development mode only)',
    tags: ['dev'],
    access: { public: true },
    responses: {
      200: {
        description: 'demo accounts, all with the password "demo"',
        schema: z.array(
          z.object({
            username: z.string(),
            displayName: z.string(),
            roles: z.array(z.string()),
            orgCode: z.string().nullable(),
            orgName: z.string().nullable(),
          }),
        ),
      },
    },
    handler: async () => {
      if (!config.devMode) throw new Problem('NOT_FOUND');
      const rows = await db
        .selectFrom('app_user')
        .leftJoin('org', 'org.code', 'app_user.org_code')
        .select(['app_user.username', 'app_user.display_name', 'app_user.roles', 'app_user.org_code', 'org.name'])
        .where('app_user.is_demo', '=', true)
        .orderBy('app_user.id')
        .execute();
      return rows.map((r) => ({ username: r.username, displayName: r.display_name, roles: r.roles, orgCode: r.org_code, orgName: r.name }));
    },
  });

  return router;
}
