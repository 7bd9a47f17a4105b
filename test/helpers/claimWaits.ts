/**
 * Waiting for what claims do in the background (the workflows write through activities): an instalment scheduled
 * for a later year, every claim of a list paid. Shared by the drills and the cluster test.
 */
import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema';
import { eventually } from './temporal';

/** Until the claim's instalment of `year` is scheduled (waiting for the yearly release). */
export async function untilInstalmentScheduled(db: Kysely<Database>, claimId: string, year: number, timeoutMs = 60_000): Promise<void> {
  await eventually(
    () =>
      db
        .selectFrom('instalment')
        .select('status')
        .where('claim_id', '=', claimId)
        .where('year_no', '=', year)
        .where('status', '=', 'scheduled')
        .executeTakeFirst(),
    `year ${year} of ${claimId} scheduled`,
    timeoutMs,
  );
}

/** Until every claim of `ids` is paid; returns their payouts' claim ids, sorted (one per payout). */
export async function untilEveryClaimPaid(db: Kysely<Database>, ids: string[], timeoutMs = 120_000): Promise<string[]> {
  await eventually(
    async () => (await db.selectFrom('claim').select('status').where('id', 'in', ids).execute()).every((r) => r.status === 'paid'),
    'every claim paid',
    timeoutMs,
  );
  const payouts = await db.selectFrom('payout').select('claim_id').where('claim_id', 'in', ids).execute();
  return payouts.map((p) => p.claim_id).sort();
}
