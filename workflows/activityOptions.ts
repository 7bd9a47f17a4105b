/**
 * The activity options every workflow uses: activities write Postgres, which may be down for a while,
 * so they retry without limit (backing off to once a minute) and a step is never lost.
 */
import type { ActivityOptions } from '@temporalio/workflow';

export const RETRY_UNTIL_DONE = { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' } as const;

export const DB_ACTIVITY: ActivityOptions = { startToCloseTimeout: '30 seconds', retry: RETRY_UNTIL_DONE };
