import { type Kysely, sql } from 'kysely';

/**
 * The read projection of a Nanxun claim (GET /api/v1/nanxun/claims/:id): `claim_view.view` holds the claim's
 * assembled view — the claim, its timeline, tasks, instalments with their payments, and the names of the bodies
 * involved — exactly as the API shows it except the parts that depend on the viewer or on the current time
 * (ID-number masking; workingDaysLeft / warning / overdue of open tasks, whose inputs are kept in `clocks`).
 *
 * It is maintained by Postgres itself, in the transaction of every change: a deferred constraint trigger on each
 * source table (claim, task, timeline, payout, instalment, org names) rebuilds the view of the affected claim when
 * the transaction commits, whoever writes the rows (activities, the API, fixtures, an operator's SQL). The rebuild
 * first locks the claim's view row and then builds in a new statement, so under READ COMMITTED it sees whatever a
 * concurrent writer of the same claim committed meanwhile: the last committer's view contains both changes (and
 * a row written for a claim whose insert is not committed yet is covered by the advisory lock in
 * claim_view_refresh).
 * However many rows a transaction changes, each claim's view is rebuilt once per firing (refreshed_xid/_stmt).
 * Cost (tools/bench/profileClaimRead.ts): ~0.5 ms of database time per rebuild of a claim with ~10 timeline rows.
 *
 * `view` is `json`, not `jsonb`: it is only ever read whole and json keeps the keys in the API's order.
 * nanxun/claimView.ts has the same view assembled live in JS (the fallback, and the test's reference).
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create table claim_view (
      claim_id text primary key references claim (id) on delete cascade,
      -- the claim's columns that find it and decide who may see it, so the read is one table (its plan is as
      -- cheap as the bare select's: with a join, planning alone took longer than the whole bare query)
      application_no text not null unique,
      applicant_id_number text not null,
      applicant_user_id integer,
      employer_org_code text not null,
      rereview_org_code text not null,
      view json not null,
      refreshed_at timestamptz not null default clock_timestamp(),
      -- which transaction and statement last rebuilt it: the triggers fire once per changed row, the view is
      -- rebuilt once per claim per firing (at commit, every row change of the transaction is already done)
      refreshed_xid xid8 not null default pg_current_xact_id(),
      refreshed_stmt timestamptz not null default statement_timestamp()
    )`.execute(db);

  // platform/http/views.ts iso(): the instant in Asia/Shanghai (fixed +08:00, as platform/calendar/workdays.ts formatShanghai), milliseconds truncated
  await sql`
    create function zj_iso(ts timestamptz) returns text language sql stable parallel safe as $$
      select to_char(ts at time zone interval '+08:00', 'YYYY-MM-DD"T"HH24:MI:SS.MS"+08:00"')
    $$`.execute(db);

  // platform/http/views.ts pickDetails(): the recorded opinion's particulars, in this key order, without the absent or null
  // ones, null when none. One expression (no subquery), so the planner inlines it. (json_strip_nulls would also drop
  // null fields nested inside these values; they are all scalars.)
  await sql`
    create function zj_timeline_details(data jsonb) returns json language sql immutable parallel safe as $$
      select case when jsonb_typeof(data) = 'object' then
        nullif(json_strip_nulls(json_build_object(
          'verdict', data -> 'verdict', 'confirmedLevel', data -> 'confirmedLevel', 'amountYuan', data -> 'amountYuan',
          'instalmentNo', data -> 'instalmentNo', 'dueOn', data -> 'dueOn', 'remainingWorkingDays', data -> 'remainingWorkingDays'
        ))::text, '{}')::json
      end
    $$`.execute(db);

  await sql`
    create function claim_view_build(p_id text) returns json language plpgsql stable as $$
    begin
      -- plpgsql, not sql: its plan is prepared once per session, not at every call from the triggers
      return (select json_build_object(
        'id', c.id,
        'applicationNo', c.application_no,
        'kind', c.kind,
        'status', c.status,
        'stage', c.stage,
        'amountYuan', c.amount_yuan,
        'paidYuan', c.paid_yuan,
        'applicant', json_build_object('name', c.applicant_name, 'idNumber', c.applicant_id_number, 'phone', c.applicant_phone),
        'employer', json_build_object('code', c.employer_org_code, 'name', coalesce((select o.name from org o where o.code = c.employer_org_code), c.employer_org_code)),
        'rereviewOrg', json_build_object('code', c.rereview_org_code, 'name', coalesce((select o.name from org o where o.code = c.rereview_org_code), c.rereview_org_code)),
        'form', c.form || jsonb_build_object('level', c.level, 'position', c.position, 'employerNature', c.employer_nature),
        'submittedAt', zj_iso(c.submitted_at),
        'closedAt', zj_iso(c.closed_at),
        'closeReason', c.close_reason,
        'timeline', coalesce((
          select json_agg(json_build_object(
                   'stage', t.stage, 'orgCode', t.org_code, 'orgName', o.name, 'actor', t.actor, 'actorName', t.actor_name,
                   'event', t.event, 'decision', t.decision, 'comment', t.comment, 'details', zj_timeline_details(t.data), 'at', zj_iso(t.at))
                 order by t.at, t.id)
            from timeline t left join org o on o.code = t.org_code
           where t.subject_type = 'nanxun_claim' and t.subject_id = c.id), '[]'::json),
        'instalments', coalesce((
          select json_agg(json_build_object(
                   'year', i.year_no, 'amountYuan', i.amount_yuan,
                   'status', case when p.recovered_at is not null then 'recovered' else i.status end,
                   'dueOn', i.due_on, 'paidAt', zj_iso(p.paid_at), 'recoveredAt', zj_iso(p.recovered_at))
                 order by i.year_no)
            from (select year_no, amount_yuan, status, due_on from instalment where claim_id = c.id
                  union all
                  -- claims submitted before instalments were recorded have one implicit instalment
                  select 1, c.amount_yuan,
                         case when exists (select 1 from payout where claim_id = c.id) then 'paid' when c.status = 'rejected' then 'cancelled' else 'in_review' end,
                         null
                   where not exists (select 1 from instalment where claim_id = c.id)) i
            left join payout p on p.claim_id = c.id and p.instalment_no = i.year_no), '[]'::json),
        'nextInstalmentDueOn', (select i.due_on from instalment i where i.claim_id = c.id and i.status = 'scheduled' order by i.year_no limit 1),
        'tasks', coalesce((
          select json_agg(json_build_object(
                   'id', k.id, 'kind', k.kind, 'state', k.state,
                   'subject', json_build_object('type', k.subject_type, 'id', k.subject_id, 'ref', k.subject_ref),
                   'orgCode', k.org_code, 'createdAt', zj_iso(k.opened_at), 'dueAt', zj_iso(k.due_at), 'dueOn', k.due_on,
                   'dueProvisional', k.due_provisional, 'dueCalendar', k.due_calendar,
                   -- filled in per request from clocks (they depend on the current time)
                   'workingDaysLeft', null, 'warning', false, 'overdue', false,
                   'decision', k.decision, 'decidedAt', zj_iso(k.decided_at), 'decidedBy', k.decided_by, 'comment', k.comment)
                 order by k.opened_at, k.id)
            from task k
           where k.subject_type = 'nanxun_claim' and k.subject_id = c.id), '[]'::json),
        -- the inputs of the time-dependent fields of each open task, by task id
        'clocks', coalesce((
          select json_object_agg(k.id, json_build_object('dueOn', k.due_on, 'dueAt', k.due_at, 'warnAt', k.warn_at, 'warnedAt', k.warned_at, 'overdueAt', k.overdue_at))
            from task k
           where k.subject_type = 'nanxun_claim' and k.subject_id = c.id and k.state = 'open'), '{}'::json)
      )
      from claim c
      where c.id = p_id);
    end $$`.execute(db);

  await sql`
    create function claim_view_refresh(p_id text) returns void language plpgsql as $$
    declare
      -- advisory lock serialising the creation of view rows with rebuilds that cannot see their claim yet
      creating constant bigint := hashtextextended('claim_view: creating', 0);
      locked boolean;
      inserted int;
    begin
      -- already rebuilt for this transaction's changes in this firing of the deferred triggers
      perform 1 from claim_view where claim_id = p_id and refreshed_xid = pg_current_xact_id() and refreshed_stmt = statement_timestamp();
      if found then
        return;
      end if;
      -- one rebuilder per claim at a time: lock its view row, then build in a new statement (a new snapshot)
      perform 1 from claim_view where claim_id = p_id for update;
      locked := found;
      if not locked then
        if not exists (select 1 from claim where id = p_id) then
          -- no such claim, or its insert is not committed yet: the submit route starts the workflow inside that
          -- transaction, so the first task can commit before the claim. Wait for a claim being created right now,
          -- and keep the claim's creator waiting until this transaction is committed (shared: one lock however many
          -- rows, e.g. fixtures' tasks of claims that do not exist).
          perform pg_advisory_xact_lock_shared(creating);
          if not exists (select 1 from claim where id = p_id) then
            return;
          end if;
          perform 1 from claim_view where claim_id = p_id for update;
          locked := found;
        end if;
      end if;
      if not locked then
        perform pg_advisory_xact_lock(creating);
        insert into claim_view (claim_id, application_no, applicant_id_number, applicant_user_id, employer_org_code, rereview_org_code, view)
        select c.id, c.application_no, c.applicant_id_number, c.applicant_user_id, c.employer_org_code, c.rereview_org_code, claim_view_build(c.id)
          from claim c where c.id = p_id
        on conflict (claim_id) do nothing;
        get diagnostics inserted = row_count;
        if inserted = 1 then
          return;
        end if;
        perform 1 from claim_view where claim_id = p_id for update; -- a concurrent transaction created it
      end if;
      update claim_view v
         set application_no = c.application_no, applicant_id_number = c.applicant_id_number, applicant_user_id = c.applicant_user_id,
             employer_org_code = c.employer_org_code, rereview_org_code = c.rereview_org_code,
             view = claim_view_build(p_id), refreshed_at = clock_timestamp(), refreshed_xid = pg_current_xact_id(), refreshed_stmt = statement_timestamp()
        from claim c
       where v.claim_id = p_id and c.id = p_id;
    end $$`.execute(db);

  // one trigger function per source table: which claim(s) a row change concerns (old and new, if it moved)
  const touch = (name: string, newId: string, oldId: string) => sql`
    create function ${sql.raw(name)}() returns trigger language plpgsql as $$
    declare
      n text;
      o text;
    begin
      if TG_OP <> 'DELETE' then
        n := ${sql.raw(newId)};
      end if;
      if TG_OP <> 'INSERT' then
        o := ${sql.raw(oldId)};
      end if;
      if n is not null then
        perform claim_view_refresh(n);
      end if;
      if o is not null and o is distinct from n then
        perform claim_view_refresh(o);
      end if;
      return null;
    end $$`;
  await touch('claim_view_touch_claim', 'NEW.id', 'OLD.id').execute(db);
  await touch('claim_view_touch_claim_id', 'NEW.claim_id', 'OLD.claim_id').execute(db);
  await touch(
    'claim_view_touch_subject',
    `case when NEW.subject_type = 'nanxun_claim' then NEW.subject_id end`,
    `case when OLD.subject_type = 'nanxun_claim' then OLD.subject_id end`,
  ).execute(db);
  // deferred to commit: the view is built once the transaction's statements are done, and its row lock is held
  // only from then on
  const trigger = (name: string, events: string, table: string, fn: string) =>
    sql`create constraint trigger ${sql.raw(name)} after ${sql.raw(events)} on ${sql.raw(table)} deferrable initially deferred for each row execute function ${sql.raw(fn)}()`.execute(
      db,
    );
  // claim deletes need no trigger: the view row goes with the claim (on delete cascade)
  await trigger('claim_view_on_claim', 'insert or update', 'claim', 'claim_view_touch_claim');
  await trigger('claim_view_on_task', 'insert or update or delete', 'task', 'claim_view_touch_subject');
  await trigger('claim_view_on_timeline', 'insert', 'timeline', 'claim_view_touch_subject');
  await trigger('claim_view_on_payout', 'insert or update or delete', 'payout', 'claim_view_touch_claim_id');
  await trigger('claim_view_on_instalment', 'insert or update or delete', 'instalment', 'claim_view_touch_claim_id');

  // an organisation's name is shown on the claims it is involved in (rare: refreshes each of them)
  await sql`
    create function claim_view_touch_org() returns trigger language plpgsql as $$
    declare
      v_id text;
    begin
      for v_id in
        select c.id from claim c where c.employer_org_code = NEW.code or c.rereview_org_code = NEW.code
        union
        select t.subject_id from timeline t where t.org_code = NEW.code and t.subject_type = 'nanxun_claim'
        order by 1
      loop
        perform claim_view_refresh(v_id);
      end loop;
      return null;
    end $$`.execute(db);
  await sql`create constraint trigger claim_view_on_org_insert after insert on org deferrable initially deferred for each row execute function claim_view_touch_org()`.execute(
    db,
  );
  await sql`create constraint trigger claim_view_on_org_name after update of name on org deferrable initially deferred for each row when (old.name is distinct from new.name) execute function claim_view_touch_org()`.execute(
    db,
  );

  // the claims already stored get their projection now
  await sql`
    insert into claim_view (claim_id, application_no, applicant_id_number, applicant_user_id, employer_org_code, rereview_org_code, view)
    select id, application_no, applicant_id_number, applicant_user_id, employer_org_code, rereview_org_code, claim_view_build(id) from claim`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const t of [
    'claim_view_on_claim on claim',
    'claim_view_on_task on task',
    'claim_view_on_timeline on timeline',
    'claim_view_on_payout on payout',
    'claim_view_on_instalment on instalment',
    'claim_view_on_org_insert on org',
    'claim_view_on_org_name on org',
  ]) {
    await sql`drop trigger if exists ${sql.raw(t)}`.execute(db);
  }
  for (const f of [
    'claim_view_touch_org',
    'claim_view_touch_subject',
    'claim_view_touch_claim_id',
    'claim_view_touch_claim',
    'claim_view_refresh(text)',
    'claim_view_build(text)',
    'zj_timeline_details(jsonb)',
    'zj_iso(timestamptz)',
  ]) {
    await sql`drop function if exists ${sql.raw(f)}`.execute(db);
  }
  await sql`drop table if exists claim_view`.execute(db);
}
