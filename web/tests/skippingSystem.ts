/**
 * Second harness for the browser journeys, for processes that take weeks by design (5-working-day publicities,
 * the 10-working-day lead time of a title session): the real API app and console (createApp, which serves
 * web/dist) over real HTTP, on a fresh test database and a Temporal time-skipping test server with the app's
 * worker. People act only in the browser; the test skips time between stages with `skipTo` / `env.sleep`.
 * The app's Temporal client is a plain one (test/helpers/app.ts), so time jumps only on env.sleep, never while a
 * browser's request waits on an Update. No policy period is shortened.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { timeSkippingEnv, startWorker, uniqueTaskQueue } from '../../test/helpers/temporal';
import { freshDatabase, type TestDb } from '../../test/helpers/db';
import { testApp } from '../../test/helpers/app';
import { ensureConsoleBuilt } from '../../tools/buildWeb';
import { useJourney, type Journey } from './system';

export interface SkippingSystem {
  base: string;
  env: TestWorkflowEnvironment;
  tdb: TestDb;
  /** skips the test server's clock forward to `instantMs` (nothing happens if it is already later) */
  skipTo(instantMs: number): Promise<void>;
  stop(): Promise<void>;
}

export async function startSkippingSystem(): Promise<SkippingSystem> {
  const [env, tdb] = await Promise.all([timeSkippingEnv(), freshDatabase(), ensureConsoleBuilt((m) => console.log(`[web] ${m}`))]);
  const taskQueue = uniqueTaskQueue('web');
  const worker = await startWorker(env, tdb.db, taskQueue);
  const server = http.createServer(testApp(tdb.db, env.client, taskQueue));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    base,
    env,
    tdb,
    async skipTo(instantMs) {
      const now = await env.currentTimeMs();
      if (instantMs > now) await env.sleep(instantMs - now);
    },
    async stop() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await worker.stop();
      await env.teardown();
      await tdb.drop();
    },
  };
}

/** The set-up of a journey file on this harness (useJourney); the people's last screens are saved as `<screens>-last-N`. */
export function useSkippingJourney(screens: string): Journey<SkippingSystem> {
  return useJourney(startSkippingSystem, { screens });
}
