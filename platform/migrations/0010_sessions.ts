import { type Kysely, sql } from 'kysely';

/**
 * Server-side sessions (the bearer token names one; logout, a password or role change, or deactivation revokes
 * them), account state (deactivated, must change password) and case-insensitive usernames.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('auth_session')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('user_id', 'integer', (c) => c.notNull().references('app_user.id').onDelete('cascade'))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('expires_at', 'timestamptz', (c) => c.notNull())
    .addColumn('revoked_at', 'timestamptz')
    .addColumn('revoked_reason', 'text')
    .addColumn('client_ip', 'text')
    .execute();
  await sql`create index auth_session_user_live on auth_session (user_id) where revoked_at is null`.execute(db);

  await db.schema
    .alterTable('app_user')
    .addColumn('deactivated_at', 'timestamptz')
    .addColumn('must_change_password', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('password_changed_at', 'timestamptz')
    .addColumn('created_by', 'text')
    .execute();
  // usernames are unique regardless of case (ADMIN and admin are the same account); login looks up lower(username)
  await sql`create unique index app_user_username_ci on app_user (lower(username))`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop index if exists app_user_username_ci`.execute(db);
  await db.schema
    .alterTable('app_user')
    .dropColumn('deactivated_at')
    .dropColumn('must_change_password')
    .dropColumn('password_changed_at')
    .dropColumn('created_by')
    .execute();
  await db.schema.dropTable('auth_session').ifExists().execute();
}
