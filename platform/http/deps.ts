import type { Kysely } from 'kysely';
import type { Client } from '@temporalio/client';
import type { Logger } from 'pino';
import type { Database } from '../../db/schema';
import type { TokenIssuer } from '../auth/authenticate';
import type { SessionStore } from '../auth/sessions';

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
}

/** The dependencies once createApp has filled in the defaults: what routers receive. */
export type RouterDeps = AppDeps & { sessions: SessionStore };

export interface AppDeps {
  db: Kysely<Database>;
  temporal: Client;
  tokens: TokenIssuer;
  /** server-side sessions (createApp makes one over `db` when not given) */
  sessions?: SessionStore;
  log: Logger;
  config: AppConfig;
}
