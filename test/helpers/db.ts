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
