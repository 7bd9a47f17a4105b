/**
 * Activities of the Nanxun claim workflows: status projection and payouts, each idempotent.
 */
import { sql, type Kysely } from 'kysely';
import type { Database } from '../db/schema';
import { insertTimeline } from './timeline';
import { shanghaiDate } from '../domain/workdays';

export function createClaimActivities(db: Kysely<Database>) {
  return {
    /** Projects the workflow's status to the claim row; a closing status records when and why. */
    async setClaimStatus(input: {
      claimId: string;
      status: string;
      stage: string;
      at: string;
      closeReason?: string | null;
      closed?: boolean;
      eventKey?: string;
      event?: string;
    }): Promise<void> {
      await db.transaction().execute(async (trx) => {
        await trx
          .updateTable('claim')
          .set({
            status: input.status,
            stage: input.stage,
            updated_at: input.at,
            ...(input.closed ? { closed_at: input.at, close_reason: input.closeReason ?? null } : {}),
          })
          .where('id', '=', input.claimId)
          .execute();
        if (input.eventKey && input.event) {
          await insertTimeline(trx, {
            eventKey: input.eventKey,
            subjectType: 'nanxun_claim',
            subjectId: input.claimId,
            stage: input.stage,
            orgCode: null,
            actor: 'system',
            actorName: '系统',
            event: input.event,
            comment: input.closeReason ?? null,
            data: { status: input.status },
            at: input.at,
          });
        }
      });
    },

    /**
     * Pays one instalment of a claim from the re-reviewing body's fund, exactly once: the unique
     * (claim_id, instalment_no) key makes a retried activity find the payment it already made.
     */
    async recordPayout(input: {
      claimId: string;
      instalmentNo: number;
      amountYuan: number;
      fundOrgCode: string;
      approvedBy: string | null;
      at: string;
      eventKey: string;
    }): Promise<{ payoutId: string; paidAt: string; alreadyPaid: boolean }> {
      if (!Number.isInteger(input.amountYuan) || input.amountYuan <= 0) throw new Error('payout amount must be a positive whole number of yuan');
      return db.transaction().execute(async (trx) => {
        const inserted = await trx
          .insertInto('payout')
          .values({
            claim_id: input.claimId,
            instalment_no: input.instalmentNo,
            amount_yuan: input.amountYuan,
            fund_org_code: input.fundOrgCode,
            fund_year: Number(shanghaiDate(new Date(input.at)).slice(0, 4)),
            paid_at: input.at,
            approved_by: input.approvedBy,
          })
          .onConflict((oc) => oc.constraint('payout_once_per_instalment').doNothing())
          .returning(['id', 'paid_at'])
          .executeTakeFirst();
        const row =
          inserted ??
          (await trx
            .selectFrom('payout')
            .select(['id', 'paid_at'])
            .where('claim_id', '=', input.claimId)
            .where('instalment_no', '=', input.instalmentNo)
            .executeTakeFirstOrThrow());
        // paid_yuan is derived from the payouts, so recomputing it is idempotent
        await trx
          .updateTable('claim')
          .set({
            paid_yuan: sql<number>`(select coalesce(sum(amount_yuan), 0)::int from payout where claim_id = ${input.claimId})`,
            updated_at: input.at,
          })
          .where('id', '=', input.claimId)
          .execute();
        await insertTimeline(trx, {
          eventKey: input.eventKey,
          subjectType: 'nanxun_claim',
          subjectId: input.claimId,
          stage: 'payout',
          orgCode: input.fundOrgCode,
          actor: 'system',
          actorName: '系统',
          event: 'paid',
          comment: `发放奖励金 ${input.amountYuan} 元（第 ${input.instalmentNo} 期）`,
          data: { instalmentNo: input.instalmentNo, amountYuan: input.amountYuan, fundOrgCode: input.fundOrgCode, payoutId: row.id },
          at: input.at,
        });
        return { payoutId: row.id, paidAt: new Date(row.paid_at).toISOString(), alreadyPaid: !inserted };
      });
    },
  };
}

export type ClaimActivities = ReturnType<typeof createClaimActivities>;
