/**
 * Federated sign-in, the rules (docs/security.md "Federated sign-in"):
 * start → the provider → callback → a one-time code in the console's URL fragment → POST /auth/exchange → session.
 * - the flow's state, nonce and PKCE verifier are stored server-side and used once; the flow is bound to the browser
 *   that started it (an HttpOnly cookie), so a callback URL planted in another browser signs no one in;
 * - the provider's answer is turned into an account in one transaction with the one-time code: a failure leaves
 *   nothing behind (no half-created account);
 * - applicants: the verified ID number is the identity; enterprises: the 统一社会信用代码 of a registered, active
 *   enterprise; clerks: only an account an administrator linked to the 浙政钉 account id beforehand. No provider
 *   ever grants a role.
 */
import { randomBytes } from 'node:crypto';
import type { Kysely, Transaction } from 'kysely';
import * as oidc from 'openid-client';
import type { Database, User } from '../../../db/schema';
import { recordAudit } from '../../admin/audit';
import { blindIndex } from '../../crypto/blindIndex';
import { Problem } from '../../http/problem';
import { isValidIdNumber, normalizeIdNumber } from '../../identity/idNumber';
import { issueToken, type TokenIssuer } from '../authenticate';
import { accountKey, type LoginGuard } from '../loginProtection';
import { verifyPassword } from '../passwords';
import { insertApplicant, findUserByUsername } from '../repository';
import type { SessionStore } from '../sessions';
import { unavailable, type ProviderAdapter, type ProviderIdentity } from './adapter';
import { createCodeAdapter } from './codeAdapter';
import { createOidcAdapter } from './oidcAdapter';
import type { FederationSettings } from './providers';
import * as repo from './repository';
import { checkLinkSmsCode } from './smsLink';

export const FLOW_TTL_MS = 10 * 60_000;
export const EXCHANGE_TTL_MS = 60_000;
export const LINK_TTL_MS = 10 * 60_000;
export const BINDING_COOKIE = 'zj_signin';

export interface FederationContext {
  db: Kysely<Database>;
  tokens: TokenIssuer;
  sessions: SessionStore;
  guard: LoginGuard;
  devMode: boolean;
  settings: FederationSettings;
  adapters: Map<string, ProviderAdapter>;
}

export function createAdapters(settings: FederationSettings): Map<string, ProviderAdapter> {
  return new Map(settings.providers.map((p) => [p.id, p.kind === 'oidc' ? createOidcAdapter(p) : createCodeAdapter(p, settings.selfUrl)]));
}

const random = () => randomBytes(24).toString('base64url');

function adapterOf(ctx: FederationContext, id: string): ProviderAdapter {
  const a = ctx.adapters.get(id);
  if (!a) throw new Problem('UNKNOWN_PROVIDER', `no identity provider ${id} is configured`);
  return a;
}

/** a path of this console (no scheme, no host, no `//`, no backslash), else INVALID_RETURN_TO */
export function safeReturnTo(v: string | undefined): string {
  if (v === undefined || v === '') return '/';
  if (v.length > 300 || !/^\/(?![/\\])[^\s\\]*$/.test(v)) throw new Problem('INVALID_RETURN_TO', 'returnTo must be a path such as /tasks');
  return v;
}

const LOOPBACK = /^(localhost|127\.0\.0\.1|\[::1\])$/;

/** The origin the callback goes to: an allow-listed one (the request's own, else the first), or loopback in development. */
export function callbackOrigin(ctx: FederationContext, requestOrigin: string): string {
  const allowed = ctx.settings.redirectOrigins;
  if (allowed.includes(requestOrigin)) return requestOrigin;
  if (ctx.devMode && LOOPBACK.test(new URL(requestOrigin).hostname)) return requestOrigin;
  if (allowed[0]) return allowed[0];
  throw new Problem('IDP_UNAVAILABLE', 'federated sign-in is not configured here (PUBLIC_URL or AUTH_REDIRECT_ORIGINS)');
}

