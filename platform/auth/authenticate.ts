/**
 * Signed bearer tokens (jose, HS256) and the one middleware that enforces roles.
 */
import { webcrypto } from 'node:crypto';
import { SignJWT, jwtVerify } from 'jose';
import type { NextFunction, Request, Response } from 'express';
import { Problem } from '../http/problem';
import type { Actor } from '../tasks/messages';

export const ROLES = [
  'applicant',
  'unit_verifier',
  'bureau_reviewer',
  'rereviewer',
  'competent_dept',
  'lower_committee',
  'committee_office',
  'hrss_approver',
  'expert',
  'admin',
  'auditor',
] as const;
export type Role = (typeof ROLES)[number];

export interface TokenIssuer {
  sign(actor: Actor): Promise<string>;
  verify(token: string): Promise<Actor>;
}

/** How many verified tokens a process remembers (a few MB at most). */
const VERIFIED_TOKENS_KEPT = 10_000;

export function createTokenIssuer(secret: string, ttl = '8h'): TokenIssuer {
  // imported once: given the raw bytes, jose imports the HMAC key into WebCrypto again on every sign and verify
  // (a third of the verification's cost); the same secret, algorithm and checks either way
  let imported: Promise<webcrypto.CryptoKey> | undefined;
  // tokens that passed verification, until they expire (bounded; the oldest entry goes first). Only a token that
  // jose verified is ever stored, keyed by its exact text: a forged or altered token is a miss and fails as before.
  const verified = new Map<string, { actor: Actor; exp: number }>();
  const cryptoKey = () =>
    (imported ??= webcrypto.subtle.importKey('raw', new TextEncoder().encode(secret), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign', 'verify']));
  return {
    async sign(actor) {
      const key = await cryptoKey();
      return new SignJWT({ uid: actor.userId, name: actor.displayName, roles: actor.roles, org: actor.orgCode, idn: actor.idNumber })
        .setProtectedHeader({ alg: 'HS256' })
        .setSubject(actor.username)
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
        if (Date.now() < hit.exp * 1000) return { ...hit.actor, roles: [...hit.actor.roles] };
        verified.delete(token);
      }
      const { payload } = await jwtVerify(token, await cryptoKey(), { issuer: 'zj-approvals', algorithms: ['HS256'] });
      const { uid, name, roles, org, idn, sub, exp } = payload as Record<string, unknown>;
      if (typeof uid !== 'number' || typeof sub !== 'string' || !Array.isArray(roles)) throw new Error('bad token');
      const actor: Actor = {
        userId: uid,
        username: sub,
        displayName: String(name ?? sub),
        roles: roles.map(String),
        orgCode: typeof org === 'string' ? org : null,
        idNumber: typeof idn === 'string' ? idn : null,
      };
      if (typeof exp === 'number') {
        if (verified.size >= VERIFIED_TOKENS_KEPT) verified.delete(verified.keys().next().value!);
        verified.set(token, { actor, exp });
      }
      return { ...actor, roles: [...actor.roles] };
    },
  };
}

declare module 'express-serve-static-core' {
  interface Request {
    actor?: Actor;
  }
}

/** Resolves a bearer token to the acting user; an invalid or expired token is 401. */
export function authenticate(tokens: TokenIssuer) {
  return async (req: Request, _res: Response, next: NextFunction) => {
    const h = req.headers.authorization;
    if (!h) return next();
    const m = /^Bearer\s+(\S+)$/i.exec(h);
    if (!m) return next(new Problem('UNAUTHENTICATED', 'Authorization must be "Bearer <token>"'));
    try {
      req.actor = await tokens.verify(m[1]!);
      next();
    } catch {
      next(new Problem('UNAUTHENTICATED', 'the token is invalid or has expired; log in again'));
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
