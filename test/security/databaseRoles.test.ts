/**
 * The app and the worker connect as a role with DML on the app's tables only; the migrations run as the owner
 * role (db/roles.ts, used by npm start, start:cluster and docker compose). From the app's connection, neither
 * `COPY … TO PROGRAM` (a shell on the database host) nor DDL works.
 */
import { Client } from 'pg';
import { sql } from 'kysely';
import { freshDatabase, type TestDb } from '../helpers/db';
import { APP_ROLE, ensureDatabaseRoles, grantAppRole, type RoleUrls } from '../../db/roles';
import { createDb } from '../../db/connection';
import { migrateToLatest } from '../../db/migrator';

let tdb: TestDb;
let roles: RoleUrls;
beforeAll(async () => {
  tdb = await freshDatabase();
  // the database as the superuser migrated it (as npm start did before roles): the roles take it over
  roles = await ensureDatabaseRoles(tdb.url, { owner: 'owner-pw-for-tests-only', app: 'app-pw-for-tests-only' });
});
afterAll(async () => {
  await tdb?.drop();
});

async function asApp<T>(fn: (c: Client) => Promise<T>): Promise<T> {
  const c = new Client({ connectionString: roles.appUrl });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

test("from the app's connection COPY … TO PROGRAM fails, and so do DDL and reading server files", async () => {
  await asApp(async (c) => {
    const me = await c.query('select current_user as u, rolsuper from pg_roles where rolname = current_user');
    expect(me.rows[0]).toEqual({ u: APP_ROLE, rolsuper: false });
    await expect(c.query(`copy (select 1) to program 'true'`)).rejects.toThrow(/permission denied|must be superuser|pg_execute_server_program/);
    await expect(c.query(`copy (select 1) to '/tmp/zj-roles-test'`)).rejects.toThrow(/permission denied|must be superuser|pg_write_server_files/);
    await expect(c.query(`select pg_read_file('/etc/passwd')`)).rejects.toThrow(/permission denied/);
    await expect(c.query('create table intruder (a int)')).rejects.toThrow(/permission denied/);
    await expect(c.query('drop table timeline')).rejects.toThrow(/must be owner|permission denied/);
    await expect(c.query('alter table app_user add column x int')).rejects.toThrow(/must be owner|permission denied/);
  });
});

test("the app's role reads and writes the app's tables (through the usual connection, with its triggers)", async () => {
  const db = createDb(roles.appUrl, { max: 2 });
  try {
    const n = await db.selectFrom('app_user').select(db.fn.countAll<string>().as('n')).executeTakeFirstOrThrow();
    expect(Number(n.n)).toBeGreaterThan(0);
    const updated = await db.updateTable('app_user').set({ display_name: '张伟' }).where('username', '=', 'applicant1').executeTakeFirst();
    expect(Number(updated.numUpdatedRows)).toBe(1);
    await sql`select nextval(pg_get_serial_sequence('app_user', 'id'))`.execute(db);
  } finally {
    await db.destroy();
  }
});

test('the owner role runs the migrations; tables they create are granted to the app role', async () => {
  const owner = createDb(roles.ownerUrl, { max: 1 });
  try {
    await migrateToLatest(owner);
    await sql`create table later_table (id serial primary key, v text)`.execute(owner);
  } finally {
    await owner.destroy();
  }
  await grantAppRole(roles.ownerUrl);
  await asApp(async (c) => {
    await c.query(`insert into later_table (v) values ('x')`);
    expect((await c.query('select v from later_table')).rows).toEqual([{ v: 'x' }]);
  });
});
