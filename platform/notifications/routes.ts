/** The message centre (消息): the caller's own notifications; marking one read. */
import { Router } from 'express';
import { z } from 'zod';
import { defineRoute } from '../http/route';
import { Problem } from '../http/problem';
import { actorOf } from '../auth/authenticate';
import type { AppDeps } from '../http/deps';
import { listNotifications, markRead, smsFor, unreadCount } from './repository';

const NotificationSchema = z.object({
  id: z.string(),
  kind: z.string().openapi({
    description:
      'task_arrived, deadline_warning, task_decided, supplement_requested, paid, publicity_started, objection_answered, one_time_password, verification_code',
  }),
  title: z.string(),
  body: z.string(),
  subject: z.object({ type: z.string(), id: z.string(), ref: z.string().nullable() }).nullable(),
  createdAt: z.string(),
  readAt: z.string().nullable(),
});

export function notificationRoutes(deps: AppDeps): Router {
  const router = Router();
  const { db } = deps;

  defineRoute(router, {
    method: 'get',
    path: '/api/v1/notifications',
    summary: "The caller's messages, newest first (unread=true: only those not read yet)",
    tags: ['notifications'],
    access: { roles: 'any' },
    query: z.object({
      unread: z.enum(['true', 'false']).optional(),
      limit: z.coerce.number().int().min(1).max(200).optional(),
    }),
    responses: { 200: { description: 'the messages', schema: z.array(NotificationSchema) } },
    problems: ['VALIDATION_FAILED'],
    handler: async ({ req, res, query }) => {
      const me = actorOf(req);
      res.setHeader('X-Unread-Count', String(await unreadCount(db, me.userId)));
      return listNotifications(db, me.userId, { unread: query.unread === 'true', limit: query.limit ?? 50 });
    },
  });

  defineRoute(router, {
    method: 'get',
    path: '/api/v1/notifications/unread-count',
    summary: "How many of the caller's messages are unread (the console's badge)",
    tags: ['notifications'],
    access: { roles: 'any' },
    responses: { 200: { description: 'the count', schema: z.object({ unread: z.number().int() }) } },
    handler: async ({ req }) => ({ unread: await unreadCount(db, actorOf(req).userId) }),
  });

  defineRoute(router, {
    method: 'post',
    path: '/api/v1/notifications/:id/read',
    summary: "Mark one of the caller's messages read (again: no change); someone else's is not found",
    tags: ['notifications'],
    access: { roles: 'any' },
    params: z.object({ id: z.string().max(100) }),
    responses: { 204: { description: 'read' } },
    problems: ['NOT_FOUND'],
    handler: async ({ req, params }) => {
      if (!(await markRead(db, actorOf(req).userId, params.id, new Date()))) throw new Problem('NOT_FOUND', 'no such message');
      return undefined;
    },
  });
  defineRoute(router, {
    method: 'get',
    path: '/api/v1/dev/sms',
    summary: "The SMS stand-in's phone: the text messages handed to the SMS gateway for a person, newest first (development mode only)",
    tags: ['dev'],
    access: { public: true },
    query: z.object({ username: z.string().min(1).max(100) }),
    responses: {
      200: {
        description: 'the messages (pending: not yet handed over by the dispatcher)',
        schema: z.array(
          z.object({
            id: z.string(),
            to: z.string().nullable(),
            text: z.string(),
            state: z.enum(['pending', 'sent']),
            createdAt: z.string(),
            sentAt: z.string().nullable(),
          }),
        ),
      },
    },
    problems: ['NOT_FOUND', 'VALIDATION_FAILED'],
    handler: async ({ query }) => {
      if (!deps.config.devMode) throw new Problem('NOT_FOUND');
      return smsFor(db, query.username);
    },
  });
  return router;
}
