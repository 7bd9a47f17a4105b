/**
 * Signed bearer tokens (jose, HS256) and the one middleware that enforces roles.
 */
import { webcrypto } from 'node:crypto';
import { SignJWT, jwtVerify } from 'jose';
import type { NextFunction, Request, Response } from 'express';
import { Problem } from '../http/problem';
import type { Actor } from '../tasks/messages';
import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema';
import { createSessionStore, sessionEnded, type SessionStore } from './sessions';
import type { Role } from './roles';

/** What a token says: which session, of which user. Never roles, organisation, ID number or phone (those are
 * read from the session's account, so a change takes effect at once and the token leaks no personal data). */
export interface TokenClaims {
  sessionId: string;
  userId: number;
  username: string;
}

export interface TokenIssuer {
  sign(claims: TokenClaims): Promise<string>;
  verify(token: string): Promise<TokenClaims>;
}

/** How many verified tokens a process remembers (a few MB at most). */
const VERIFIED_TOKENS_KEPT = 10_000;

export function createTokenIssuer(secret: string, ttl = '8h'): TokenIssuer {
  // imported once: given the raw bytes, jose imports the HMAC key into WebCrypto again on every sign and verify
  // (a third of the verification's cost); the same secret, algorithm and checks either way
  let imported: Promise<webcrypto.CryptoKey> | undefined;
  // tokens that passed verification, until they expire (bounded; the oldest entry goes first). Only a token that
  // jose verified is ever stored, keyed by its exact text: a forged or altered token is a miss and fails as before.
  // Whether the session is still good is checked separately on every request (sessions.ts).
  const verified = new Map<string, { claims: TokenClaims; exp: number }>();
  const cryptoKey = () =>
    (imported ??= webcrypto.subtle.importKey('raw', new TextEncoder().encode(secret), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign', 'verify']));
  return {
    async sign(claims) {
      const key = await cryptoKey();
      return new SignJWT({ sid: claims.sessionId, uid: claims.userId })
        .setProtectedHeader({ alg: 'HS256' })
        .setSubject(claims.username)
        .setIssuedAt()
        .setIssuer('zj-approvals')
        .setExpirationTime(ttl)
        .sign(key);
    },
    async verify(token) {
      const hit = verified.get(token);
      if (hit) {
        // the same token string was verified (signature, issuer, algorithm, claims) before: only its expiry can
        // have changed since — checked exactly as jose does (expired once exp <= now in whole seconds)
        if (Date.now() < hit.exp * 1000) return { ...hit.claims };
        verified.delete(token);
      }
      const { payload } = await jwtVerify(token, await cryptoKey(), { issuer: 'zj-approvals', algorithms: ['HS256'] });
      const { uid, sid, sub, exp } = payload as Record<string, unknown>;
      if (typeof uid !== 'number' || typeof sub !== 'string' || typeof sid !== 'string') throw new Error('bad token');
      const claims: TokenClaims = { sessionId: sid, userId: uid, username: sub };
      if (typeof exp === 'number') {
        if (verified.size >= VERIFIED_TOKENS_KEPT) verified.delete(verified.keys().next().value!);
        verified.set(token, { claims, exp });
      }
      return { ...claims };
    },
  };
}

/** Opens a session for the user and signs its token (login, and tests/tools that act as a seeded user). */
export async function issueToken(
  sessions: SessionStore,
  tokens: TokenIssuer,
  user: { id: number; username: string },
  clientIp?: string | null,
  provider?: string | null,
): Promise<{ token: string; sessionId: string }> {
  const { sessionId } = await sessions.create(user.id, clientIp, provider);
  return { token: await tokens.sign({ sessionId, userId: user.id, username: user.username }), sessionId };
}

/** A token with a fresh session for a stored user, without a password (tests and tools acting as seeded users). */
export async function tokenForUser(db: Kysely<Database>, tokens: TokenIssuer, user: { id: number; username: string }): Promise<string> {
  return (await issueToken(createSessionStore(db), tokens, user)).token;
}

/** Routes a user who must change their password may still call. */
const ALLOWED_WHILE_PASSWORD_CHANGE_REQUIRED = new Set(['/api/v1/auth/password', '/api/v1/auth/logout', '/api/v1/auth/me']);

declare module 'express-serve-static-core' {
  interface Request {
    actor?: Actor;
    /** the session the bearer token names */
    sessionId?: string;
  }
}

/**
 * Resolves a bearer token to the acting user: the token's signature and expiry, then its session (not revoked, not
 * expired, account active). An invalid token or an ended session is 401. An account that must change its password
 * may only change it (403 PASSWORD_CHANGE_REQUIRED elsewhere).
 */
export function authenticate(tokens: TokenIssuer, sessions: SessionStore) {
  return async (req: Request, _res: Response, next: NextFunction) => {
    const h = req.headers.authorization;
    if (!h) return next();
    const m = /^Bearer\s+(\S+)$/i.exec(h);
    if (!m) return next(new Problem('UNAUTHENTICATED', 'Authorization must be "Bearer <token>"'));
    let claims: TokenClaims;
    try {
      claims = await tokens.verify(m[1]!);
    } catch {
      return next(new Problem('UNAUTHENTICATED', 'the token is invalid or has expired; log in again'));
    }
    try {
      const state = await sessions.resolve(claims.sessionId, claims.userId);
      if (!state) return next(sessionEnded());
      req.actor = state.actor;
      req.sessionId = state.sessionId;
      if (state.mustChangePassword && !ALLOWED_WHILE_PASSWORD_CHANGE_REQUIRED.has(req.path)) {
        return next(new Problem('PASSWORD_CHANGE_REQUIRED', 'change your one-time password first: POST /api/v1/auth/password { oldPassword, newPassword }'));
      }
      next();
    } catch (err) {
      next(err);
    }
  };
}

export function actorOf(req: Request): Actor {
  if (!req.actor) throw new Problem('UNAUTHENTICATED');
  return req.actor;
}

export function hasRole(actor: Actor, ...roles: string[]): boolean {
  return roles.some((r) => actor.roles.includes(r));
}

/** The route's access rule: public, any logged-in user, or one of these roles. */
export type Access = { public: true } | { roles: readonly Role[] | 'any' };

export function enforce(access: Access) {
  return (req: Request, _res: Response, next: NextFunction) => {
    if ('public' in access) return next();
    if (!req.actor) return next(new Problem('UNAUTHENTICATED', 'send Authorization: Bearer <token> (POST /api/v1/auth/login)'));
    if (access.roles !== 'any' && !hasRole(req.actor, ...access.roles)) {
      return next(new Problem('FORBIDDEN', `this needs one of the roles: ${access.roles.join(', ')}`));
    }
    next();
  };
}
