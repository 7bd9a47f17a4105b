/**
 * The engine upgrade walk, the supported way: from the release that serves the databases now to the pinned one, one
 * minor release at a time (TEMPORAL_UPGRADE_PATH), each step `temporal-sql-tool update-schema` with the new
 * release's schema and then the new binary (RunningTemporalServer.upgradeTo). Used by `npm run upgrade:cluster`
 * (tools/upgradeCluster.ts, a stopped cluster) and `npm run drill:upgrade` (a running one, work in flight).
 */
import { findTemporalServer, TEMPORAL_UPGRADE_PATH } from './temporalServer';
import { minorOf, type RunningTemporalServer } from './temporalServerProcess';

export interface UpgradeStep {
  from: string;
  to: string;
  /** stop → update-schema → start → namespace served */
  seconds: number;
}

/** The releases still to walk from `version` (the path's releases of a later minor). */
export function upgradeStepsFrom(version: string): string[] {
  const later = TEMPORAL_UPGRADE_PATH.filter((v) => minorOf(v) > minorOf(version));
  const patch = TEMPORAL_UPGRADE_PATH.find((v) => minorOf(v) === minorOf(version) && v !== version);
  return [...(patch ? [patch] : []), ...later];
}

/** Builds (or finds in the cache) every release of the walk before any step, so no step waits for a build. */
export async function provisionUpgradePath(from: string, log: (m: string) => void): Promise<void> {
  for (const v of [from, ...upgradeStepsFrom(from)]) await findTemporalServer({ log, version: v });
}

/** Walks the running server to the pinned release; `afterStep` runs on each new release before the next step. */
export async function walkUpgrade(
  server: RunningTemporalServer,
  log: (m: string) => void,
  afterStep: (step: UpgradeStep) => Promise<void> = async () => undefined,
): Promise<UpgradeStep[]> {
  const steps: UpgradeStep[] = [];
  for (const to of upgradeStepsFrom(server.binaries.version)) {
    const from = server.binaries.version;
    const t0 = Date.now();
    await server.upgradeTo(to);
    const step = { from, to, seconds: (Date.now() - t0) / 1000 };
    log(`v${from} → v${to}: update-schema and restart in ${step.seconds.toFixed(1)} s`);
    steps.push(step);
    await afterStep(step);
  }
  return steps;
}
