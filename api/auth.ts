/**
 * Signed bearer tokens (jose, HS256) and the one middleware that enforces roles.
 */
import { SignJWT, jwtVerify } from 'jose';
import type { NextFunction, Request, Response } from 'express';
import { Problem } from './problem';
import type { Actor } from '../workflows/messages';

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

export function createTokenIssuer(secret: string, ttl = '8h'): TokenIssuer {
  const key = new TextEncoder().encode(secret);
  return {
    async sign(actor) {
      return new SignJWT({ uid: actor.userId, name: actor.displayName, roles: actor.roles, org: actor.orgCode, idn: actor.idNumber })
        .setProtectedHeader({ alg: 'HS256' })
        .setSubject(actor.username)
        .setIssuedAt()
        .setIssuer('zj-approvals')
        .setExpirationTime(ttl)
        .sign(key);
    },
    async verify(token) {
      const { payload } = await jwtVerify(token, key, { issuer: 'zj-approvals', algorithms: ['HS256'] });
      const { uid, name, roles, org, idn, sub } = payload as Record<string, unknown>;
      if (typeof uid !== 'number' || typeof sub !== 'string' || !Array.isArray(roles)) throw new Error('bad token');
      return {
        userId: uid,
        username: sub,
        displayName: String(name ?? sub),
        roles: roles.map(String),
        orgCode: typeof org === 'string' ? org : null,
        idNumber: typeof idn === 'string' ? idn : null,
      };
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
