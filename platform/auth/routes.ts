import { Router } from 'express';
import { insertApplicant } from './userRepository';
import rateLimit from 'express-rate-limit';
import { z } from 'zod';
import { defineRoute } from '../http/route';
import { LoginBody, LoginResult, MeView, RegisterBody, UserView } from '../http/schemas';
import { Problem, sendProblem } from '../http/problem';
import { hashPassword, verifyPassword } from './passwords';
import { actorOf } from './authenticate';
import type { AppDeps } from '../http/deps';

export function authRoutes(deps: AppDeps): Router {
  const router = Router();
  const { db, tokens, config } = deps;

  // slow down password guessing: per client address, on login and registration
  const limiter = rateLimit({
    windowMs: 60_000,
    limit: 20,
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    handler: (_req, res) => sendProblem(res, new Problem('RATE_LIMITED', 'too many attempts from this address; wait a minute')),
  });
  router.use(['/api/v1/auth/login', '/api/v1/auth/register'], limiter);

  const orgName = async (code: string | null) =>
    code ? ((await db.selectFrom('org').select('name').where('code', '=', code).executeTakeFirst())?.name ?? null) : null;

  defineRoute(router, {
    method: 'post',
    path: '/api/v1/auth/login',
    summary: 'Log in and get a bearer token',
    tags: ['auth'],
    access: { public: true },
    body: LoginBody,
    responses: { 200: { description: 'logged in', schema: LoginResult } },
    problems: ['UNAUTHENTICATED'],
    handler: async ({ body }) => {
      const user = await db.selectFrom('app_user').selectAll().where('username', '=', body.username).executeTakeFirst();
      // verify even for unknown users, so timing does not tell which usernames exist
      const ok = await verifyPassword(body.password, user?.password_hash ?? 'scrypt$16384$8$1$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=');
      if (!user || !ok) throw new Problem('UNAUTHENTICATED', 'wrong username or password');
      if (user.is_demo && !config.devMode) throw new Problem('UNAUTHENTICATED', 'demo accounts are refused outside development mode');
      const token = await tokens.sign({
        userId: user.id,
        username: user.username,
        displayName: user.display_name,
        roles: user.roles,
        orgCode: user.org_code,
        idNumber: user.id_number,
      });
      return {
        token,
        user: { username: user.username, displayName: user.display_name, roles: user.roles, orgCode: user.org_code, orgName: await orgName(user.org_code) },
      };
    },
  });

  defineRoute(router, {
    method: 'post',
    path: '/api/v1/auth/register',
    summary: 'Register an applicant account under your real name (one per ID number)',
    tags: ['auth'],
    access: { public: true },
    body: RegisterBody,
    responses: { 201: { description: 'registered', schema: z.object({ user: UserView }) } },
    problems: ['VALIDATION_FAILED', 'ALREADY_REGISTERED', 'USERNAME_TAKEN'],
    handler: async ({ body }) => {
      const passwordHash = await hashPassword(body.password);
      const r = await insertApplicant(db, { username: body.username, passwordHash, name: body.name, idNumber: body.idNumber, phone: body.phone });
      if ('taken' in r) throw r.taken === 'identity' ? new Problem('ALREADY_REGISTERED', 'an account already exists for this ID number') : new Problem('USERNAME_TAKEN');
      return { user: { username: r.user.username, displayName: r.user.display_name, roles: r.user.roles, orgCode: null, orgName: null } };
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
      const u = await db.selectFrom('app_user').select(['id_number', 'phone']).where('id', '=', a.userId).executeTakeFirst();
      return { username: a.username, displayName: a.displayName, roles: a.roles, orgCode: a.orgCode, orgName: await orgName(a.orgCode), idNumber: u?.id_number ?? null, phone: u?.phone ?? null };
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
        schema: z.array(z.object({ username: z.string(), displayName: z.string(), roles: z.array(z.string()), orgCode: z.string().nullable(), orgName: z.string().nullable() })),
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
