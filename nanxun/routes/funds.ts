/**
 * Fund budgets of the re-reviewing bodies (专项经费), and the report of budget, paid, pending and recovered
 * amounts per body and year.
 */
import { setFundBudget } from '../repositories/funds';
import { Router } from 'express';
import { z } from 'zod';
import { sql } from 'kysely';
import { defineRoute } from '../../platform/http/route';
import { Problem } from '../../platform/http/problem';
import { actorOf, hasRole } from '../../platform/auth/authenticate';
import type { AppDeps } from '../../platform/http/deps';
import { budgetChangedSignal } from '../messages';
import { shanghaiDate } from '../../platform/calendar/workdays';

export function fundRoutes(deps: AppDeps): Router {
  const router = Router();
  const { db, temporal, log } = deps;
  const Year = z.coerce.number().int().min(2019).max(2100);

  defineRoute(router, {
    method: 'put',
    path: '/api/v1/nanxun/funds/:orgCode/budgets/:year',
    summary: "Set a re-reviewing body's budget for a year; payouts waiting for budget try again",
    tags: ['nanxun'],
    access: { roles: ['admin'] },
    params: z.object({ orgCode: z.string().max(64), year: Year }),
    body: z.object({ budgetYuan: z.number().int().min(0).max(1_000_000_000) }).strict(),
    responses: {
      200: {
        description: 'the budget',
        schema: z.object({ orgCode: z.string(), year: z.number().int(), budgetYuan: z.number().int(), waitingPayoutsSignalled: z.number().int() }),
      },
    },
    problems: ['NOT_FOUND', 'VALIDATION_FAILED'],
    handler: async ({ req, params, body }) => {
      const actor = actorOf(req);
      const org = await db.selectFrom('org').select(['code', 'type']).where('code', '=', params.orgCode).executeTakeFirst();
      if (!org || !['town', 'regulator'].includes(org.type))
        throw new Problem('NOT_FOUND', 'no re-reviewing body (town, zone or industry regulator) with that code');
      const now = new Date();
      await setFundBudget(db, { orgCode: org.code, year: params.year, budgetYuan: body.budgetYuan, setBy: actor.username, at: now });
      const waiting = await db
        .selectFrom('instalment')
        .innerJoin('claim', 'claim.id', 'instalment.claim_id')
        .select('instalment.workflow_id')
        .where('instalment.status', '=', 'awaiting_budget')
        .where('claim.rereview_org_code', '=', org.code)
        .execute();
      let signalled = 0;
      for (const w of waiting) {
        try {
          await temporal.workflow.getHandle(w.workflow_id).signal(budgetChangedSignal);
          signalled++;
        } catch (err) {
          // the payout also retries daily by itself
          log.warn({ workflowId: w.workflow_id, err: String(err) }, 'budget signal failed');
        }
      }
      return { orgCode: org.code, year: params.year, budgetYuan: body.budgetYuan, waitingPayoutsSignalled: signalled };
    },
  });

  defineRoute(router, {
    method: 'get',
    path: '/api/v1/nanxun/funds/report',
    summary: 'Per re-reviewing body and year: budget, paid, pending, awaiting budget and recovered amounts (yuan)',
    tags: ['nanxun', 'reports'],
    access: { roles: ['admin', 'auditor', 'bureau_reviewer', 'rereviewer'] },
    query: z.object({ year: Year.optional() }),
    responses: {
      200: {
        description: 'one row per body (a re-reviewer sees their own body only)',
        schema: z.array(
          z.object({
            orgCode: z.string(),
            orgName: z.string(),
            year: z.number().int(),
            budgetYuan: z.number().int().nullable(),
            paidYuan: z.number().int(),
            pendingYuan: z.number().int(),
            awaitingBudgetYuan: z.number().int(),
            recoveredYuan: z.number().int(),
            remainingYuan: z.number().int().nullable(),
          }),
        ),
      },
    },
    handler: async ({ req, query }) => {
      const actor = actorOf(req);
      const year = query.year ?? Number(shanghaiDate(new Date()).slice(0, 4));
      const ownOnly = !hasRole(actor, 'admin', 'auditor', 'bureau_reviewer');
      let orgs = db.selectFrom('org').select(['code', 'name']).where('type', 'in', ['town', 'regulator']);
      if (ownOnly) orgs = orgs.where('code', '=', actor.orgCode ?? '-');
      const [bodies, budgets, paid, pending] = await Promise.all([
        orgs.orderBy('code').execute(),
        db.selectFrom('fund_budget').select(['org_code', 'budget_yuan']).where('year', '=', year).execute(),
        db
          .selectFrom('payout')
          .select([
            'fund_org_code',
            sql<number>`sum(amount_yuan)::int`.as('paid'),
            sql<number>`coalesce(sum(amount_yuan) filter (where recovered_at is not null), 0)::int`.as('recovered'),
          ])
          .where('fund_year', '=', year)
          .groupBy('fund_org_code')
          .execute(),
        // what is under way this year: in review or waiting for budget now (this year), or scheduled for this year
        db
          .selectFrom('instalment')
          .innerJoin('claim', 'claim.id', 'instalment.claim_id')
          .select([
            'claim.rereview_org_code as org',
            sql<number>`coalesce(sum(instalment.amount_yuan), 0)::int`.as('pending'),
            sql<number>`coalesce(sum(instalment.amount_yuan) filter (where instalment.status = 'awaiting_budget'), 0)::int`.as('awaiting'),
          ])
          .where((eb) =>
            eb.or([
              eb.and([eb('instalment.status', 'in', ['scheduled', 'released']), eb('instalment.due_on', 'like', `${year}-%`)]),
              eb.and([eb('instalment.status', 'in', ['in_review', 'awaiting_budget']), eb.lit(year === Number(shanghaiDate(new Date()).slice(0, 4)))]),
            ]),
          )
          .groupBy('claim.rereview_org_code')
          .execute(),
      ]);
      return bodies.map((b) => {
        const budget = budgets.find((x) => x.org_code === b.code)?.budget_yuan ?? null;
        const p = paid.find((x) => x.fund_org_code === b.code);
        const q = pending.find((x) => x.org === b.code);
        const paidYuan = p?.paid ?? 0;
        return {
          orgCode: b.code,
          orgName: b.name,
          year,
          budgetYuan: budget,
          paidYuan,
          pendingYuan: q?.pending ?? 0,
          awaitingBudgetYuan: q?.awaiting ?? 0,
          recoveredYuan: p?.recovered ?? 0,
          remainingYuan: budget == null ? null : budget - paidYuan,
        };
      });
    },
  });
  return router;
}
