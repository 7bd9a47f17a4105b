/**
 * The committee office gives an expert of the pool a login of their own (role expert, linked to the expert's
 * zj_expert row, which is how ballots find the voter), with a one-time password to change at first login.
 */
import { Router, type Request } from 'express';
import { z } from 'zod';
import { defineRoute } from '../platform/http/route';
import { actorOf } from '../platform/auth/authenticate';
import type { AppDeps } from '../platform/http/deps';
import type { SessionStore } from '../platform/auth/sessions';
import type { Actor } from '../platform/tasks/messages';
import { Problem } from '../platform/http/problem';
import { hashPassword } from '../platform/auth/passwords';
import { recordAudit } from '../platform/admin/audit';
import { insertStaffUser } from '../platform/admin/repository';
import { oneTimePassword, uniqueViolation, type AdminContext } from '../platform/admin/useCases';
import { findExpert, linkExpertToUser } from './repositories/experts';
import { adminUserView } from '../platform/admin/routes';
import { UserWithPassword } from '../platform/admin/views';

export function expertAccountRoutes(deps: AppDeps & { sessions: SessionStore }): Router {
  const router = Router();
  defineRoute(router, {
    method: 'post',
    path: '/api/v1/zhejiang/experts/:id/account',
    summary: 'Give an expert of the pool their own login (role expert) with a one-time password; the expert then votes with it',
    tags: ['zhejiang'],
    access: { roles: ['committee_office'] },
    params: z.object({ id: z.string().min(1).max(50) }),
    body: z
      .object({
        username: z
          .string()
          .trim()
          .min(3)
          .max(50)
          .regex(/^[A-Za-z0-9_.-]+$/, 'letters, digits, _ . -')
          .optional(),
      })
      .strict()
      .openapi({ description: 'username defaults to expert.<expert id>' }),
    responses: { 201: { description: 'the account and its one-time password', schema: UserWithPassword } },
    problems: ['NOT_FOUND', 'EXPERT_HAS_ACCOUNT', 'USERNAME_TAKEN'],
    handler: async ({ req, params, body }) => {
      const { user, oneTimePassword } = await createExpertAccount(
        { db: deps.db, sessions: deps.sessions },
        actorOf(req),
        params.id,
        body.username,
        (req as Request).ip ?? null,
      );
      return { user: adminUserView(user), oneTimePassword };
    },
  });
  return router;
}

/** The committee office gives an expert of the pool their own login (role expert), to vote with. */
export async function createExpertAccount(ctx: AdminContext, by: Actor, expertId: string, username: string | undefined, clientIp: string | null) {
  const expert = await findExpert(ctx.db, expertId);
  if (!expert) throw new Problem('NOT_FOUND', `no expert ${expertId}`);
  if (expert.user_id != null) throw new Problem('EXPERT_HAS_ACCOUNT', 'this expert already has an account; reset its password instead');
  const name = username ?? `expert.${expertId.toLowerCase()}`;
  const otp = oneTimePassword();
  const passwordHash = await hashPassword(otp);
  try {
    const user = await ctx.db.transaction().execute(async (trx) => {
      const u = await insertStaffUser(trx, {
        username: name,
        displayName: `评审专家·${expert.name}`,
        orgCode: null,
        roles: ['expert'],
        passwordHash,
        createdBy: by.username,
      });
      if (!(await linkExpertToUser(trx, expertId, u.id)))
        throw new Problem('EXPERT_HAS_ACCOUNT', 'this expert already has an account; reset its password instead');
      await recordAudit(trx, { actor: by, action: 'expert.account_created', targetType: 'user', targetId: u.username, clientIp, details: { expertId } });
      return u;
    });
    return { user, oneTimePassword: otp };
  } catch (err) {
    if (uniqueViolation(err)) throw new Problem('USERNAME_TAKEN', 'this username is taken (usernames are compared regardless of case)', { field: 'username' });
    throw err;
  }
}
