/**
 * Updates that change a workflow's shared state run one at a time (the message-passing pattern of
 * temporalio/samples-typescript: a mutex around async handlers). A second Update that arrives while the first is
 * still working waits its turn instead of being refused. Its validator runs when it arrives (a clear refusal that
 * writes no history) and again once it holds the lock, against the state the earlier Update left.
 */
import type { UpdateDefinition } from '@temporalio/common';
import { setHandler } from '@temporalio/workflow';
import { Mutex } from 'async-mutex';

export type SerialisedHandlerSetter = <Ret, Args extends unknown[]>(
  def: UpdateDefinition<Ret, Args>,
  handler: (...args: Args) => Promise<Ret>,
  validator: (...args: Args) => void,
) => void;

/** Call once per workflow run; every handler set through the returned function shares one lock. */
export function serialisedUpdates(): SerialisedHandlerSetter {
  const lock = new Mutex();
  return <Ret, Args extends unknown[]>(def: UpdateDefinition<Ret, Args>, handler: (...args: Args) => Promise<Ret>, validator: (...args: Args) => void) => {
    setHandler(
      def,
      (...args: Args) =>
        lock.runExclusive(async () => {
          validator(...args);
          return handler(...args);
        }),
      { validator },
    );
  };
}
