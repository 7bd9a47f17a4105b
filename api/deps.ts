import type { Kysely } from 'kysely';
import type { Client } from '@temporalio/client';
import type { Logger } from 'pino';
import type { Database } from '../db/schema';
import type { TokenIssuer } from './auth';

export interface AppConfig {
  /** development mode: demo accounts may log in and /api/v1/dev/* is served */
  devMode: boolean;
  taskQueue: string;
}

export interface AppDeps {
  db: Kysely<Database>;
  temporal: Client;
  tokens: TokenIssuer;
  log: Logger;
  config: AppConfig;
}
