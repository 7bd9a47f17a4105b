/**
 * The activity options every workflow uses: activities write Postgres, which may be down for a while,
 * so they retry without limit (backing off to once a minute) and a step is never lost.
 */
import type { ActivityOptions, LocalActivityOptions } from '@temporalio/workflow';

export const RETRY_UNTIL_DONE = { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' } as const;

export const DB_ACTIVITY: ActivityOptions = { startToCloseTimeout: '30 seconds', retry: RETRY_UNTIL_DONE };

/**
 * The same writes as local activities: run by the worker inside the workflow task that needs them, with no round
 * trip through the server. Used where thousands of workflows wake at once (the yearly release). Retried without
 * limit as well: past 10 s of retrying, the next attempt is scheduled with a durable timer in a new workflow task.
 */
export const DB_LOCAL_ACTIVITY: LocalActivityOptions = { startToCloseTimeout: '30 seconds', localRetryThreshold: '10 seconds', retry: RETRY_UNTIL_DONE };
