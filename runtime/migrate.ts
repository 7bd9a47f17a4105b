/**
 * `npm run migrate`: brings the database at DATABASE_URL to the latest schema (db/migrator.ts) and says
 * which migrations ran. Safe while the API or the worker runs: Kysely's migrator serialises with an
 * advisory lock.
 */
import { redactUrl } from './processSupport';
import { runDatabaseCommand } from './databaseCommand';

runDatabaseCommand({ name: 'migrate', failure: 'migration failed' }, async ({ url, applied }) => {
  if (applied.length) console.log(`migrations applied to ${redactUrl(url)}:\n${applied.map((m) => `  ${m}`).join('\n')}`);
  else console.log(`${redactUrl(url)} is already up to date`);
  return 0;
}).then((code) => process.exit(code));
