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
import { createExpertAccount } from '../platform/admin/useCases';
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
