import type { Kysely } from 'kysely';
import type { Client } from '@temporalio/client';
import type { Logger } from 'pino';
import type { Database } from '../../db/schema';
import type { TokenIssuer } from '../auth/authenticate';
import type { SessionStore } from '../auth/sessions';
import type { FederationSettings } from '../auth/federation/providers';

export interface AppConfig {
  /** development mode: demo accounts may log in and /api/v1/dev/* is served */
  devMode: boolean;
  taskQueue: string;
  /**
   * Upper bound (ms) on the Temporal calls of one request (a gRPC deadline over start/update/signal, retries
   * included): with Temporal unreachable or a workflow stuck behind a database outage the API answers
   * 503 TEMPORAL_UNAVAILABLE instead of hanging. Default 15 000.
   */
  temporalDeadlineMs?: number;
  /** the Temporal Web UI origins the codec endpoint answers with CORS (platform/codec/routes.ts) */
  codecOrigins?: string[];
  /** identity providers, redirect allow-list (default: from the environment, auth/federation/providers.ts) */
  federation?: FederationSettings;
  /** serve the 浙里办 / 浙政钉 stand-ins under /dev-idp/… (development mode only; default true there) */
  standIns?: boolean;
}

/**
 * The clock the workflows run on, for the API's own time-dependent decisions (a claim's 6-month window, a meeting
 * too soon for the HRSS approval, whether a notice is still running), so they agree with the workflows' periods:
 * in production the wall clock (which the Temporal server uses too); on the time-skipping test server its skipped
 * time (test/helpers/app.ts). The instant a decision was taken against is what the workflow then records.
 */
export type WorkflowClock = () => Promise<Date>;

const wallClock: WorkflowClock = async () => new Date();

/** The deps' workflow clock (the wall clock unless one is given). */
export function workflowNow(deps: Pick<AppDeps, 'workflowClock'>): Promise<Date> {
  return (deps.workflowClock ?? wallClock)();
}

/** The dependencies once createApp has filled in the defaults: what routers receive. */
export type RouterDeps = AppDeps & { sessions: SessionStore };

export interface AppDeps {
  db: Kysely<Database>;
  temporal: Client;
  /** see WorkflowClock; the wall clock when not given */
  workflowClock?: WorkflowClock;
  tokens: TokenIssuer;
  /** server-side sessions (createApp makes one over `db` when not given) */
  sessions?: SessionStore;
  log: Logger;
  config: AppConfig;
}
