/** Federated sign-in routes (API.md "Added in the third round"; thin: see signIn.ts). */
import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import type { AppDeps } from '../../http/deps';
import { defineRoute } from '../../http/route';
import { createLoginGuard } from '../loginProtection';
import type { SessionStore } from '../sessions';
import { rolePolicies } from './loginPolicy';
import { sendLinkSmsCode } from './smsLink';
import { readFederationSettings, type FederationSettings } from './providers';
import { BINDING_COOKIE, createAdapters, exchangeCode, finishSignIn, FLOW_TTL_MS, linkAccount, startSignIn, type FederationContext } from './signIn';
import type { User } from '../../../db/schema';

const ProviderId = z.object({ id: z.string().regex(/^[a-z0-9][a-z0-9-]{0,31}$/) });
const SignedIn = z.object({
  token: z.string(),
  user: z.object({
    username: z.string(),
    displayName: z.string(),
    roles: z.array(z.string()),
    orgCode: z.string().nullable(),
    orgName: z.string().nullable(),
  }),
  mustChangePassword: z.boolean(),
});

function cookie(req: Request, name: string): string | undefined {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k === name) return decodeURIComponent(v.join('='));
  }
  return undefined;
}

const requestOrigin = (req: Request) => `${req.protocol}://${req.get('host') ?? 'localhost'}`;

