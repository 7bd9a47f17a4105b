import { type Kysely, sql } from 'kysely';

/**
 * Materials (申请材料): uploaded files, stored content-addressed (sha256) and deduplicated; who may read them;
 * every download on an audit table; what a reviewer asked for when requesting supplements.
 *
 * The timeline shows what each stage saw: a BEFORE INSERT trigger on `timeline` adds to a decision's row
 * (`decided`, `supplement_submitted`) the materials attached to its subject at that moment (`data.materials`), and
 * to a `supplement_requested` row the kinds the reviewer named (`data.missingKinds`, from material_request). No
 * workflow or activity changes: whoever writes the row, the database records what was there.
 * Both keys are shown in the timeline entries' `details` (zj_timeline_details, api views pickDetails).
 */
export async function up(db: Kysely<any>): Promise<void> {
  // the bytes, once per content (PostgresBlobStore); an S3BlobStore keeps them in a bucket instead
  await sql`
    create table material_blob (
      sha256 text primary key check (sha256 ~ '^[0-9a-f]{64}$'),
      size integer not null check (size > 0),
      content bytea not null,
      created_at timestamptz not null default now()
    )`.execute(db);

  await sql`
    create table material (
      id uuid primary key,
      owner_user_id integer not null references app_user (id),
      kind text not null check (kind in ('id_card','certificate','contract','social_insurance','tax','achievement','other')),
      file_name text not null,
      content_type text not null check (content_type in ('application/pdf','image/jpeg','image/png')),
      size integer not null check (size > 0),
      sha256 text not null check (sha256 ~ '^[0-9a-f]{64}$'),
      -- set once, when the material is attached to a claim or title application (then it is no longer the
      -- uploader's to attach elsewhere)
      subject_type text check (subject_type in ('nanxun_claim','title_application')),
      subject_id text,
      attached_at timestamptz,
      created_at timestamptz not null default now(),
      check ((subject_type is null) = (subject_id is null) and (subject_id is null) = (attached_at is null))
    )`.execute(db);
  await sql`create index material_subject on material (subject_type, subject_id) where subject_id is not null`.execute(db);
  await sql`create index material_owner_unattached on material (owner_user_id) where subject_id is null`.execute(db);

  // the audit trail of downloads (who, which organisation, when), per subject
  await sql`
    create table material_access (
      id bigserial primary key,
      material_id uuid not null references material (id),
      subject_type text,
      subject_id text,
      user_id integer not null,
      username text not null,
      org_code text,
      via text not null,
      at timestamptz not null default now()
    )`.execute(db);
  await sql`create index material_access_subject on material_access (subject_type, subject_id, at)`.execute(db);
  await sql`create index material_access_material on material_access (material_id, at)`.execute(db);

  // what the reviewer of a task asked for in their latest request for supplements
  await sql`
    create table material_request (
      task_id text primary key,
      subject_type text not null,
      subject_id text not null,
      kinds text[] not null,
      requested_by text not null,
      requested_at timestamptz not null default now()
    )`.execute(db);

  await sql`
    create function timeline_materials_seen() returns trigger language plpgsql as $$
    declare
      seen jsonb;
      kinds text[];
    begin
      if NEW.subject_type not in ('nanxun_claim','title_application') then
        return NEW;
      end if;
      if NEW.event in ('decided','supplement_submitted') then
        select jsonb_agg(jsonb_build_object('id', m.id, 'kind', m.kind) order by m.attached_at, m.created_at, m.id) into seen
          from material m where m.subject_type = NEW.subject_type and m.subject_id = NEW.subject_id;
        if seen is not null then
          NEW.data := coalesce(NEW.data, '{}'::jsonb) || jsonb_build_object('materials', seen);
        end if;
      elsif NEW.event = 'supplement_requested' and jsonb_typeof(NEW.data) = 'object' then
        select r.kinds into kinds from material_request r where r.task_id = NEW.data ->> 'taskId';
        if kinds is not null and cardinality(kinds) > 0 then
          NEW.data := NEW.data || jsonb_build_object('missingKinds', to_jsonb(kinds));
        end if;
      end if;
      return NEW;
    end $$`.execute(db);
  await sql`create trigger timeline_materials_seen before insert on timeline for each row execute function timeline_materials_seen()`.execute(db);

  await installTimelineDetails(db);
}

/**
 * The claim view's timeline details also show them (same keys and order as platform/http/views pickDetails), and
 * the stored projections are rebuilt with it. Exported for the claim-view test, which re-runs 0006 on existing claims.
 */
export async function installTimelineDetails(db: Kysely<any>): Promise<void> {
  await sql`
    create or replace function zj_timeline_details(data jsonb) returns json language sql immutable parallel safe as $$
      select case when jsonb_typeof(data) = 'object' then
        nullif(json_strip_nulls(json_build_object(
          'verdict', data -> 'verdict', 'confirmedLevel', data -> 'confirmedLevel', 'amountYuan', data -> 'amountYuan',
          'instalmentNo', data -> 'instalmentNo', 'dueOn', data -> 'dueOn', 'remainingWorkingDays', data -> 'remainingWorkingDays',
          'missingKinds', data -> 'missingKinds', 'materials', data -> 'materials'
        ))::text, '{}')::json
      end
    $$`.execute(db);
  await sql`update claim_view set view = claim_view_build(claim_id)`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop trigger if exists timeline_materials_seen on timeline`.execute(db);
  await sql`drop function if exists timeline_materials_seen()`.execute(db);
  await sql`
    create or replace function zj_timeline_details(data jsonb) returns json language sql immutable parallel safe as $$
      select case when jsonb_typeof(data) = 'object' then
        nullif(json_strip_nulls(json_build_object(
          'verdict', data -> 'verdict', 'confirmedLevel', data -> 'confirmedLevel', 'amountYuan', data -> 'amountYuan',
          'instalmentNo', data -> 'instalmentNo', 'dueOn', data -> 'dueOn', 'remainingWorkingDays', data -> 'remainingWorkingDays'
        ))::text, '{}')::json
      end
    $$`.execute(db);
  for (const t of ['material_request', 'material_access', 'material', 'material_blob']) await sql`drop table if exists ${sql.raw(t)}`.execute(db);
}
