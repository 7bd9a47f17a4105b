/**
 * The benchmark's goals (issue 23), one per row that has one: the JSON carries them with whether each was met, and
 * the table prints them. `met` is null where the run cannot say (e.g. the release measured below the goal's N).
 */
export interface GoalResult {
  row: string;
  goal: string;
  met: boolean | null;
}

/** the goal's size for the release and the worker-memory rows */
export const RELEASE_GOAL_N = 10_000;

export function benchGoals(r: Record<string, any>): Record<string, GoalResult> {
  const atGoalSize = (n: number) => n >= RELEASE_GOAL_N;
  return {
    pipeline: { row: 'pipeline ÷ ceiling', goal: '>= 50 % of the same server’s ceiling', met: r.pipeline.ratioToCeiling >= 0.5 },
    decision: {
      row: 'POST decision ÷ no-op Update',
      goal: '<= 2× at p50 and p99',
      met: r.decision.ratioP50 <= 2 && r.decision.ratioP99 <= 2,
    },
    claimRead: { row: 'claim read ÷ bare route', goal: '<= 1.5× at p50 and p99', met: r.claimRead.ratioP50 <= 1.5 && r.claimRead.ratioP99 <= 1.5 },
    inbox: { row: 'task inbox', goal: 'p99 <= 50 ms', met: r.inbox.p99 <= 50 },
    orgImport: { row: 'organisation CSV import', goal: '< 60 s each', met: r.orgImport.importSeconds < 60 && r.orgImport.dryRunSeconds < 60 },
    release: {
      row: 'yearly release',
      goal: `${RELEASE_GOAL_N.toLocaleString('en')} instalments open <= 60 s (real server)`,
      met: atGoalSize(r.release.instalments) ? r.release.seconds <= 60 : null,
    },
    workerMemory: {
      row: 'worker memory per cached workflow',
      goal: `<= 200 KB at ${RELEASE_GOAL_N.toLocaleString('en')} open`,
      met: atGoalSize(r.workerMemory.openWorkflows) ? r.workerMemory.kbPerWorkflow <= 200 : null,
    },
  };
}

/** the table's last column: the goal and OK / MISSED / "not at the goal's size" */
export const goalCell = (g: GoalResult | undefined): string =>
  g ? `${g.goal}: ${g.met === null ? 'n/a (below the goal’s size)' : g.met ? 'OK' : 'MISSED'}` : '';
