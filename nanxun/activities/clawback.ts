/**
 * 弄虚作假: everything paid on any of the person's claims is to be recovered in full, what is pending is
 * cancelled, and the person is blacklisted. Recorded with who decided, when and why.
 */
import { Context } from '@temporalio/activity';
import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema';
import { insertTimeline } from '../../platform/timeline/timeline';
import { clawbackSignal } from '../messages';

export interface ClawbackSummary {
  personClaims: { claimId: string; applicationNo: string; workflowId: string; previousStatus: string }[];
  recoveredYuan: number;
  cancelledInstalments: number;
}

export function createClawbackActivities(db: Kysely<Database>) {
  return {
    async clawbackPerson(input: {
      claimId: string;
      reason: string;
      by: string;
      byName: string;
      byOrg: string | null;
      at: string;
      eventKeyPrefix: string;
    }): Promise<ClawbackSummary> {
      return db.transaction().execute(async (trx) => {
        const source = await trx.selectFrom('claim').select(['applicant_id_number']).where('id', '=', input.claimId).executeTakeFirstOrThrow();
        const person = source.applicant_id_number;
        await trx
          .insertInto('blacklist')
          .values({ id_number: person, reason: input.reason, source_claim_id: input.claimId, decided_by: input.by, decided_at: input.at })
          .onConflict((oc) => oc.column('id_number').doNothing())
          .execute();
        const claims = await trx
          .selectFrom('claim')
          .select(['id', 'application_no', 'workflow_id', 'status'])
          .where('applicant_id_number', '=', person)
          .forUpdate()
          .execute();
        const ids = claims.map((c) => c.id);
        const recovered = await trx
          .updateTable('payout')
          .set({ recovered_at: input.at, recovery_reason: input.reason })
          .where('claim_id', 'in', ids)
          .where('recovered_at', 'is', null)
          .returning(['amount_yuan'])
          .execute();
        const cancelled = await trx
          .updateTable('instalment')
          .set({ status: 'cancelled', cancelled_reason: `追回：${input.reason}`, updated_at: input.at })
          .where('claim_id', 'in', ids)
          .where('status', 'not in', ['paid', 'cancelled'])
          .returning(['claim_id'])
          .execute();
        const affected = claims.filter((c) => c.status !== 'rejected');
        for (const c of affected) {
          await trx
            .updateTable('claim')
            .set({ status: 'clawed_back', closed_at: input.at, close_reason: input.reason, updated_at: input.at })
            .where('id', '=', c.id)
            .execute();
          await insertTimeline(trx, {
            eventKey: `${input.eventKeyPrefix}/${c.id}`,
            subjectType: 'nanxun_claim',
            subjectId: c.id,
            stage: 'clawback',
            orgCode: input.byOrg,
            actor: input.by,
            actorName: input.byName,
            event: 'clawed_back',
            decision: 'clawback',
            comment: input.reason,
            data: { sourceClaimId: input.claimId },
            at: input.at,
          });
        }
        return {
          personClaims: affected.map((c) => ({ claimId: c.id, applicationNo: c.application_no, workflowId: c.workflow_id, previousStatus: c.status })),
          recoveredYuan: recovered.reduce((s, r) => s + r.amount_yuan, 0),
          cancelledInstalments: cancelled.length,
        };
      });
    },

    /** Tells the person's running claim workflows to cancel their open tasks and stop. */
    async signalClawback(input: { workflowIds: string[]; reason: string; by: string }): Promise<number> {
      const client = Context.current().client;
      let signalled = 0;
      for (const id of input.workflowIds) {
        try {
          await client.workflow.getHandle(id).signal(clawbackSignal, { reason: input.reason, by: input.by });
          signalled++;
        } catch {
          // a workflow that has already ended has nothing to cancel
        }
      }
      return signalled;
    },
  };
}

export type ClawbackActivities = ReturnType<typeof createClawbackActivities>;
