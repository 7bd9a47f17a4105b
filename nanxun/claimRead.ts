/**
 * GET /api/v1/nanxun/claims/:id in one statement (issue 23): the projection row (0006_claim_view) with the claim's
 * materials and the columns of its policy basis as subqueries of the same query — one round trip where the route
 * made three levels of them (the projection; then the materials beside the claim's edition; then the edition and
 * the tasks' policies). Editions come from the process's cache (nanxun/policy/claimBasis.ts). Without a projection
 * row (it should not happen) the route assembles the view live, as before.
 */
import { type Kysely, sql } from 'kysely';
import type { Database } from '../db/schema';
import type { Material } from '../platform/materials/repository';
import { listMaterials, materialListItem } from '../platform/materials/useCases';
import { projectedClaimView, type ClaimAccess, type StoredClaimView } from './claimView';
import { claimPolicyBasis, policyBasisOf } from './policy/claimBasis';

type MaterialJson = Pick<Material, 'id' | 'kind' | 'file_name' | 'content_type' | 'size'> & { attached_at: string | null };

export interface ClaimRead {
  access: ClaimAccess;
  view: StoredClaimView;
  materials: ReturnType<typeof materialListItem>[];
  basis: Awaited<ReturnType<typeof claimPolicyBasis>>;
}

/** the route's one statement (exported for tools/bench/profileClaimRead.ts) */
export function readClaimQuery(db: Kysely<Database>, idOrNo: string) {
  return db
    .selectFrom('claim_view as v')
    .select(['v.claim_id', 'v.applicant_id_number', 'v.applicant_user_id', 'v.employer_org_code', 'v.rereview_org_code', 'v.view'])
    .select((eb) => [
      // platform/materials/repository.ts materialsOf: the same rows in the same order
      eb
        .selectFrom('material as m')
        .select(
          sql<MaterialJson[] | null>`json_agg(json_build_object('id', m.id, 'kind', m.kind, 'file_name', m.file_name, 'content_type', m.content_type,
            'size', m.size, 'attached_at', m.attached_at) order by m.attached_at, m.created_at, m.id)`.as('j'),
        )
        .where('m.subject_type', '=', 'nanxun_claim')
        .whereRef('m.subject_id', '=', 'v.claim_id')
        .as('materials'),
      eb
        .selectFrom('claim as c')
        .select(
          sql<{
            kind: string;
            level: string;
            policy_edition_id: string | null;
            task_policies: { id: string; policy: unknown }[] | null;
          }>`json_build_object('kind', c.kind, 'level', c.level, 'policy_edition_id', c.policy_edition_id, 'task_policies',
            (select json_agg(json_build_object('id', t.id, 'policy', t.policy)) from task t where t.workflow_id = c.workflow_id and t.policy is not null))`.as(
            'j',
          ),
        )
        .whereRef('c.id', '=', 'v.claim_id')
        .as('basis'),
    ])
    .where((eb) => eb.or([eb('v.claim_id', '=', idOrNo), eb('v.application_no', '=', idOrNo)]));
}

export async function readClaim(db: Kysely<Database>, idOrNo: string): Promise<ClaimRead | undefined> {
  const row = await readClaimQuery(db, idOrNo).executeTakeFirst();
  if (!row) {
    const live = await projectedClaimView(db, idOrNo);
    if (!live) return undefined;
    const [materials, basis] = await Promise.all([listMaterials(db, 'nanxun_claim', live.access.id), claimPolicyBasis(db, live.access.id)]);
    return { ...live, materials, basis };
  }
  const { claim_id, view, materials, basis, ...rest } = row;
  return {
    access: { id: claim_id, ...rest },
    view: view as StoredClaimView,
    materials: (materials ?? []).map((m) => materialListItem({ ...m, attached_at: m.attached_at ? new Date(m.attached_at) : null } as Material)),
    basis: basis ? await policyBasisOf(db, basis) : { policy: null, tasks: new Map<string, unknown>() },
  };
}
