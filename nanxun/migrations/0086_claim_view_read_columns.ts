import { type Kysely, sql } from 'kysely';

/**
 * The claim read from one row (issue 23): `GET /api/v1/nanxun/claims/:id` selected the projection row (0006) with two
 * subqueries beside it — the claim's materials, and the columns of its policy basis with its tasks' policies — which
 * cost as much as the row itself. The projection now keeps both, as `materials` and `basis`, built by the same
 * deferred rebuild as the view (claim_view_refresh) with the same expressions the route used; a material attached to,
 * replaced on or removed from a claim triggers the rebuild like a task does. nanxun/claimRead.ts reads the three
 * columns of one row.
 */
const DEFERRED = 'deferrable initially deferred for each row';

export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table claim_view add column materials json, add column basis json`.execute(db);

  // platform/materials/repository.ts materialsOf: the same rows in the same order
  await sql`
    create function claim_view_materials(p_id text) returns json language sql stable as $$
      select json_agg(json_build_object('id', m.id, 'kind', m.kind, 'file_name', m.file_name, 'content_type', m.content_type,
               'size', m.size, 'attached_at', m.attached_at) order by m.attached_at, m.created_at, m.id)
        from material m
       where m.subject_type = 'nanxun_claim' and m.subject_id = p_id
    $$`.execute(db);
  // nanxun/policy/claimBasis.ts policyBasisOf: the claim's kind, level and edition, and its tasks' policies
  await sql`
    create function claim_view_basis(p_id text) returns json language sql stable as $$
      select json_build_object('kind', c.kind, 'level', c.level, 'policy_edition_id', c.policy_edition_id, 'task_policies',
               (select json_agg(json_build_object('id', t.id, 'policy', t.policy)) from task t where t.workflow_id = c.workflow_id and t.policy is not null))
        from claim c
       where c.id = p_id
    $$`.execute(db);

  await refreshFunction(db, true);

  await sql`create constraint trigger claim_view_on_material after insert on material ${sql.raw(DEFERRED)}
    when (NEW.subject_type = 'nanxun_claim') execute function claim_view_touch_subject()`.execute(db);
  await sql`create constraint trigger claim_view_on_material_update after update on material ${sql.raw(DEFERRED)}
    when (NEW.subject_type = 'nanxun_claim' or OLD.subject_type = 'nanxun_claim') execute function claim_view_touch_subject()`.execute(db);
  await sql`create constraint trigger claim_view_on_material_delete after delete on material ${sql.raw(DEFERRED)}
    when (OLD.subject_type = 'nanxun_claim') execute function claim_view_touch_subject()`.execute(db);

  // the claims already stored
  await sql`update claim_view set materials = claim_view_materials(claim_id), basis = claim_view_basis(claim_id)`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const t of ['claim_view_on_material', 'claim_view_on_material_update', 'claim_view_on_material_delete'])
    await sql`drop trigger if exists ${sql.raw(t)} on material`.execute(db);
  await refreshFunction(db, false);
  await sql`drop function claim_view_materials(text)`.execute(db);
  await sql`drop function claim_view_basis(text)`.execute(db);
  await sql`alter table claim_view drop column materials, drop column basis`.execute(db);
}

/**
 * claim_view_refresh as the earlier migrations left it (0006, edited by 0021), edited in place the same way (its
 * definition read back, three fragments replaced, each checked): with `extras` it also keeps the materials and the
 * policy basis; without, it goes back.
 */
const EDITS: [string, string][] = [
  ['rereview_org_code, view)', 'rereview_org_code, view, materials, basis)'],
  ['c.rereview_org_code, claim_view_build(c.id)', 'c.rereview_org_code, claim_view_build(c.id), claim_view_materials(c.id), claim_view_basis(c.id)'],
  ['view = claim_view_build(p_id),', 'view = claim_view_build(p_id), materials = claim_view_materials(p_id), basis = claim_view_basis(p_id),'],
];

async function refreshFunction(db: Kysely<any>, extras: boolean): Promise<void> {
  const src = (await sql<{ d: string }>`select pg_get_functiondef('claim_view_refresh(text)'::regprocedure) as d`.execute(db)).rows[0]!.d;
  let out = src;
  for (const [without, withExtras] of EDITS) {
    const [from, to] = extras ? [without, withExtras] : [withExtras, without];
    if (out.split(from).length !== 2) throw new Error(`0086: claim_view_refresh has ${out.split(from).length - 1} copies of "${from}", expected one`);
    out = out.replace(from, to);
  }
  await sql.raw(out).execute(db);
}
