import { type Kysely, sql } from 'kysely';

/**
 * Federated sign-in (浙里办, 浙政钉, OpenID Connect; docs/security.md "Federated sign-in"):
 * - federated_identity: which account a provider's subject signs in as (a clerk's 浙政钉 account id is set by an
 *   administrator beforehand; applicants and enterprises are linked on their first sign-in);
 * - auth_flow: one row per redirect to a provider (state, nonce, PKCE verifier, browser binding), used once;
 * - auth_exchange_code: the one-time code the console exchanges for its session token (60 s, once);
 * - auth_link_ticket: a provincial identity waiting for its person to prove an existing account (password), or to
 *   decline; its ID number is stored like every ID number (blind index + `id_number_enc`, platform/crypto);
 * - login_policy: whether password login is allowed per role (absent: the mode's default, loginPolicy.ts).
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('federated_identity')
    .addColumn('provider', 'text', (c) => c.notNull())
    .addColumn('subject', 'text', (c) => c.notNull())
    .addColumn('user_id', 'integer', (c) => c.notNull().references('app_user.id'))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('created_by', 'text')
    .addColumn('last_sign_in_at', 'timestamptz')
    .addPrimaryKeyConstraint('federated_identity_pk', ['provider', 'subject'])
    .addUniqueConstraint('federated_identity_one_per_user', ['provider', 'user_id'])
    .execute();

  await db.schema
    .createTable('auth_flow')
    .addColumn('state_hash', 'text', (c) => c.primaryKey())
    .addColumn('provider', 'text', (c) => c.notNull())
    .addColumn('nonce', 'text', (c) => c.notNull())
    .addColumn('code_verifier', 'text', (c) => c.notNull())
    .addColumn('binding_hash', 'text', (c) => c.notNull())
    .addColumn('redirect_uri', 'text', (c) => c.notNull())
    .addColumn('return_to', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('expires_at', 'timestamptz', (c) => c.notNull())
    .addColumn('used_at', 'timestamptz')
    .execute();

  await db.schema
    .createTable('auth_exchange_code')
    .addColumn('code_hash', 'text', (c) => c.primaryKey())
    .addColumn('user_id', 'integer', (c) => c.notNull().references('app_user.id'))
    .addColumn('provider', 'text', (c) => c.notNull())
    .addColumn('client_ip', 'text')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('expires_at', 'timestamptz', (c) => c.notNull())
    .addColumn('used_at', 'timestamptz')
    .execute();

  await db.schema
    .createTable('auth_link_ticket')
    .addColumn('ticket_hash', 'text', (c) => c.primaryKey())
    .addColumn('provider', 'text', (c) => c.notNull())
    .addColumn('subject', 'text', (c) => c.notNull())
    .addColumn('id_number', 'text', (c) => c.notNull())
    .addColumn('id_number_enc', 'text')
    .addColumn('display_name', 'text', (c) => c.notNull())
    .addColumn('phone', 'text')
    .addColumn('return_to', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('expires_at', 'timestamptz', (c) => c.notNull())
    .addColumn('used_at', 'timestamptz')
    .execute();

  await db.schema
    .createTable('login_policy')
    .addColumn('role', 'text', (c) => c.primaryKey())
    .addColumn('password_login', 'boolean', (c) => c.notNull())
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_by', 'text', (c) => c.notNull())
    .execute();

  // a person who proves with the province's identity that an account is theirs settles a dispute over the number
  await sql`alter table identity_dispute drop constraint if exists identity_dispute_resolution_check`.execute(db);
  await sql`alter table identity_dispute add constraint identity_dispute_resolution_check
    check (resolution in ('verified_by_unit','bureau_decision','provincial_identity'))`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`alter table identity_dispute drop constraint if exists identity_dispute_resolution_check`.execute(db);
  await sql`alter table identity_dispute add constraint identity_dispute_resolution_check
    check (resolution in ('verified_by_unit','bureau_decision'))`.execute(db);
  for (const t of ['login_policy', 'auth_link_ticket', 'auth_exchange_code', 'auth_flow', 'federated_identity'])
    await db.schema.dropTable(t).ifExists().execute();
}