export function federationRoutes(deps: AppDeps & { sessions: SessionStore }, settings?: FederationSettings): Router {
  const router = Router();
  const { db, config } = deps;
  const resolved = settings ?? config.federation ?? readFederationSettings(process.env, config.devMode);
  const ctx: FederationContext = {
    db,
    tokens: deps.tokens,
    sessions: deps.sessions,
    guard: createLoginGuard(db),
    devMode: config.devMode,
    settings: resolved,
    adapters: createAdapters(resolved),
  };
  const orgName = async (code: string | null) =>
    code ? ((await db.selectFrom('org').select('name').where('code', '=', code).executeTakeFirst())?.name ?? null) : null;
  const answer = async (token: string, u: User) => ({
    token,
    user: { username: u.username, displayName: u.display_name, roles: u.roles, orgCode: u.org_code, orgName: await orgName(u.org_code) },
    // a session opened through a provider is not bound by a one-time password still to be changed (sessions.ts)
    mustChangePassword: false,
  });
  const setBinding = (req: Request, res: Response, value: string, maxAgeMs: number) =>
    res.cookie(BINDING_COOKIE, value, { httpOnly: true, sameSite: 'lax', secure: req.secure, path: '/api/v1/auth/providers', maxAge: maxAgeMs });

  defineRoute(router, {
    method: 'get',
    path: '/api/v1/auth/providers',
    summary: 'The identity providers one can sign in with (浙里办 个人 / 法人, 浙政钉, OpenID Connect)',
    tags: ['auth'],
    access: { public: true },
    responses: {
      200: {
        description: 'configured providers',
        schema: z.array(
          z.object({ id: z.string(), name: z.string(), audience: z.enum(['applicant', 'enterprise', 'clerk']), logoutUrl: z.string().nullable() }),
        ),
      },
    },
    handler: async () => resolved.providers.map((p) => ({ id: p.id, name: p.name, audience: p.audience, logoutUrl: p.logoutUrl ?? null })),
  });

  defineRoute(router, {
    method: 'get',
    path: '/api/v1/auth/providers/:id/start',
    summary: 'Start signing in with a provider: 302 to it (state, nonce and PKCE kept server-side, bound to this browser)',
    tags: ['auth'],
    access: { public: true },
    params: ProviderId,
    query: z.object({ returnTo: z.string().max(300).optional(), login_hint: z.string().max(64).optional() }),
    responses: { 302: { description: 'to the provider' } },
    problems: ['UNKNOWN_PROVIDER', 'INVALID_RETURN_TO', 'IDP_UNAVAILABLE'],
    handler: async ({ req, res, params, query }) => {
      const { url, binding } = await startSignIn(ctx, params.id, { returnTo: query.returnTo, loginHint: query.login_hint, requestOrigin: requestOrigin(req) });
      setBinding(req, res, binding, FLOW_TTL_MS);
      res.redirect(302, url.toString());
    },
  });

  defineRoute(router, {
    method: 'get',
    path: '/api/v1/auth/providers/:id/callback',
    summary: "The provider's callback: 302 to the console's /login/callback#code=… (or #link=… when an existing account must be proved)",
    tags: ['auth'],
    access: { public: true },
    params: ProviderId,
    // what providers answer on the redirect (OAuth2 / OIDC: code, state, iss, error; 浙里办: ticket); the rest is dropped
    query: z.object({
      code: z.string().max(2000).optional(),
      state: z.string().max(500).optional(),
      iss: z.string().max(500).optional(),
      ticket: z.string().max(2000).optional(),
      authCode: z.string().max(2000).optional(),
      error: z.string().max(200).optional(),
      error_description: z.string().max(1000).optional(),
    }),
    responses: { 302: { description: 'to the console' } },
    problems: ['SIGN_IN_EXPIRED', 'IDP_REFUSED', 'IDP_UNAVAILABLE', 'NOT_LINKED', 'ENTERPRISE_NOT_REGISTERED', 'UNKNOWN_PROVIDER'],
    handler: async ({ req, res, params, query }) => {
      const binding = cookie(req, BINDING_COOKIE);
      res.clearCookie(BINDING_COOKIE, { path: '/api/v1/auth/providers' });
      const answered = Object.fromEntries(Object.entries(query).filter((e): e is [string, string] => typeof e[1] === 'string'));
      const { location } = await finishSignIn(ctx, params.id, answered, binding, req.ip ?? null);
      res.redirect(302, location);
    },
  });

  defineRoute(router, {
    method: 'post',
    path: '/api/v1/auth/exchange',
    summary: "Exchange the callback's one-time code for a session token (within 60 s, once)",
    tags: ['auth'],
    access: { public: true },
    body: z.object({ code: z.string().min(10).max(100) }).strict(),
    responses: { 200: { description: 'signed in', schema: SignedIn } },
    problems: ['SIGN_IN_EXPIRED'],
    handler: async ({ req, body }) => {
      const { token, user } = await exchangeCode(ctx, body.code, req.ip ?? null);
      return answer(token, user);
    },
  });

  defineRoute(router, {
    method: 'post',
    path: '/api/v1/auth/link',
    summary:
      'After a provincial sign-in whose ID number has a self-registered account: prove it (username + password, or username + the SMS code sent to its mobile) to link it, or decline (a new account, a dispute as for a registration)',
    tags: ['auth'],
    access: { public: true },
    body: z.union([
      z.object({ ticket: z.string().min(10).max(100), username: z.string().min(1).max(100), password: z.string().min(1).max(200) }).strict(),
      z.object({ ticket: z.string().min(10).max(100), username: z.string().min(1).max(100), smsCode: z.string().regex(/^\d{6}$/) }).strict(),
      z.object({ ticket: z.string().min(10).max(100), decline: z.literal(true) }).strict(),
    ]),
    responses: { 200: { description: 'signed in', schema: SignedIn } },
    problems: ['SIGN_IN_EXPIRED', 'WRONG_PASSWORD', 'ACCOUNT_LOCKED', 'SMS_CODE_INVALID', 'NOT_A_CLAIMANT'],
    handler: async ({ req, body }) => {
      const { token, user } = await linkAccount(ctx, body, req.ip ?? 'unknown');
      return answer(token, user);
    },
  });

  defineRoute(router, {
    method: 'post',
    path: '/api/v1/auth/link/sms-code',
    summary:
      "Instead of the password: send a 6-digit code to the self-registered account's own mobile (5 minutes, once, 5 attempts; at most 5 codes per sign-in, one a minute), then POST /auth/link { ticket, username, smsCode }",
    tags: ['auth'],
    access: { public: true },
    body: z.object({ ticket: z.string().min(10).max(100), username: z.string().min(1).max(100) }).strict(),
    responses: {
      200: {
        description: 'sent',
        schema: z.object({
          channel: z.literal('sms'),
          to: z.string().openapi({ description: 'the masked mobile number' }),
          expiresInSeconds: z.number().int(),
        }),
      },
    },
    problems: ['SIGN_IN_EXPIRED', 'NOT_A_CLAIMANT', 'RATE_LIMITED', 'VALIDATION_FAILED'],
    handler: async ({ body }) => sendLinkSmsCode(ctx, body, (id) => resolved.providers.find((p) => p.id === id)?.name ?? id),
  });

  defineRoute(router, {
    method: 'get',
    path: '/api/v1/auth/password-login',
    summary: 'Whether each role may log in with a password (the login page hides what is off)',
    tags: ['auth'],
    access: { public: true },
    responses: { 200: { description: 'per role', schema: z.array(z.object({ role: z.string(), passwordLogin: z.boolean() })) } },
    handler: async () => (await rolePolicies(db, config.devMode)).map((p) => ({ role: p.role, passwordLogin: p.passwordLogin })),
  });

  return router;
}
