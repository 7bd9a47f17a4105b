/**
 * `npm run migrate`: brings the database at DATABASE_URL to the latest schema (db/migrator.ts) and says
 * which migrations ran. Safe while the API or the worker runs: Kysely's migrator serialises with an
 * advisory lock.
 */
import { readConfig } from './config';
import { errorMessage, redactUrl, requireEnv } from './processSupport';
import { createDb } from '../db/connection';
import { migrateToLatest } from '../db/migrator';

async function main(): Promise<number> {
  try {
    requireEnv(['DATABASE_URL'], 'migrate');
  } catch (err) {
    console.error(errorMessage(err));
    return 2;
  }
  const url = readConfig().databaseUrl!;
  const db = createDb(url, { max: 2 });
  try {
    const applied = await migrateToLatest(db);
    if (applied.length) console.log(`migrations applied to ${redactUrl(url)}:\n${applied.map((m) => `  ${m}`).join('\n')}`);
    else console.log(`${redactUrl(url)} is already up to date`);
    return 0;
  } catch (err) {
    console.error(`migration failed: ${errorMessage(err)}`);
    return 1;
  } finally {
    await db.destroy();
  }
}

main().then((code) => process.exit(code));