export async function startSignIn(
  ctx: FederationContext,
  providerId: string,
  o: { returnTo?: string; loginHint?: string; requestOrigin: string },
): Promise<{ url: URL; binding: string }> {
  const adapter = adapterOf(ctx, providerId);
  const returnTo = safeReturnTo(o.returnTo);
  const origin = callbackOrigin(ctx, o.requestOrigin);
  const redirectUri = `${origin}/api/v1/auth/providers/${providerId}/callback`;
  const state = oidc.randomState();
  const nonce = oidc.randomNonce();
  const codeVerifier = oidc.randomPKCECodeVerifier();
  const binding = random();
  const url = await adapter.authorizationUrl({ redirectUri, state, nonce, codeVerifier, loginHint: o.loginHint, browserBase: origin });
  await repo.insertFlow(ctx.db, { state, provider: providerId, nonce, codeVerifier, binding, redirectUri, returnTo, ttlMs: FLOW_TTL_MS });
  return { url, binding };
}

type Outcome = { kind: 'code'; code: string } | { kind: 'link'; ticket: string };

/** The provider's callback: checks the flow, asks the provider who it is, and answers where the browser goes next. */
export async function finishSignIn(
  ctx: FederationContext,
  providerId: string,
  query: Record<string, string>,
  binding: string | undefined,
  clientIp: string | null,
): Promise<{ location: string }> {
  const adapter = adapterOf(ctx, providerId);
  if (!query.state) throw new Problem('SIGN_IN_EXPIRED', 'the callback carries no state');
  const flow = await repo.takeFlow(ctx.db, query.state, providerId);
  if (!flow) throw new Problem('SIGN_IN_EXPIRED', 'this sign-in is unknown, expired or already used; start again');
  if (!binding || repo.digest(binding) !== flow.binding_hash)
    throw new Problem('SIGN_IN_EXPIRED', 'this sign-in was started in another browser; start again here');
  const identity = await adapter.identify({ query, redirectUri: flow.redirect_uri, state: query.state, nonce: flow.nonce, codeVerifier: flow.code_verifier });
  const outcome = await resolveAccount(ctx, adapter, identity, flow.return_to, clientIp);
  const base = ctx.settings.consoleUrl ?? new URL(flow.redirect_uri).origin;
  const fragment = new URLSearchParams(outcome.kind === 'code' ? { code: outcome.code } : { link: outcome.ticket });
  fragment.set('returnTo', flow.return_to);
  fragment.set('provider', providerId);
  return { location: `${base}/login/callback#${fragment.toString()}` };
}

async function signedIn(trx: Transaction<Database>, providerId: string, subject: string, user: User, clientIp: string | null): Promise<Outcome> {
  const code = random();
  await repo.touchSignIn(trx, providerId, subject);
  await repo.insertExchangeCode(trx, { code, userId: user.id, provider: providerId, clientIp, ttlMs: EXCHANGE_TTL_MS });
  return { kind: 'code', code };
}

function assertUsable(ctx: FederationContext, u: User): void {
  if (u.deactivated_at) throw new Problem('UNAUTHENTICATED', 'this account is deactivated; ask an administrator');
  if (u.is_demo && !ctx.devMode) throw new Problem('UNAUTHENTICATED', 'demo accounts are refused outside development mode');
}

const newUsername = (prefix: string) => `${prefix}.${randomBytes(5).toString('hex')}`;

