/**
 * `npm run seed`: loads the reference data (organisations, official calendars) and the demo accounts
 * (password "demo", flagged is_demo: they can log in only in development mode) into the database at
 * DATABASE_URL, and prints what it created. Idempotent: existing rows are never changed. Runs the
 * migrations first, so it also works on an empty database.
 */
import { redactUrl, withSeedLock } from './processSupport';
import { runDatabaseCommand } from './databaseCommand';
import { seedDemoAccounts, seedDemoBudgets, seedReferenceData } from '../db/seed';

runDatabaseCommand({ name: 'seed', failure: 'seed failed' }, async ({ db, url, applied }) => {
  if (applied.length) console.log(`migrations applied: ${applied.join(', ')}`);

  // snapshot and seed under the same lock, so a concurrent seeder's rows are not reported as ours
  const { seeded, newOrgs, newUsers } = await withSeedLock(db, async (conn) => {
    const orgsBefore = new Set((await conn.selectFrom('org').select('code').execute()).map((r) => r.code));
    const usersBefore = new Set((await conn.selectFrom('app_user').select('username').execute()).map((r) => r.username));
    const ref = await seedReferenceData(conn);
    await seedDemoAccounts(conn);
    await seedDemoBudgets(conn, new Date().getUTCFullYear());
    return {
      seeded: ref,
      newOrgs: (await conn.selectFrom('org').select(['code', 'name']).orderBy('code').execute()).filter((o) => !orgsBefore.has(o.code)),
      newUsers: (await conn.selectFrom('app_user').select(['username', 'display_name']).orderBy('username').execute()).filter(
        (u) => !usersBefore.has(u.username),
      ),
    };
  });

  console.log(`seeded ${redactUrl(url)}:`);
  console.log(`  organisations created: ${newOrgs.length}${newOrgs.length ? '' : ' (all present)'}`);
  for (const o of newOrgs) console.log(`    ${o.code}  ${o.name}`);
  console.log(`  calendar years loaded: ${seeded.calendarYears.length ? seeded.calendarYears.join(', ') : 'none (all present)'}`);
  console.log(
    `  demo accounts created: ${newUsers.length}${newUsers.length ? ' (password "demo"; usable only when NODE_ENV is not production)' : ' (all present)'}`,
  );
  for (const u of newUsers) console.log(`    ${u.username}  ${u.display_name}`);
  return 0;
}).then((code) => process.exit(code));
