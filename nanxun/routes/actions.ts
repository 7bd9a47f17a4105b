/**
 * Bureau and admin actions on Nanxun claims: clawback of a fraudulent claim, and the instalment release that the
 * yearly Schedule also runs.
 */
import { Router } from 'express';
import { z } from 'zod';
import { WorkflowExecutionAlreadyStartedError, WorkflowIdReusePolicy } from '@temporalio/client';
import { randomUUID } from 'node:crypto';
import { defineRoute } from '../../platform/http/route';
import { Problem } from '../../platform/http/problem';
import { actorOf } from '../../platform/auth/authenticate';
import { withTemporal } from '../../platform/http/temporalErrors';
import { DateString } from '../../platform/http/schemas';
import { iso } from '../../platform/http/views';
import type { AppDeps } from '../../platform/http/deps';
import { shanghaiDate } from '../../platform/calendar/workdays';

export function nanxunActionRoutes(deps: AppDeps): Router {
  const router = Router();
  const { db, temporal, config } = deps;

  defineRoute(router, {
    method: 'post',
    path: '/api/v1/nanxun/claims/:id/clawback',
    summary: "弄虚作假: recover everything paid on the person's claims, cancel what is pending, blacklist the person",
    tags: ['nanxun'],
    access: { roles: ['bureau_reviewer'] },
    params: z.object({ id: z.string().max(64) }),
    body: z.object({ reason: z.string().trim().min(2).max(2000) }).strict(),
    responses: {
      200: {
        description: 'what was recovered and cancelled',
        schema: z.object({
          claimId: z.string(),
          status: z.literal('clawed_back'),
          recoveredYuan: z.number().int(),
          cancelledInstalments: z.number().int(),
          blacklisted: z.literal(true),
          affectedClaims: z.array(z.object({ applicationNo: z.string(), previousStatus: z.string() })),
          decidedBy: z.string(),
          at: z.string(),
        }),
      },
    },
    problems: ['NOT_FOUND', 'ALREADY_CLAWED_BACK', 'TEMPORAL_UNAVAILABLE'],
    handler: async ({ req, params, body }) => {
      const actor = actorOf(req);
      const claim = await db
        .selectFrom('claim')
        .select(['id', 'status'])
        .where((eb) => eb.or([eb('id', '=', params.id), eb('application_no', '=', params.id)]))
        .executeTakeFirst();
      if (!claim) throw new Problem('NOT_FOUND', 'no such claim');
      if (claim.status === 'clawed_back') throw new Problem('ALREADY_CLAWED_BACK');
      const result = await withTemporal(async () => {
        try {
          return await temporal.workflow.execute('clawbackWorkflow', {
            taskQueue: config.taskQueue,
            workflowId: `nanxun-clawback-${claim.id}`,
            workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
            args: [{ claimId: claim.id, reason: body.reason, by: actor.username, byName: actor.displayName, byOrg: actor.orgCode }],
          });
        } catch (err) {
          if (err instanceof WorkflowExecutionAlreadyStartedError) throw new Problem('ALREADY_CLAWED_BACK');
          throw err;
        }
      });
      const r = result as {
        recoveredYuan: number;
        cancelledInstalments: number;
        personClaims: { applicationNo: string; previousStatus: string }[];
        at: string;
      };
      return {
        claimId: claim.id,
        status: 'clawed_back' as const,
        recoveredYuan: r.recoveredYuan,
        cancelledInstalments: r.cancelledInstalments,
        blacklisted: true as const,
        affectedClaims: r.personClaims.map((c) => ({ applicationNo: c.applicationNo, previousStatus: c.previousStatus })),
        decidedBy: actor.username,
        at: iso(r.at)!,
      };
    },
  });

  defineRoute(router, {
    method: 'post',
    path: '/api/v1/nanxun/instalments/release',
    summary: 'Open every shortage-talent instalment that has come due (the same release the yearly Schedule runs)',
    tags: ['nanxun'],
    access: { roles: ['admin'] },
    body: z
      .object({
        onDate: DateString.optional().openapi({
          description: "the release of this date (default: today, Asia/Shanghai): it opens every instalment falling due in that date's year",
        }),
      })
      .strict(),
    responses: {
      200: {
        description: 'how many instalments it opened',
        schema: z.object({ onDate: z.string(), opened: z.number().int(), ended: z.number().int(), failed: z.number().int(), releaseId: z.string() }),
      },
    },
    problems: ['VALIDATION_FAILED', 'TEMPORAL_UNAVAILABLE'],
    handler: async ({ body }) => {
      const today = shanghaiDate(new Date());
      if (body.onDate && body.onDate > today)
        throw new Problem('VALIDATION_FAILED', 'an instalment cannot be released before its date: onDate is in the future');
      const releaseId = `nanxun-instalment-release-manual-${body.onDate ?? today}-${randomUUID().slice(0, 8)}`;
      const r = await withTemporal(() =>
        temporal.workflow.execute('instalmentReleaseWorkflow', {
          taskQueue: config.taskQueue,
          workflowId: releaseId,
          args: [{ onDate: body.onDate ?? today }],
        }),
      );
      return { ...(r as { onDate: string; opened: number; ended: number; failed: number }), releaseId };
    },
  });

  return router;
}
