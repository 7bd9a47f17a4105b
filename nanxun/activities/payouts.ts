/**
 * Payouts against the re-reviewing body's fund, exactly once per claim and instalment, never overdrawing
 * the fund's yearly budget, never to a claim that was clawed back.
 */
import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../../db/schema';
import { insertTimeline, SYSTEM_ACTOR } from '../../platform/timeline/timeline';
import { shanghaiDate } from '../../platform/calendar/workdays';
import { notifyPaid } from '../notifications';
import { recomputePaidYuan } from '../repositories/claims';
import { markInstalmentAwaitingBudget, markInstalmentPaid } from '../repositories/instalments';
import { insertPayoutOnce } from '../repositories/payouts';

export interface PayoutInput {
  claimId: string;
  instalmentNo: number;
  amountYuan: number;
  fundOrgCode: string;
  approvedBy: string | null;
  at: string;
  eventKey: string;
}

/** Inserts the payment (or finds the one a previous attempt made) and updates the derived totals. */
export async function insertPayout(trx: Transaction<Database>, input: PayoutInput): Promise<{ payoutId: string; paidAt: string; alreadyPaid: boolean }> {
  if (!Number.isInteger(input.amountYuan) || input.amountYuan <= 0) throw new Error('payout amount must be a positive whole number of yuan');
  const inserted = await insertPayoutOnce(trx, {
    claimId: input.claimId,
    instalmentNo: input.instalmentNo,
    amountYuan: input.amountYuan,
    fundOrgCode: input.fundOrgCode,
    fundYear: Number(shanghaiDate(new Date(input.at)).slice(0, 4)),
    paidAt: input.at,
    approvedBy: input.approvedBy,
  });
  const row =
    inserted ??
    (await trx
      .selectFrom('payout')
      .select(['id', 'paid_at'])
      .where('claim_id', '=', input.claimId)
      .where('instalment_no', '=', input.instalmentNo)
      .executeTakeFirstOrThrow());
  // paid_yuan is derived from the payouts, so recomputing it is idempotent
  await recomputePaidYuan(trx, { claimId: input.claimId, at: input.at });
  await markInstalmentPaid(trx, { claimId: input.claimId, yearNo: input.instalmentNo, paidAt: row.paid_at, at: input.at });
  await insertTimeline(trx, {
    eventKey: input.eventKey,
    subjectType: 'nanxun_claim',
    subjectId: input.claimId,
    stage: 'payout',
    orgCode: input.fundOrgCode,
    ...SYSTEM_ACTOR,
    event: 'paid',
    comment: `发放奖励金 ${input.amountYuan} 元（第 ${input.instalmentNo} 期）`,
    data: { instalmentNo: input.instalmentNo, amountYuan: input.amountYuan, fundOrgCode: input.fundOrgCode, payoutId: row.id },
    at: input.at,
  });
  await notifyPaid(trx, { ...input, at: new Date(row.paid_at).toISOString() });
  return { payoutId: row.id, paidAt: new Date(row.paid_at).toISOString(), alreadyPaid: !inserted };
}

export type PayoutResult =
  | { paid: true; payoutId: string; paidAt: string }
  | { paid: false; reason: 'awaiting_budget'; budgetYuan: number; spentYuan: number }
  | { paid: false; reason: 'clawed_back' };

export function createPayoutActivities(db: Kysely<Database>) {
  return {
    /**
     * Pays if the fund's budget for the year allows it. A body with no budget set for the year is not limited.
     * The budget row is locked, so concurrent payouts from one fund cannot together overdraw it.
     */
    async payWithinBudget(input: PayoutInput & { waitingEventKey: string }): Promise<PayoutResult> {
      return db.transaction().execute(async (trx) => {
        const claim = await trx.selectFrom('claim').select(['status']).where('id', '=', input.claimId).forUpdate().executeTakeFirstOrThrow();
        const existing = await trx
          .selectFrom('payout')
          .select(['id', 'paid_at'])
          .where('claim_id', '=', input.claimId)
          .where('instalment_no', '=', input.instalmentNo)
          .executeTakeFirst();
        if (existing) return { paid: true as const, payoutId: existing.id, paidAt: new Date(existing.paid_at).toISOString() };
        if (claim.status === 'clawed_back') return { paid: false as const, reason: 'clawed_back' as const };
        const year = Number(shanghaiDate(new Date(input.at)).slice(0, 4));
        const budget = await trx
          .selectFrom('fund_budget')
          .select('budget_yuan')
          .where('org_code', '=', input.fundOrgCode)
          .where('year', '=', year)
          .forUpdate()
          .executeTakeFirst();
        if (budget) {
          const spent = await trx
            .selectFrom('payout')
            .select((eb) => eb.fn.coalesce(eb.fn.sum<number>('amount_yuan'), eb.lit(0)).as('s'))
            .where('fund_org_code', '=', input.fundOrgCode)
            .where('fund_year', '=', year)
            .executeTakeFirstOrThrow();
          const spentYuan = Number(spent.s);
          if (spentYuan + input.amountYuan > budget.budget_yuan) {
            await markInstalmentAwaitingBudget(trx, { claimId: input.claimId, yearNo: input.instalmentNo, at: input.at });
            await insertTimeline(trx, {
              eventKey: input.waitingEventKey,
              subjectType: 'nanxun_claim',
              subjectId: input.claimId,
              stage: 'payout',
              orgCode: input.fundOrgCode,
              ...SYSTEM_ACTOR,
              event: 'payout_awaiting_budget',
              comment: `专项经费 ${year} 年预算不足（预算 ${budget.budget_yuan} 元，已发放 ${spentYuan} 元），待追加预算后发放`,
              data: { instalmentNo: input.instalmentNo, amountYuan: input.amountYuan, budgetYuan: budget.budget_yuan, spentYuan },
              at: input.at,
            });
            return { paid: false as const, reason: 'awaiting_budget' as const, budgetYuan: budget.budget_yuan, spentYuan };
          }
        }
        const r = await insertPayout(trx, input);
        return { paid: true as const, payoutId: r.payoutId, paidAt: r.paidAt };
      });
    },
  };
}

export type PayoutActivities = ReturnType<typeof createPayoutActivities>;
