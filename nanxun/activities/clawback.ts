/**
 * 弄虚作假: everything paid on any of the person's claims is to be recovered in full, what is pending is
 * cancelled, and the person is blacklisted. Recorded with who decided, when and why.
 */
import { Context } from '@temporalio/activity';
import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema';
import { insertTimeline } from '../../platform/timeline/timeline';
import { clawbackSignal } from '../messages';
import { addToBlacklist } from '../repositories/blacklist';
import { markClaimClawedBack } from '../repositories/claims';
import { cancelUnpaidInstalmentsOfClaims } from '../repositories/instalments';
import { recoverPayouts } from '../repositories/payouts';

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
        await addToBlacklist(trx, { idNumber: person, reason: input.reason, sourceClaimId: input.claimId, decidedBy: input.by, decidedAt: input.at });
        const claims = await trx
          .selectFrom('claim')
          .select(['id', 'application_no', 'workflow_id', 'status'])
          .where('applicant_id_number', '=', person)
          .forUpdate()
          .execute();
        const ids = claims.map((c) => c.id);
        const recovered = await recoverPayouts(trx, { claimIds: ids, reason: input.reason, at: input.at });
        const cancelled = await cancelUnpaidInstalmentsOfClaims(trx, { claimIds: ids, reason: `追回：${input.reason}`, at: input.at });
        const affected = claims.filter((c) => c.status !== 'rejected');
        for (const c of affected) {
          await markClaimClawedBack(trx, { claimId: c.id, reason: input.reason, at: input.at });
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
