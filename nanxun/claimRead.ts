/**
 * GET /api/v1/nanxun/claims/:id from one row (issue 23): the projection (0006_claim_view) keeps the claim's view, its
 * materials and the columns of its policy basis (0086_claim_view_read_columns) — the route made three levels of
 * round trips for them once, then one statement with two subqueries. Editions come from the process's cache
 * (nanxun/policy/claimBasis.ts). Without a projection row (it should not happen) the route assembles the view live.
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

/** the route's one statement: one row of the projection (exported for tools/bench/profileClaimRead.ts) */
export function readClaimQuery(db: Kysely<Database>, idOrNo: string) {
  return db
    .selectFrom('claim_view as v')
    .select(['v.claim_id', 'v.applicant_id_number', 'v.applicant_user_id', 'v.employer_org_code', 'v.rereview_org_code', 'v.view'])
    .select([
      // kept by the projection's rebuild (0086_claim_view_read_columns), the claim's materials as
      // platform/materials/repository.ts materialsOf orders them, and its policy basis
      sql<MaterialJson[] | null>`v.materials`.as('materials'),
      sql<{ kind: string; level: string; policy_edition_id: string | null; task_policies: { id: string; policy: unknown }[] | null } | null>`v.basis`.as(
        'basis',
      ),
    ])
    .where(CLAIM_ID.test(idOrNo) ? 'v.claim_id' : 'v.application_no', '=', idOrNo);
}

/** a claim's id (a UUID) as against its application number (NX-…): one index to look in, not both */
const CLAIM_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

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
