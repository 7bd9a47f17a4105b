/**
 * Payouts (one row per claim and instalment, unique `payout_once_per_instalment`) and their recovery: every write of
 * the payout table. The payout activities (nanxun/activities/payouts.ts) hold the transaction and the budget check.
 */
import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../../db/schema';

type Db = Kysely<Database> | Transaction<Database>;

/** Inserts the payment once; undefined when a previous attempt already made it (the caller then reads that one). */
export async function insertPayoutOnce(
  db: Db,
  p: { claimId: string; instalmentNo: number; amountYuan: number; fundOrgCode: string; fundYear: number; paidAt: string; approvedBy: string | null },
) {
  return db
    .insertInto('payout')
    .values({
      claim_id: p.claimId,
      instalment_no: p.instalmentNo,
      amount_yuan: p.amountYuan,
      fund_org_code: p.fundOrgCode,
      fund_year: p.fundYear,
      paid_at: p.paidAt,
      approved_by: p.approvedBy,
    })
    .onConflict((oc) => oc.constraint('payout_once_per_instalment').doNothing())
    .returning(['id', 'paid_at'])
    .executeTakeFirst();
}

/** A clawback: every payout of these claims not yet recovered is to be recovered; returns their amounts. */
export async function recoverPayouts(db: Db, input: { claimIds: string[]; reason: string; at: string }) {
  return db
    .updateTable('payout')
    .set({ recovered_at: input.at, recovery_reason: input.reason })
    .where('claim_id', 'in', input.claimIds)
    .where('recovered_at', 'is', null)
    .returning(['amount_yuan'])
    .execute();
}
