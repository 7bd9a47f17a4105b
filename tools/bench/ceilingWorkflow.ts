/**
 * Bench-only workflow (never registered by the app worker): the same Updates and activities as a certificate claim
 * (a settledState Update + three decide Updates; 11 activities: open/complete per task and four status projections
 * as local activities, as the claim runs them since the decision-path-local patch, and one payout activity) with
 * no-op activities — no HTTP, no SQL. Its throughput is the raw ceiling.
 */
import { condition, defineUpdate, proxyActivities, proxyLocalActivities, setHandler, allHandlersFinished } from '@temporalio/workflow';

export const benchDecide = defineUpdate<string, [string]>('benchDecide');
export const benchSettled = defineUpdate<string, []>('benchSettled');
/** answered at once: the round trip of an Update through this server, with nothing else to wait for */
export const benchNoop = defineUpdate<string, []>('benchNoop');

const acts = proxyActivities<{ noop(step: string): Promise<void> }>({ startToCloseTimeout: '30 seconds' });
const local = proxyLocalActivities<{ noop(step: string): Promise<void> }>({ startToCloseTimeout: '30 seconds' });

export async function ceilingWorkflow(): Promise<string> {
  let stage = 0;
  let decided = -1;
  let settled = -1;
  setHandler(benchSettled, async () => {
    await condition(() => settled >= 0);
    return 'open';
  });
  setHandler(benchNoop, () => 'ok');
  setHandler(benchDecide, async () => {
    const mine = stage;
    decided = mine;
    await condition(() => settled > mine);
    return `stage-${mine + 1}`;
  });
  for (let s = 0; s < 3; s++) {
    stage = s;
    await local.noop('openTask');
    settled = s;
    await condition(() => decided >= s);
    await local.noop('completeTask');
    await local.noop('setStatus');
  }
  await acts.noop('payout');
  await local.noop('setStatus');
  settled = 3;
  await condition(allHandlersFinished);
  return 'paid';
}
