/**
 * The frame of the one-shot database commands (runtime/migrate.ts, runtime/seed.ts): DATABASE_URL required
 * (exit 2 without it), a small pool on it, the migrations brought up to date, then the command's own work.
 * A failure anywhere after the check prints `<failure>: …` on stderr and exits 1; the pool is closed either way.
 */
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema';
import { readConfig } from './config';
import { errorMessage, requireEnv } from './processSupport';
import { createDb } from '../db/connection';
import { migrateToLatest } from '../db/migrator';
import { ensureDatabaseRoles, grantAppRole, OWNER_ROLE } from '../db/roles';

export interface MigratedDatabase {
  db: Kysely<Database>;
  url: string;
  /** the migrations this run applied (none when the schema was up to date) */
  applied: string[];
}

/** The command's exit code; `name` is what the missing-variable message calls it. */
export async function runDatabaseCommand(opts: { name: string; failure: string }, run: (m: MigratedDatabase) => Promise<number>): Promise<number> {
  try {
    requireEnv(['DATABASE_URL'], opts.name);
  } catch (err) {
    console.error(errorMessage(err));
    return 2;
  }
  const url = readConfig().databaseUrl!;
  let db: Kysely<Database> | undefined;
  try {
    // DATABASE_SUPERUSER_URL (the compose file's migrate service): the roles are created or brought up to date
    // first, DATABASE_URL then being the owner role's (db/roles.ts)
    const superuser = process.env.DATABASE_SUPERUSER_URL;
    if (superuser) {
      requireEnv(['OWNER_DB_PASSWORD', 'APP_DB_PASSWORD'], opts.name);
      const target = new URL(superuser);
      target.pathname = new URL(url).pathname;
      await ensureDatabaseRoles(target.toString(), { owner: process.env.OWNER_DB_PASSWORD!, app: process.env.APP_DB_PASSWORD! });
    }
    db = createDb(url, { max: 2 });
    const applied = await migrateToLatest(db);
    if (new URL(url).username === OWNER_ROLE) await grantAppRole(url);
    return await run({ db, url, applied });
  } catch (err) {
    console.error(`${opts.failure}: ${errorMessage(err)}`);
    return 1;
  } finally {
    await db?.destroy();
  }
}
