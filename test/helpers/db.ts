import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import type { Kysely } from 'kysely';
import { createDb } from '../../db/connection';
import type { Database } from '../../db/schema';

export interface TestDb {
  db: Kysely<Database>;
  url: string;
  drop(): Promise<void>;
}

/** A database of its own for one test file: a clone of the migrated, seeded template. */
export async function freshDatabase(): Promise<TestDb> {
  const base = process.env.TEST_PG_BASE_URL;
  if (!base) throw new Error('TEST_PG_BASE_URL is not set: run the tests with jest (globalSetup starts Postgres)');
  const name = `t_${randomBytes(6).toString('hex')}`;
  const admin = new Client({ connectionString: `${base}/postgres` });
  await admin.connect();
  await admin.query(`create database ${name} template approvals_template`);
  await admin.end();
  const url = `${base}/${name}`;
  const db = createDb(url);
  return {
    db,
    url,
    async drop() {
      await db.destroy();
      const c = new Client({ connectionString: `${base}/postgres` });
      await c.connect();
      await c.query(`drop database if exists ${name} with (force)`);
      await c.end();
    },
  };
}

/** Drops databases a test made on the test server besides its own (e.g. a real Temporal server's), if they exist. */
export async function dropDatabases(names: string[]): Promise<void> {
  const c = new Client({ connectionString: `${process.env.TEST_PG_BASE_URL}/postgres` });
  await c.connect();
  try {
    for (const name of names) await c.query(`drop database if exists ${name} with (force)`);
  } finally {
    await c.end();
  }
}

/**
 * Resolves once another session of this database waits for a lock: a test that needs "the second transaction is
 * now waiting for the first" states that order instead of sleeping and hoping the machine was fast enough.
 */
export async function untilWaitingForLock(db: Kysely<Database>, what = 'a transaction waiting for a lock'): Promise<void> {
  const { sql } = await import('kysely');
  const deadline = Date.now() + 30_000;
  for (;;) {
    const r = await sql<{ n: number }>`select count(*)::int as n from pg_stat_activity
      where datname = current_database() and wait_event_type = 'Lock' and pid <> pg_backend_pid()`.execute(db);
    if ((r.rows[0]?.n ?? 0) > 0) return;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((res) => setTimeout(res, 20));
  }
}
