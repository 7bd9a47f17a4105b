/**
 * Shared plumbing of the standalone processes (runtime/api.ts, runtime/worker.ts, runtime/migrate.ts,
 * runtime/seed.ts): required environment, waiting for dependencies that are still starting (docker compose
 * starts everything at once), serialised seeding, and the Temporal SDK's logs routed into pino.
 */
import { sql, type Kysely } from 'kysely';
import type { Logger } from 'pino';
import type { Logger as TemporalLogger, LogLevel, LogMetadata } from '@temporalio/common';
import type { Database } from '../db/schema';
import { seedDemoAccounts, seedReferenceData } from '../db/seed';
import { migrateToLatest } from '../db/migrator';

const EXAMPLES: Record<string, string> = {
  DATABASE_URL: 'postgres://user:password@host:5432/approvals',
  TEMPORAL_ADDRESS: 'host:7233',
};

/** Throws one readable error naming every missing variable. */
export function requireEnv(names: string[], processName: string): void {
  const missing = names.filter((n) => !process.env[n]);
  if (missing.length) {
    throw new Error(
      `${processName}: missing required environment variable${missing.length > 1 ? 's' : ''} ${missing.join(', ')} ` +
        `(e.g. ${names.map((n) => `${n}=${EXAMPLES[n] ?? '…'}`).join(' ')})`,
    );
  }
}

/** postgres://user:secret@host/db → postgres://user:***@host/db */
export function redactUrl(url: string): string {
  return url.replace(/:[^:@/]*@/, ':***@');
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(new Error('aborted'));
    const t = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(t);
      reject(new Error('aborted'));
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * Calls fn until it succeeds, with exponential backoff (0.5 s doubling to 5 s) for at most timeoutMs;
 * then rethrows the last error. An aborted signal stops the waiting at once.
 */
export async function retryWithBackoff<T>(what: string, fn: () => Promise<T>, opts: { log: Logger; timeoutMs: number; signal?: AbortSignal }): Promise<T> {
  const deadline = Date.now() + opts.timeoutMs;
  let delay = 500;
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (err) {
      const left = deadline - Date.now();
      if (left <= 0 || opts.signal?.aborted) {
        throw new Error(`${what} unreachable after ${Math.round(opts.timeoutMs / 1000)} s: ${errorMessage(err)}`, { cause: err });
      }
      const wait = Math.min(delay, left);
      opts.log.warn({ attempt, retryInMs: wait, err: errorMessage(err) }, `${what} not reachable yet, retrying`);
      await sleep(wait, opts.signal);
      delay = Math.min(delay * 2, 5000);
    }
  }
}

export function errorMessage(err: unknown): string {
  if (err instanceof AggregateError && err.errors.length) return err.errors.map(errorMessage).join('; ');
  if (err instanceof Error) return err.message || err.name;
  return String(err);
}

export function waitForDatabase(db: Kysely<Database>, opts: { log: Logger; timeoutMs: number; signal?: AbortSignal }): Promise<unknown> {
  return retryWithBackoff('PostgreSQL', () => sql`select 1`.execute(db), opts);
}

/** Waits for PostgreSQL as waitForDatabase does, brings its schema up to date and logs which migrations that applied. */
export async function migrateWhenReachable(db: Kysely<Database>, opts: { log: Logger; timeoutMs: number; signal?: AbortSignal }): Promise<void> {
  await waitForDatabase(db, opts);
  // connected as the app's role (DML only, db/roles.ts): the migrations are the owner role's, run before this
  // process started (npm start, start:cluster, the compose file's migrate service)
  const { rows } = await sql<{ can: boolean }>`select has_schema_privilege(current_user, 'public', 'CREATE') as can`.execute(db);
  if (!rows[0]?.can) {
    opts.log.info('connected as the application role: migrations are run by the owner role');
    return;
  }
  const applied = await migrateToLatest(db);
  opts.log.info({ applied }, applied.length ? 'migrations applied' : 'database schema up to date');
}

/**
 * Runs fn on one connection holding a PostgreSQL advisory lock, so that several API replicas (or
 * `npm run seed` beside a running API) never seed at the same time: seedReferenceData checks what exists
 * before loading a calendar year, so the second holder of the lock finds nothing left to do.
 */
export async function withSeedLock<T>(db: Kysely<Database>, fn: (conn: Kysely<Database>) => Promise<T>): Promise<T> {
  return db.connection().execute(async (conn) => {
    await sql`select pg_advisory_lock(hashtext('zj-approvals:seed'))`.execute(conn);
    try {
      return await fn(conn);
    } finally {
      await sql`select pg_advisory_unlock(hashtext('zj-approvals:seed'))`.execute(conn);
    }
  });
}

/** Reference data, and the demo accounts if asked, under the seed lock. */
export function seedSerialised(
  db: Kysely<Database>,
  opts: { demoAccounts: boolean },
): Promise<{ calendarYears: number[]; demoAccountsCreated: number | null }> {
  return withSeedLock(db, async (conn) => {
    const ref = await seedReferenceData(conn);
    const demo = opts.demoAccounts ? await seedDemoAccounts(conn) : null;
    return { calendarYears: ref.calendarYears, demoAccountsCreated: demo ? demo.created : null };
  });
}

/** The Temporal SDK's logger (Runtime.install({ logger })) writing into pino, so the worker logs one JSON stream. */
export function temporalLoggerFor(log: Logger): TemporalLogger {
  const child = log.child({ component: 'temporal' });
  const emit = (level: LogLevel, message: string, meta?: LogMetadata) => {
    const fields: Record<string, unknown> = { ...(meta ?? {}) };
    // pino serialises errors only under `err`
    if (fields.error instanceof Error && !fields.err) {
      fields.err = fields.error;
      delete fields.error;
    }
    const method = level === 'TRACE' ? 'trace' : level === 'DEBUG' ? 'debug' : level === 'INFO' ? 'info' : level === 'WARN' ? 'warn' : 'error';
    child[method](fields, message);
  };
  return {
    log: emit,
    trace: (m, meta) => emit('TRACE', m, meta),
    debug: (m, meta) => emit('DEBUG', m, meta),
    info: (m, meta) => emit('INFO', m, meta),
    warn: (m, meta) => emit('WARN', m, meta),
    error: (m, meta) => emit('ERROR', m, meta),
  };
}
