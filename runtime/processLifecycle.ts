/**
 * The life of the long-running standalone processes (runtime/api.ts, runtime/worker.ts) around their own work:
 * the configuration check (exit 2), SIGINT/SIGTERM (the first stops, a second exits at once), a failure during
 * startup that a stop caused (exit 0) or did not (fatal log, exit 1), closing what the process opened and
 * flushing the log, and the exit code.
 */
import type { Logger } from 'pino';
import { errorMessage } from './processSupport';

/**
 * check()'s result; when it throws, null after logging why as fatal (the process then exits 2 without starting
 * anything). check() itself never returns null.
 */
export function checkedConfig<T>(log: Logger, check: () => T): T | null {
  try {
    return check();
  } catch (err) {
    log.fatal(errorMessage(err));
    log.flush();
    return null;
  }
}

export interface StopRequest {
  /** aborted on the first SIGINT/SIGTERM: cuts the waits of startup short */
  readonly signal: AbortSignal;
  /** resolves on the first SIGINT/SIGTERM */
  readonly stopped: Promise<void>;
  /** whether the first SIGINT/SIGTERM has arrived */
  readonly stopping: boolean;
}

/**
 * Handles SIGINT/SIGTERM from now on. The first logs 'stopping', aborts the signal, resolves `stopped` and calls
 * onStop; a second logs `secondSignal` as a warning and exits 1 at once.
 */
export function handleStopSignals(log: Logger, opts: { secondSignal: string; onStop?: () => void }): StopRequest {
  const abort = new AbortController();
  let stopping = false;
  let resolveStopped!: () => void;
  const stopped = new Promise<void>((r) => (resolveStopped = r));
  const onSignal = (signal: NodeJS.Signals) => {
    if (stopping) {
      log.warn({ signal }, opts.secondSignal);
      log.flush();
      process.exit(1);
    }
    stopping = true;
    log.info({ signal }, 'stopping');
    abort.abort();
    resolveStopped();
    opts.onStop?.();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return {
    signal: abort.signal,
    stopped,
    get stopping() {
      return stopping;
    },
  };
}

/**
 * run()'s exit code. If it throws: 0 when a stop request caused that ('stopped during startup'), else 1 after
 * logging `<name> failed: …` as fatal. Either way close() runs (it must not throw), then the log is flushed.
 */
export async function runUntilStopped(
  opts: { name: string; log: Logger; stop: StopRequest; close: () => Promise<void> },
  run: () => Promise<number>,
): Promise<number> {
  try {
    return await run();
  } catch (err) {
    if (opts.stop.stopping) {
      opts.log.info('stopped during startup');
      return 0;
    }
    opts.log.fatal({ err }, `${opts.name} failed: ${errorMessage(err)}`);
    return 1;
  } finally {
    await opts.close();
    opts.log.flush();
  }
}

/** Runs main and exits with its code; if main rejects, says so on stderr and exits 1. */
export function exitWith(name: string, main: () => Promise<number>): void {
  main().then(
    (code) => process.exit(code),
    (err) => {
      console.error(`${name} failed:`, err);
      process.exit(1);
    },
  );
}
