/** Deciding a claim's tasks in workflow-level tests, as the API's decision endpoint does (through the decide Update). */
import type { WorkflowHandle } from '@temporalio/client';
import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema';
import { decideUpdate, type DecisionInput, type SubjectState } from '../../platform/tasks/messages';
import { actor } from './claims';
import { eventually } from './temporal';

/**
 * Waits until the claim's task `key` is stored (with `open`: stored and open), then decides it as `username`.
 * `what` names the wait in a timeout message (default: the key).
 */
export async function decideClaimTask(
  db: Kysely<Database>,
  claim: { handle: WorkflowHandle; taskId(key: string): string },
  key: string,
  username: string,
  decision: Omit<DecisionInput, 'taskId' | 'actor'>,
  opts: { open?: boolean; what?: string } = {},
): Promise<SubjectState> {
  const taskId = claim.taskId(key);
  await eventually(
    () =>
      db
        .selectFrom('task')
        .select('id')
        .where('id', '=', taskId)
        .$if(opts.open === true, (q) => q.where('state', '=', 'open'))
        .executeTakeFirst(),
    opts.what ?? key,
  );
  return claim.handle.executeUpdate(decideUpdate, { args: [{ taskId, actor: await actor(db, username), ...decision }] });
}
