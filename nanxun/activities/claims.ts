/**
 * Activities of the Nanxun claim workflows: status projection and payouts, each idempotent.
 */
import type { Kysely, Transaction } from 'kysely';
import type { Deadline } from '../../platform/calendar/activities';
import { insertOpenedTask, openTaskDeadline, writeCarriedDecisions, type OpenTaskInput } from '../../platform/tasks/activities';
import type { Database } from '../../db/schema';
import { insertTimeline, SYSTEM_ACTOR } from '../../platform/timeline/timeline';
import { insertPayout, type PayoutInput } from './payouts';
import { DuplicateClaimError, recordSubmittedClaim, setClaimStatus, type SubmittedClaim } from '../repositories/claims';
import { cancelUnpaidInstalments, scheduleInstalment, setInstalmentRoundStatus } from '../repositories/instalments';
import { unsealFromWorkflow } from '../../platform/identity/personRef';
import type { StageTerms } from '../../platform/tasks/stageSpec';
import { bureauReviewTerms, type StageTermsInput } from './policy';

export interface ClaimStatusInput {
  claimId: string;
  status: string;
  stage: string;
  at: string;
  closeReason?: string | null;
  closed?: boolean;
  eventKey?: string;
  event?: string;
  /** the instalment whose round this status belongs to */
  instalment?: { yearNo: number; status: 'in_review' };
}

/** Projects a claim workflow's status to the claim row (and its instalment), inside the caller's transaction. */
async function applyClaimStatus(trx: Transaction<Database>, input: ClaimStatusInput): Promise<void> {
  if (input.instalment) {
    await setInstalmentRoundStatus(trx, { claimId: input.claimId, yearNo: input.instalment.yearNo, status: input.instalment.status, at: input.at });
  }
  if (input.closed) {
    await cancelUnpaidInstalments(trx, { claimId: input.claimId, reason: input.closeReason ?? input.status, at: input.at });
  }
  await setClaimStatus(trx, input);
  if (input.eventKey && input.event) {
    await insertTimeline(trx, {
      eventKey: input.eventKey,
      subjectType: 'nanxun_claim',
      subjectId: input.claimId,
      stage: input.stage,
      orgCode: null,
      ...SYSTEM_ACTOR,
      event: input.event,
      comment: input.closeReason ?? null,
      data: { status: input.status },
      at: input.at,
    });
  }
}

export function createClaimActivities(db: Kysely<Database>) {
  async function openStage(input: { status: ClaimStatusInput; open: OpenTaskInput }): Promise<{ deadline: Deadline | null }> {
    // the deadline's calendar is read in the same transaction (one connection, one snapshot; its days are kept in
    // the worker while the table's versions are unchanged: platform/calendar/calendarTable.ts deadlineCalendar)
    const deadline = await db.transaction().execute(async (trx) => {
      const d = await openTaskDeadline(trx, input.open);
      await writeCarriedDecisions(trx, input.open);
      await applyClaimStatus(trx, input.status);
      await insertOpenedTask(trx, input.open, d);
      return d;
    });
    return { deadline };
  }

  /**
   * openStage for the bureau review since the decision-path-terms-in-open patch: the period's terms come from the
   * edition in force at the opening instant (程序从新), read in the same local activity that writes the task, instead
   * of a local activity of their own before it.
   */
  async function openStageWithTerms(input: {
    status: ClaimStatusInput;
    open: OpenTaskInput;
    terms: StageTermsInput;
  }): Promise<{ deadline: Deadline | null; terms: StageTerms }> {
    const t = await bureauReviewTerms(db, input.terms);
    const terms: StageTerms = { slaWorkingDays: t.workingDays, warnWorkingDaysLeft: t.warnWorkingDaysLeft, policy: t.policy };
    const { deadline } = await openStage({ status: input.status, open: { ...input.open, ...terms } });
    return { deadline, terms };
  }

  return {
    openStageWithTerms,

    /**
     * The claim workflow's first step: the claim as submitted becomes its row (idempotent). A duplicate that the
     * database finds (a race the API's check could not see) is answered, not retried.
     */
    async recordSubmittedClaim(claim: SubmittedClaim): Promise<{ recorded: true } | { duplicate: string }> {
      try {
        await recordSubmittedClaim(db, {
          ...claim,
          applicantIdNumber: unsealFromWorkflow(claim.applicantIdNumber),
          applicantPhone: unsealFromWorkflow(claim.applicantPhone),
        });
        return { recorded: true };
      } catch (err) {
        if (err instanceof DuplicateClaimError) return { duplicate: err.message };
        throw err;
      }
    },

    /** Projects the workflow's status to the claim row; a closing status records when and why. */
    async setClaimStatus(input: ClaimStatusInput): Promise<void> {
      await db.transaction().execute((trx) => applyClaimStatus(trx, input));
    },

    /**
     * A review stage begins: the decision that ended the previous stage (since the decision-path-one-write patch),
     * the claim's new status and the stage's task, in one transaction — the one local activity between a clerk's
     * decision and its answer.
     */
    openStage,

    /**
     * A later year's round begins: the claim's status and instalment say so and the year's first task opens, in one
     * transaction (one local activity in the workflow task that the yearly release started). The same write as
     * openStage (no decision comes before it), under the name recorded histories call.
     */
    openReleasedRound: openStage,

    /** The original payout activity (histories recorded before fund budgets replay against it). */
    async recordPayout(input: PayoutInput): Promise<{ payoutId: string; paidAt: string; alreadyPaid: boolean }> {
      return db.transaction().execute((trx) => insertPayout(trx, input));
    },

    /** An instalment of a later year comes due on `dueOn`: the yearly release will open it. */
    async scheduleInstalment(input: { claimId: string; yearNo: number; dueOn: string; at: string }): Promise<void> {
      await scheduleInstalment(db, input);
    },
  };
}

export type ClaimActivities = ReturnType<typeof createClaimActivities>;
