import { type Kysely, sql } from 'kysely';

/**
 * Failed logins only (never successful ones), keyed by the attempted username (lower-cased, so an unknown name
 * behaves like a known one) and by client address; and the temporary lockouts they cause.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('login_failure')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('username_key', 'text', (c) => c.notNull())
    .addColumn('client_ip', 'text', (c) => c.notNull())
    .addColumn('at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema.createIndex('login_failure_username').on('login_failure').columns(['username_key', 'at']).execute();
  await db.schema.createIndex('login_failure_ip').on('login_failure').columns(['client_ip', 'at']).execute();
  // expired failures are deleted by age
  await db.schema.createIndex('login_failure_at').on('login_failure').column('at').execute();

  await db.schema
    .createTable('login_lockout')
    .addColumn('username_key', 'text', (c) => c.primaryKey())
    .addColumn('locked_at', 'timestamptz', (c) => c.notNull())
    .addColumn('locked_until', 'timestamptz', (c) => c.notNull())
    .addColumn('failures', 'integer', (c) => c.notNull())
    .addColumn('addresses', sql`text[]`, (c) => c.notNull())
    .addColumn('unlocked_at', 'timestamptz')
    .addColumn('unlocked_by', 'text')
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('login_lockout').ifExists().execute();
  await db.schema.dropTable('login_failure').ifExists().execute();
}
