/** The blacklist (弄虚作假): one row per person, kept from the first decision that put them there. */
import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../../db/schema';

export async function addToBlacklist(
  db: Kysely<Database> | Transaction<Database>,
  b: { idNumber: string; reason: string; sourceClaimId: string; decidedBy: string; decidedAt: string },
): Promise<void> {
  await db
    .insertInto('blacklist')
    .values({ id_number: b.idNumber, reason: b.reason, source_claim_id: b.sourceClaimId, decided_by: b.decidedBy, decided_at: b.decidedAt })
    .onConflict((oc) => oc.column('id_number').doNothing())
    .execute();
}
