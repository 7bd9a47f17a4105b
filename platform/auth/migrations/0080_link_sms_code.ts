import { type Kysely, sql } from 'kysely';

/**
 * Linking by SMS code, and sessions that know how they were opened (issue 21):
 * - auth_link_sms_code: a code sent to a self-registered account's mobile so that the person who signed in with
 *   浙里办 can prove the account without its password. Only its HMAC-SM3 (blind-index key, own label) is stored;
 *   it lives 5 minutes, is used once, and dies after 5 wrong attempts (platform/auth/federation/smsLink.ts);
 * - auth_session.provider: the identity provider a session was opened through (null: a password). A one-time
 *   password still to be changed binds only password sessions.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('auth_link_sms_code')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('ticket_hash', 'text', (c) => c.notNull())
    .addColumn('user_id', 'integer', (c) => c.notNull().references('app_user.id').onDelete('cascade'))
    .addColumn('code_mac', 'text', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('expires_at', 'timestamptz', (c) => c.notNull())
    .addColumn('used_at', 'timestamptz')
    .execute();
  await sql`create index auth_link_sms_code_by_ticket on auth_link_sms_code (ticket_hash, created_at desc)`.execute(db);
  await db.schema.alterTable('auth_session').addColumn('provider', 'text').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('auth_session').dropColumn('provider').execute();
  await db.schema.dropTable('auth_link_sms_code').ifExists().execute();
}
