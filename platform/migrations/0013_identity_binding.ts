import { type Kysely, sql } from 'kysely';

/**
 * Identity binding (docs/security.md "Identity binding"): an applicant account is bound to the ID number it
 * registered with only provisionally; several accounts may claim one ID number (a registration never tells
 * whether the number is taken). The binding becomes confirmed when the person's employer verifies, against the
 * original ID, a claim or title application that account submitted (task unit_verification / unit_recommendation
 * approved); the other accounts claiming that number are then flagged (rejected) and the dispute closed. The bureau
 * can also decide a dispute (POST /api/v1/admin/identity-disputes/:id/resolve).
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('app_user')
    .addColumn('identity_status', 'text', (c) => c.check(sql`identity_status in ('provisional','confirmed','rejected')`))
    .execute();
  // accounts registered under the old one-account-per-ID rule hold their identity (at most one per number existed)
  await sql`update app_user set identity_status = 'confirmed' where id_number is not null and 'applicant' = any(roles)`.execute(db);
  await sql`drop index if exists app_user_applicant_identity`.execute(db);
  await sql`create index app_user_id_number on app_user (id_number)`.execute(db);
  // at most one account is the confirmed holder of an identity
  await sql`create unique index app_user_identity_confirmed on app_user (id_number) where identity_status = 'confirmed'`.execute(db);

  await db.schema
    .createTable('identity_dispute')
    .addColumn('id', 'serial', (c) => c.primaryKey())
    .addColumn('id_number', 'text', (c) => c.notNull())
    .addColumn('opened_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('resolved_at', 'timestamptz')
    .addColumn('resolved_by', 'text')
    .addColumn('winner_user_id', 'integer', (c) => c.references('app_user.id'))
    .addColumn('resolution', 'text', (c) => c.check(sql`resolution in ('verified_by_unit','bureau_decision')`))
    .addColumn('reason', 'text')
    .execute();
  await sql`create unique index identity_dispute_open on identity_dispute (id_number) where resolved_at is null`.execute(db);

  // confirms `uid` as the holder of `idn` (unless another account already is), flags the other claimants, closes
  // the dispute and audits it. Idempotent: a second call changes nothing.
  await sql`
    create function identity_confirm(uid integer, idn text, how text, by_user text) returns void language plpgsql as $$
    declare
      flagged text[];
      who text;
    begin
      if idn is null or uid is null then return; end if;
      if exists (select 1 from app_user where id_number = idn and identity_status = 'confirmed') then return; end if;
      update app_user set identity_status = 'confirmed' where id = uid and id_number = idn and identity_status = 'provisional'
        returning username into who;
      if who is null then return; end if;
      with f as (
        update app_user set identity_status = 'rejected' where id_number = idn and id <> uid and identity_status = 'provisional' returning username
      ) select coalesce(array_agg(username order by username), '{}') into flagged from f;
      update identity_dispute set resolved_at = now(), resolved_by = by_user, winner_user_id = uid, resolution = how
        where id_number = idn and resolved_at is null;
      insert into audit_log (actor_username, action, target_type, target_id, details)
        values (coalesce(by_user, 'system'), 'identity.confirmed', 'user', who, jsonb_build_object('how', how, 'flagged', to_jsonb(flagged)));
    end $$`.execute(db);

  // the employer's verification of a submission against the original ID confirms the submitting account
  await sql`
    create function identity_confirm_on_verification() returns trigger language plpgsql as $$
    declare
      uid integer;
      idn text;
    begin
      if new.state <> 'done' or old.state = 'done' or new.decision is distinct from 'approve' then return new; end if;
      if new.kind = 'unit_verification' and new.subject_type = 'nanxun_claim'
         and coalesce(new.decision_data->>'verdict', 'true') = 'true' then
        select applicant_user_id, applicant_id_number into uid, idn from claim where id::text = new.subject_id;
      elsif new.kind = 'unit_recommendation' and new.subject_type = 'title_application' then
        select applicant_user_id, applicant_id_number into uid, idn from zj_application where id::text = new.subject_id;
      else
        return new;
      end if;
      perform identity_confirm(uid, idn, 'verified_by_unit', new.decided_by);
      return new;
    end $$`.execute(db);
  await sql`create trigger task_identity_confirm after update of state on task for each row execute function identity_confirm_on_verification()`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop trigger if exists task_identity_confirm on task`.execute(db);
  await sql`drop function if exists identity_confirm_on_verification`.execute(db);
  await sql`drop function if exists identity_confirm`.execute(db);
  await db.schema.dropTable('identity_dispute').ifExists().execute();
  await sql`drop index if exists app_user_identity_confirmed`.execute(db);
  await sql`drop index if exists app_user_id_number`.execute(db);
  await db.schema.alterTable('app_user').dropColumn('identity_status').execute();
}
