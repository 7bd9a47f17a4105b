/**
 * The yearly release of shortage-talent instalments: every instalment that has come due is signalled to its
 * claim's workflow, which opens that year's unit verification. Batched and resumable; a second run opens nothing twice.
 */
import { Context } from '@temporalio/activity';
import { WorkflowNotFoundError } from '@temporalio/client';
import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema';
import { releaseInstalmentSignal } from '../messages';
import { recordReleaseOutcome } from '../repositories/instalments';

/** signals in flight at once (RELEASE_SIGNAL_CONCURRENCY): the release is paced by how fast the server takes them */
const SIGNAL_CONCURRENCY = signalConcurrency(process.env.RELEASE_SIGNAL_CONCURRENCY);

function signalConcurrency(v: string | undefined): number {
  if (!v) return 256;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new Error(`RELEASE_SIGNAL_CONCURRENCY must be a positive integer, got ${v}`);
  return n;
}

export function createInstalmentActivities(db: Kysely<Database>) {
  return {
    /** Releases up to `batchSize` due instalments not yet attempted by this release; returns how many it opened. */
    async releaseDueInstalments(input: {
      onDate: string /** opens instalments due up to this day (default onDate) */;
      dueBy?: string;
      releaseId: string;
      batchSize: number;
      at: string;
    }): Promise<{ attempted: number; released: number; ended: number; failed: number }> {
      const rows = await db
        .selectFrom('instalment')
        .select(['claim_id', 'year_no', 'workflow_id'])
        .where('status', '=', 'scheduled')
        .where('due_on', '<=', input.dueBy ?? input.onDate)
        .where((eb) => eb.or([eb('release_id', 'is', null), eb('release_id', '<>', input.releaseId)]))
        .orderBy('due_on')
        .orderBy('claim_id')
        .limit(input.batchSize)
        .execute();
      const client = Context.current().client;
      let released = 0;
      let ended = 0;
      let failed = 0;
      for (let i = 0; i < rows.length; i += SIGNAL_CONCURRENCY) {
        const chunk = rows.slice(i, i + SIGNAL_CONCURRENCY);
        const outcomes = await Promise.all(
          chunk.map(async (r) => {
            try {
              await client.workflow
                .getHandle(r.workflow_id)
                .signal(releaseInstalmentSignal, { yearNo: r.year_no, releaseId: input.releaseId, releasedOn: input.onDate });
              return 'released' as const;
            } catch (err) {
              return err instanceof WorkflowNotFoundError ? ('ended' as const) : ('failed' as const);
            }
          }),
        );
        const byOutcome = (o: string) => chunk.filter((_, k) => outcomes[k] === o);
        for (const [outcome, set] of [
          ['released', { status: 'released' as const, released_at: input.at }],
          ['ended', { status: 'cancelled' as const, cancelled_reason: 'the claim has ended' }],
          ['failed', {}],
        ] as const) {
          const group = byOutcome(outcome);
          if (!group.length) continue;
          await recordReleaseOutcome(db, { instalments: group, set, releaseId: input.releaseId, at: input.at });
        }
        released += byOutcome('released').length;
        ended += byOutcome('ended').length;
        failed += byOutcome('failed').length;
        Context.current().heartbeat({ done: i + chunk.length });
      }
      return { attempted: rows.length, released, ended, failed };
    },
  };
}

export type InstalmentActivities = ReturnType<typeof createInstalmentActivities>;
