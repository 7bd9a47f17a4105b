/**
 * An enterprise's legal person (signed in with 浙里办 法人) designates the enterprise's unit verifiers by their name
 * and ID number; each then signs in with their own 浙里办 person identity (signIn.ts: an account made for an ID number
 * without a password is the person's). Designating a person who already holds an account (the holder of the number)
 * gives that account the role; removing it takes the role away and ends the account's sessions. Audited.
 */
import { randomBytes } from 'node:crypto';
import { Router, type Request } from 'express';
import { sql } from 'kysely';
import { z } from 'zod';
import { recordAudit } from '../../admin/audit';
import type { AppDeps } from '../../http/deps';
import { Problem } from '../../http/problem';
import { defineRoute } from '../../http/route';
import { isValidIdNumber, maskIdNumber, normalizeIdNumber } from '../../identity/idNumber';
import { actorOf } from '../authenticate';
import { findUserByUsername } from '../repository';
import type { SessionStore } from '../sessions';
import type { User } from '../../../db/schema';
import { accountsWithIdNumber, findOrg, hasPassword, insertFederatedUser, lockIdentity, setRolesAndOrg } from './repository';

const Verifier = z.object({ username: z.string(), displayName: z.string(), idNumber: z.string(), active: z.boolean(), signsInWithPassword: z.boolean() });

export function enterpriseVerifierRoutes(deps: AppDeps & { sessions: SessionStore }): Router {
  const router = Router();
  const { db } = deps;
  const clientIp = (req: Request) => req.ip ?? null;
  const enterpriseOf = async (req: Request) => {
    const a = actorOf(req);
    const org = a.orgCode ? await findOrg(db, a.orgCode) : undefined;
    if (org?.type !== 'enterprise' || !org.active) throw new Problem('ENTERPRISE_NOT_REGISTERED', 'your enterprise is not registered here or is deactivated');
    return { actor: a, org };
  };

  defineRoute(router, {
    method: 'get',
    path: '/api/v1/enterprise/verifiers',
    summary: "The enterprise's unit verifiers (its legal person only)",
    tags: ['enterprise'],
    access: { roles: ['legal_person'] },
    responses: { 200: { description: 'verifiers', schema: z.array(Verifier) } },
    handler: async ({ req }) => {
      const { org } = await enterpriseOf(req);
      const rows = await db
        .selectFrom('app_user')
        .select(['username', 'display_name', 'id_number', 'deactivated_at', 'password_hash'])
        .where('org_code', '=', org.code)
        .where(sql<boolean>`'unit_verifier' = any(roles)`)
        .orderBy('id')
        .execute();
      return rows.map((r) => ({
        username: r.username,
        displayName: r.display_name,
        idNumber: r.id_number ? maskIdNumber(r.id_number) : '',
        active: !r.deactivated_at,
        signsInWithPassword: hasPassword(r),
      }));
    },
  });

  defineRoute(router, {
    method: 'post',
    path: '/api/v1/enterprise/verifiers',
    summary: 'Designate a unit verifier by name and ID number; they sign in with their own 浙里办 identity',
    tags: ['enterprise'],
    access: { roles: ['legal_person'] },
    body: z.object({ name: z.string().trim().min(2).max(50), idNumber: z.string().trim().length(18) }).strict(),
    responses: { 201: { description: 'designated', schema: Verifier } },
    problems: ['VALIDATION_FAILED', 'ALREADY_REGISTERED'],
    handler: async ({ req, body }) => {
      const { actor, org } = await enterpriseOf(req);
      const idNumber = normalizeIdNumber(body.idNumber);
      if (!isValidIdNumber(idNumber)) throw new Problem('VALIDATION_FAILED', 'the ID number is not valid', { field: 'idNumber' });
      const user = await db.transaction().execute(async (trx) => {
        await lockIdentity(trx, idNumber);
        const holders = (await accountsWithIdNumber(trx, idNumber)).filter((u) => u.identity_status !== 'provisional');
        const holder = holders[0];
        let u: User;
        if (holder) {
          if (holder.org_code && holder.org_code !== org.code)
            throw new Problem('ALREADY_REGISTERED', 'this person already works for another organisation here; they are designated there', {
              field: 'idNumber',
            });
          if (!holder.roles.includes('unit_verifier')) await setRolesAndOrg(trx, holder.id, [...holder.roles, 'unit_verifier'], org.code);
          else if (!holder.org_code) await setRolesAndOrg(trx, holder.id, holder.roles, org.code);
          u = { ...holder, roles: holder.roles.includes('unit_verifier') ? holder.roles : [...holder.roles, 'unit_verifier'] };
        } else {
          u = await insertFederatedUser(trx, {
            username: `unit.${randomBytes(5).toString('hex')}`,
            name: body.name,
            roles: ['unit_verifier'],
            orgCode: org.code,
            idNumber,
            phone: null,
            identityStatus: null,
            createdBy: actor.username,
          });
        }
        await recordAudit(trx, {
          actor,
          action: 'enterprise.verifier_designated',
          targetType: 'user',
          targetId: u.username,
          clientIp: clientIp(req),
          details: { org: org.code, name: body.name },
        });
        return u;
      });
      deps.sessions.forgetUser(user.id);
      return {
        username: user.username,
        displayName: user.display_name,
        idNumber: maskIdNumber(idNumber),
        active: !user.deactivated_at,
        signsInWithPassword: hasPassword(user),
      };
    },
  });

  defineRoute(router, {
    method: 'delete',
    path: '/api/v1/enterprise/verifiers/:username',
    summary: "Withdraw a unit verifier's designation (the role goes, the account's sessions end)",
    tags: ['enterprise'],
    access: { roles: ['legal_person'] },
    params: z.object({ username: z.string().min(1).max(100) }),
    responses: { 204: { description: 'withdrawn' } },
    problems: ['NOT_FOUND'],
    handler: async ({ req, params }) => {
      const { actor, org } = await enterpriseOf(req);
      const u = await findUserByUsername(db, params.username);
      if (!u || u.org_code !== org.code || !u.roles.includes('unit_verifier'))
        throw new Problem('NOT_FOUND', `${params.username} is not a verifier of your enterprise`);
      const roles = u.roles.filter((r) => r !== 'unit_verifier');
      await db.transaction().execute(async (trx) => {
        await setRolesAndOrg(trx, u.id, roles, roles.length ? u.org_code : null);
        await recordAudit(trx, {
          actor,
          action: 'enterprise.verifier_withdrawn',
          targetType: 'user',
          targetId: u.username,
          clientIp: clientIp(req),
          details: { org: org.code },
        });
      });
      await deps.sessions.revokeUser(u.id, 'verifier designation withdrawn');
      return undefined;
    },
  });

  return router;
}
