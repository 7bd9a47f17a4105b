/**
 * A claim's instalments (one row per claim and year): every write of them. The callers (the claim, payout, release
 * and clawback activities) pass their transaction; each update keeps a paid or cancelled instalment as it is where
 * the workflow asks so.
 */
import type { Kysely, Transaction, Updateable } from 'kysely';
import type { Database, InstalmentTable } from '../../db/schema';

type Db = Kysely<Database> | Transaction<Database>;

/** The update of one instalment of a claim (the rows are keyed by claim and year). */
function updateInstalment(db: Db, claimId: string, yearNo: number) {
  return db.updateTable('instalment').where('claim_id', '=', claimId).where('year_no', '=', yearNo);
}

/** The claim's instalment plan as submitted: the first year in review, the later ones pending. */
export async function insertInstalmentPlan(trx: Db, c: { claimId: string; workflowId: string; instalmentsYuan: number[]; submittedAt: string }): Promise<void> {
  await trx
    .insertInto('instalment')
    .values(
      c.instalmentsYuan.map((amount, i) => ({
        claim_id: c.claimId,
        year_no: i + 1,
        amount_yuan: amount,
        status: i === 0 ? ('in_review' as const) : ('pending' as const),
        workflow_id: c.workflowId,
        updated_at: c.submittedAt,
      })),
    )
    .execute();
}

/** The round of this year's instalment is under way (a paid or cancelled instalment stays so). */
export async function setInstalmentRoundStatus(db: Db, input: { claimId: string; yearNo: number; status: 'in_review'; at: string }): Promise<void> {
  await updateInstalment(db, input.claimId, input.yearNo)
    .set({ status: input.status, updated_at: input.at })
    .where('status', 'not in', ['paid', 'cancelled'])
    .execute();
}

/** The claim closed: its instalments not yet paid are cancelled, with the reason. */
export async function cancelUnpaidInstalments(db: Db, input: { claimId: string; reason: string; at: string }): Promise<void> {
  await db
    .updateTable('instalment')
    .set({ status: 'cancelled', cancelled_reason: input.reason, updated_at: input.at })
    .where('claim_id', '=', input.claimId)
    .where('status', 'not in', ['paid', 'cancelled'])
    .execute();
}

/** A clawback: the unpaid instalments of all these claims are cancelled; returns one row per cancelled instalment. */
export async function cancelUnpaidInstalmentsOfClaims(db: Db, input: { claimIds: string[]; reason: string; at: string }) {
  return db
    .updateTable('instalment')
    .set({ status: 'cancelled', cancelled_reason: input.reason, updated_at: input.at })
    .where('claim_id', 'in', input.claimIds)
    .where('status', 'not in', ['paid', 'cancelled'])
    .returning(['claim_id'])
    .execute();
}

/** An instalment of a later year comes due on `dueOn` (only a pending one is scheduled). */
export async function scheduleInstalment(db: Db, input: { claimId: string; yearNo: number; dueOn: string; at: string }): Promise<void> {
  await updateInstalment(db, input.claimId, input.yearNo)
    .set({ status: 'scheduled', due_on: input.dueOn, updated_at: input.at })
    .where('status', '=', 'pending')
    .execute();
}

/** The instalment was paid at `paidAt`. */
export async function markInstalmentPaid(db: Db, input: { claimId: string; yearNo: number; paidAt: Date | string; at: string }): Promise<void> {
  await updateInstalment(db, input.claimId, input.yearNo).set({ status: 'paid', paid_at: input.paidAt, updated_at: input.at }).execute();
}

/** The fund's budget for the year cannot pay the instalment yet. */
export async function markInstalmentAwaitingBudget(db: Db, input: { claimId: string; yearNo: number; at: string }): Promise<void> {
  await updateInstalment(db, input.claimId, input.yearNo).set({ status: 'awaiting_budget', updated_at: input.at }).execute();
}

/**
 * What the yearly release did with these scheduled instalments (released, cancelled because the claim ended, or
 * only marked as attempted by this release); an instalment no longer scheduled is left as it is.
 */
export async function recordReleaseOutcome(
  db: Db,
  input: { instalments: { claim_id: string; year_no: number }[]; set: Updateable<InstalmentTable>; releaseId: string; at: string },
): Promise<void> {
  await db
    .updateTable('instalment')
    .set({ ...input.set, release_id: input.releaseId, updated_at: input.at })
    .where('status', '=', 'scheduled')
    .where((eb) => eb.or(input.instalments.map((g) => eb.and([eb('claim_id', '=', g.claim_id), eb('year_no', '=', g.year_no)]))))
    .execute();
}

/**
 * Year 1 approved: the plan is fixed. The unpaid instalments take the plan's amounts (the claim's edition) and record
 * when and on which edition; a paid or cancelled instalment stays as it is. Idempotent.
 */
export async function fixInstalmentPlan(db: Db, input: { claimId: string; instalmentsYuan: number[]; editionId: string | null; at: string }): Promise<void> {
  for (const [i, amount] of input.instalmentsYuan.entries()) {
    await updateInstalment(db, input.claimId, i + 1)
      .set({ amount_yuan: amount, plan_fixed_at: input.at, plan_edition_id: input.editionId, updated_at: input.at })
      .where('status', 'not in', ['paid', 'cancelled'])
      .where('plan_fixed_at', 'is', null)
      .execute();
  }
}