async function resolveAccount(
  ctx: FederationContext,
  adapter: ProviderAdapter,
  id: ProviderIdentity,
  returnTo: string,
  clientIp: string | null,
): Promise<Outcome> {
  const p = adapter.config;
  const audit = (trx: Transaction<Database>, action: string, user: User, details: Record<string, unknown> = {}) =>
    recordAudit(trx, { actor: user.username, action, targetType: 'user', targetId: user.username, clientIp, details: { provider: p.id, ...details } });

  if (p.audience === 'clerk') {
    return ctx.db.transaction().execute(async (trx) => {
      const user = await repo.findLinkedUser(trx, p.id, id.subject);
      if (!user)
        throw new Problem(
          'NOT_LINKED',
          `no account is linked to ${p.name} account ${id.subject} (${id.name}): ask the system administrator (系统管理员) of your unit to add this ${p.name} account id to your account`,
          { provider: p.id, accountId: id.subject },
        );
      assertUsable(ctx, user);
      await audit(trx, 'signin.federated', user);
      return signedIn(trx, p.id, id.subject, user, clientIp);
    });
  }

  if (p.audience === 'enterprise') {
    const creditCode = id.creditCode?.toUpperCase();
    if (!creditCode || !/^[0-9A-HJ-NPQRTUWXY]{18}$/.test(creditCode)) throw unavailable(p, 'the answer carries no valid unified social credit code');
    return ctx.db.transaction().execute(async (trx) => {
      const org = await repo.findOrgByCreditCode(trx, creditCode);
      if (org?.type !== 'enterprise' || !org.active)
        throw new Problem('ENTERPRISE_NOT_REGISTERED', `the enterprise ${creditCode} is not registered here or is deactivated: ask the bureau to register it`, {
          creditCode,
        });
      let user = await repo.findLinkedUser(trx, p.id, creditCode);
      if (!user) {
        user = await repo.insertFederatedUser(trx, {
          username: `legal.${creditCode.toLowerCase()}`,
          name: `${org.name}·法人`,
          roles: ['legal_person'],
          orgCode: org.code,
          idNumber: null,
          phone: null,
          identityStatus: null,
          createdBy: p.id,
        });
        await repo.linkIdentity(trx, p.id, creditCode, user.id, p.id);
        await audit(trx, 'signin.account_created', user, { creditCode });
      }
      assertUsable(ctx, user);
      if (user.org_code !== org.code) throw new Problem('ENTERPRISE_NOT_REGISTERED', 'the enterprise account belongs to another organisation');
      await audit(trx, 'signin.federated', user, { legalPerson: id.name });
      return signedIn(trx, p.id, creditCode, user, clientIp);
    });
  }

  // applicants: the verified ID number is the identity
  const idNumber = id.idNumber ? normalizeIdNumber(id.idNumber) : '';
  if (!isValidIdNumber(idNumber)) throw unavailable(p, 'the answer carries no valid ID number');
  return ctx.db.transaction().execute(async (trx) => {
    await repo.lockIdentity(trx, idNumber);
    const linked = await repo.findLinkedUser(trx, p.id, id.subject);
    if (linked) {
      assertUsable(ctx, linked);
      if (linked.id_number !== idNumber) throw new Problem('IDP_REFUSED', 'the provider now reports another ID number for this person; ask the bureau');
      await audit(trx, 'signin.federated', linked);
      return signedIn(trx, p.id, id.subject, linked, clientIp);
    }
    const holders = await repo.accountsWithIdNumber(trx, idNumber);
    // an account created for this number without a password (by a provider or an enterprise's designation): the
    // number vouches for it, as it does for the person
    const vouched = holders.find((u) => !repo.hasPassword(u));
    if (vouched) {
      assertUsable(ctx, vouched);
      await repo.linkIdentity(trx, p.id, id.subject, vouched.id, p.id);
      await audit(trx, 'signin.linked', vouched, { how: 'id_number' });
      return signedIn(trx, p.id, id.subject, vouched, clientIp);
    }
    if (holders.length) {
      // self-registered: the person proves the account (its password) or declines (POST /api/v1/auth/link)
      const ticket = random();
      await repo.insertLinkTicket(trx, {
        ticket,
        provider: p.id,
        subject: id.subject,
        idNumber,
        name: id.name,
        phone: id.phone ?? null,
        returnTo,
        ttlMs: LINK_TTL_MS,
      });
      return { kind: 'link', ticket };
    }
    const user = await repo.insertFederatedUser(trx, {
      username: newUsername('zlb'),
      name: id.name,
      roles: ['applicant'],
      orgCode: null,
      idNumber,
      phone: id.phone ?? null,
      identityStatus: 'confirmed',
      createdBy: p.id,
    });
    await repo.linkIdentity(trx, p.id, id.subject, user.id, p.id);
    await audit(trx, 'signin.account_created', user);
    return signedIn(trx, p.id, id.subject, user, clientIp);
  });
}

/** The one-time code from the callback, for a session token (within 60 s, once). */
export async function exchangeCode(ctx: FederationContext, code: string, clientIp: string | null): Promise<{ token: string; user: User }> {
  const row = await repo.takeExchangeCode(ctx.db, code);
  if (!row) throw new Problem('SIGN_IN_EXPIRED', 'the code is unknown, expired (60 s) or already used; sign in again');
  const user = await ctx.db.selectFrom('app_user').selectAll().where('id', '=', row.user_id).executeTakeFirstOrThrow();
  assertUsable(ctx, user);
  const { token } = await issueToken(ctx.sessions, ctx.tokens, user, clientIp, row.provider);
  return { token, user };
}

