import { type Kysely, sql } from 'kysely';

/**
 * Lockout that cannot be turned on the victim (issue 19, finding 4). A lock belongs to an account AND a client
 * address (`client_ip`): wrong guesses from one address lock that address out of that account only, so the rightful
 * user from anywhere else still logs in. The one account-wide measure (`client_ip = '*'`) comes after 100 consecutive
 * failures (NIST SP 800-63B §5.2.2) and spares the addresses the account logged in from before
 * (`login_account_state.known_addresses`). Locks from before this migration were account-wide: they become '*'.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table login_lockout add column client_ip text not null default '*'`.execute(db);
  await sql`alter table login_lockout alter column client_ip drop default`.execute(db);
  await sql`alter table login_lockout drop constraint login_lockout_pkey`.execute(db);
  await sql`alter table login_lockout add primary key (username_key, client_ip)`.execute(db);
  await sql`
    create table login_account_state (
      username_key text primary key,
      consecutive_failures integer not null default 0,
      known_addresses text[] not null default '{}',
      last_success_at timestamptz
    )`.execute(db);
  await sql`create index login_failure_account_ip on login_failure (username_key, client_ip, at)`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop index login_failure_account_ip`.execute(db);
  await sql`drop table login_account_state`.execute(db);
  await sql`delete from login_lockout where client_ip <> '*'`.execute(db);
  await sql`alter table login_lockout drop constraint login_lockout_pkey`.execute(db);
  await sql`alter table login_lockout drop column client_ip`.execute(db);
  await sql`alter table login_lockout add primary key (username_key)`.execute(db);
}
