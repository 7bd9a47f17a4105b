import { type Kysely, sql } from 'kysely';

/**
 * Every change that can end or alter a session — a session revoked, or an account's roles, organisation, active
 * state, password flag or identity binding changed — sends NOTIFY zj_account_changed with the user id when its
 * transaction commits, so every API process that listens forgets what it remembered about that user at once
 * (platform/auth/sessions.ts). Without a listener the remembered state still expires after SESSION_CHECK_MS.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create function notify_account_changed() returns trigger language plpgsql as $$
    begin
      if tg_table_name = 'auth_session' then
        perform pg_notify('zj_account_changed', new.user_id::text);
      else
        perform pg_notify('zj_account_changed', new.id::text);
      end if;
      return null;
    end $$`.execute(db);
  await sql`
    create trigger auth_session_revoked_notify after update of revoked_at on auth_session
    for each row when (new.revoked_at is not null and old.revoked_at is null) execute function notify_account_changed()`.execute(db);
  await sql`
    create trigger app_user_changed_notify after update on app_user
    for each row when (
      old.roles is distinct from new.roles or old.org_code is distinct from new.org_code
      or old.deactivated_at is distinct from new.deactivated_at or old.must_change_password is distinct from new.must_change_password
      or old.identity_status is distinct from new.identity_status or old.display_name is distinct from new.display_name
      or old.id_number is distinct from new.id_number
    ) execute function notify_account_changed()`.execute(db);
  // a dispute opened or closed changes what the claimants of that number act as
  await sql`
    create function notify_identity_dispute() returns trigger language plpgsql as $$
    declare u integer;
    begin
      for u in select id from app_user where id_number = new.id_number loop
        perform pg_notify('zj_account_changed', u::text);
      end loop;
      return null;
    end $$`.execute(db);
  await sql`create trigger identity_dispute_notify after insert or update on identity_dispute for each row execute function notify_identity_dispute()`.execute(
    db,
  );
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop trigger if exists identity_dispute_notify on identity_dispute`.execute(db);
  await sql`drop trigger if exists app_user_changed_notify on app_user`.execute(db);
  await sql`drop trigger if exists auth_session_revoked_notify on auth_session`.execute(db);
  await sql`drop function if exists notify_identity_dispute`.execute(db);
  await sql`drop function if exists notify_account_changed`.execute(db);
}