/**
 * A provincial identity whose ID number has self-registered accounts: the person proves one of them with its
 * username and password, or a code sent to its mobile (smsLink.ts) — linked, and confirmed as the holder — or declines — then a new account is made as a
 * registration would be (a dispute is opened as today).
 */
export async function linkAccount(
  ctx: FederationContext,
  body: { ticket: string } & ({ username: string; password: string } | { username: string; smsCode: string } | { decline: true }),
  clientIp: string,
): Promise<{ token: string; user: User }> {
  const t = await repo.findLinkTicket(ctx.db, body.ticket);
  if (!t) throw new Problem('SIGN_IN_EXPIRED', 'the link request is unknown, expired or already used; sign in again');
  const provider = adapterOf(ctx, t.provider).config;
  let user: User;
  if ('decline' in body) {
    user = await ctx.db.transaction().execute(async (trx) => {
      if (!(await repo.useLinkTicket(trx, body.ticket))) throw new Problem('SIGN_IN_EXPIRED', 'the link request was already used');
      const { user: u, outcome } = await insertApplicant(trx, {
        username: newUsername('zlb'),
        passwordHash: repo.NO_PASSWORD,
        name: t.display_name,
        idNumber: t.id_number,
        phone: t.phone,
      });
      await repo.linkIdentity(trx, t.provider, t.subject, u.id, t.provider);
      await recordAudit(trx, {
        actor: u.username,
        action: outcome === 'sole_claimant' ? 'signin.account_created' : `identity.${outcome}`,
        targetType: 'user',
        targetId: u.username,
        clientIp,
        details: { provider: t.provider, declinedLink: true },
      });
      return u;
    });
  } else {
    let candidate: User;
    let smsCodeId: string | null = null;
    if ('smsCode' in body) {
      const checked = await checkLinkSmsCode(ctx, t, body, provider.name);
      candidate = checked.user;
      smsCodeId = checked.codeId;
    } else {
      const found = await findUserByUsername(ctx.db, body.username);
      const key = accountKey(body.username, found);
      await ctx.guard.before(key, clientIp);
      const ok = await verifyPassword(body.password, found?.password_hash ?? repo.NO_PASSWORD);
      const holds = found && found.id_number === t.id_number && found.identity_status !== 'rejected';
      if (!found || !ok || !holds) {
        await ctx.guard.failed(key, clientIp);
        throw new Problem('WRONG_PASSWORD', `wrong username or password, or the account is not registered under the ID number ${provider.name} vouched for`, {
          field: 'password',
        });
      }
      await ctx.guard.succeeded(key, clientIp);
      candidate = found;
    }
    user = await ctx.db.transaction().execute(async (trx) => {
      if (smsCodeId && !(await repo.spendLinkSmsCode(trx, smsCodeId)))
        throw new Problem('SMS_CODE_INVALID', 'the code was already used; ask for a new one', { field: 'smsCode' });
      if (!(await repo.useLinkTicket(trx, body.ticket))) throw new Problem('SIGN_IN_EXPIRED', 'the link request was already used');
      await repo.lockIdentity(trx, t.id_number);
      await repo.linkIdentity(trx, t.provider, t.subject, candidate.id, t.provider);
      await repo.confirmIdentity(trx, candidate.id, blindIndex(t.id_number), t.provider);
      await recordAudit(trx, {
        actor: candidate.username,
        action: 'signin.linked',
        targetType: 'user',
        targetId: candidate.username,
        clientIp,
        details: { provider: t.provider, how: smsCodeId ? 'sms_code' : 'password' },
      });
      return (await trx.selectFrom('app_user').selectAll().where('id', '=', candidate.id).executeTakeFirstOrThrow()) as User;
    });
  }
  assertUsable(ctx, user);
  const { token } = await issueToken(ctx.sessions, ctx.tokens, user, clientIp, t.provider);
  return { token, user };
}
