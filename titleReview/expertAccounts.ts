/**
 * The committee office gives an expert of the pool a login of their own (role expert, linked to the expert's
 * zj_expert row, which is how ballots find the voter), with a one-time password sent to the expert's mobile (never
 * shown to the office), to change at first login.
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
import { uniqueViolation, type AdminContext } from '../platform/admin/useCases';
import { type Delivery, deliverOneTimePassword, oneTimePassword } from '../platform/admin/oneTimePasswords';
import type { User } from '../db/schema';
import { findExpert, linkExpertToUser } from './repositories/experts';
import { adminUserView } from '../platform/admin/routes';
import { UserWithPassword } from '../platform/admin/views';
import { Phone } from '../platform/http/schemas';

export function expertAccountRoutes(deps: AppDeps & { sessions: SessionStore }): Router {
  const router = Router();
  defineRoute(router, {
    method: 'post',
    path: '/api/v1/zhejiang/experts/:id/account',
    summary: 'Give an expert of the pool their own login (role expert); the one-time password goes to the expert by SMS; the expert then votes with it',
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
        phone: Phone.openapi({ description: "the expert's mobile number: the one-time password is sent there, never to the office" }),
      })
      .strict()
      .openapi({ description: 'username defaults to expert.<expert id>' }),
    responses: { 201: { description: 'the account and its one-time password', schema: UserWithPassword } },
    problems: ['NOT_FOUND', 'EXPERT_HAS_ACCOUNT', 'USERNAME_TAKEN'],
    handler: async ({ req, params, body }) => {
      const { user, delivery } = await createExpertAccount(
        { db: deps.db, sessions: deps.sessions },
        actorOf(req),
        params.id,
        body.username,
        body.phone,
        (req as Request).ip ?? null,
      );
      return { user: adminUserView(user), oneTimePasswordSent: delivery };
    },
  });
  return router;
}

/** The committee office gives an expert of the pool their own login (role expert), to vote with. */
export async function createExpertAccount(
  ctx: AdminContext,
  by: Actor,
  expertId: string,
  username: string | undefined,
  phone: string,
  clientIp: string | null,
): Promise<{ user: User; delivery: Delivery }> {
  const expert = await findExpert(ctx.db, expertId);
  if (!expert) throw new Problem('NOT_FOUND', `no expert ${expertId}`);
  if (expert.user_id != null) throw new Problem('EXPERT_HAS_ACCOUNT', 'this expert already has an account; reset its password instead');
  const name = username ?? `expert.${expertId.toLowerCase()}`;
  const otp = oneTimePassword();
  const passwordHash = await hashPassword(otp);
  try {
    return await ctx.db.transaction().execute(async (trx) => {
      const u = await insertStaffUser(trx, {
        username: name,
        displayName: `评审专家·${expert.name}`,
        orgCode: null,
        roles: ['expert'],
        phone,
        passwordHash,
        createdBy: by.username,
      });
      if (!(await linkExpertToUser(trx, expertId, u.id)))
        throw new Problem('EXPERT_HAS_ACCOUNT', 'this expert already has an account; reset its password instead');
      // the password goes to the expert's mobile, never back to the office (三员分立, issue 19)
      const delivery = await deliverOneTimePassword(trx, u, otp, 'expert_login');
      await recordAudit(trx, {
        actor: by,
        action: 'expert.account_created',
        targetType: 'user',
        targetId: u.username,
        clientIp,
        details: { expertId, oneTimePasswordSentTo: delivery.to },
      });
      return { user: u, delivery };
    });
  } catch (err) {
    if (uniqueViolation(err)) throw new Problem('USERNAME_TAKEN', 'this username is taken (usernames are compared regardless of case)', { field: 'username' });
    throw err;
  }
}
