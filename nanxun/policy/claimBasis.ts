/**
 * The basis the claim view shows: the edition the claim was submitted under with the clause of its amount, and for
 * each task with a policy period the edition its deadline came from (recorded on the task when it opened).
 */
import { type Kysely, sql } from 'kysely';
import type { Database } from '../../db/schema';
import { findEdition } from '../../platform/policy/repository';
import type { PolicyEdition } from '../../platform/policy/edition';
import type { PolicyBasis } from '../../platform/http/views';
import { amountParameter, policyBasis } from './terms';

/**
 * One round trip: the claim's edition and the policy of its tasks in one statement; the edition itself comes from
 * an in-process cache, since an edition never changes once published (0065_policy_editions: no update, no delete).
 */
export async function claimPolicyBasis(db: Kysely<Database>, claimId: string) {
  const claim = await db
    .selectFrom('claim as c')
    .select((eb) => [
      'c.kind',
      'c.level',
      'c.policy_edition_id',
      eb
        .selectFrom('task as t')
        .select(sql<{ id: string; policy: unknown }[] | null>`json_agg(json_build_object('id', t.id, 'policy', t.policy))`.as('p'))
        .whereRef('t.workflow_id', '=', 'c.workflow_id')
        .where('t.policy', 'is not', null)
        .as('task_policies'),
    ])
    .where('c.id', '=', claimId)
    .executeTakeFirst();
  if (!claim) return { policy: null, tasks: new Map<string, unknown>() };
  return policyBasisOf(db, claim);
}

/** The basis from the claim's columns read elsewhere (nanxun/claimRead.ts reads them with the projection). */
export async function policyBasisOf(
  db: Kysely<Database>,
  claim: { kind: string; level: string; policy_edition_id: string | null; task_policies: { id: string; policy: unknown }[] | null },
) {
  const edition = claim.policy_edition_id ? await cachedEdition(db, claim.policy_edition_id) : null;
  return {
    policy: edition ? policyBasis(edition, amountParameter(claim.kind, claim.level)) : null,
    tasks: new Map<string, unknown>((claim.task_policies ?? []).map((t) => [t.id, t.policy])),
  };
}

const EDITION_CACHE_MAX = 256;
const editions = new Map<string, PolicyEdition>();

/** A published edition by id, read once per process (editions are immutable; a missing one is not cached). */
async function cachedEdition(db: Kysely<Database>, id: string): Promise<PolicyEdition | null> {
  const hit = editions.get(id);
  if (hit) return hit;
  const found = await findEdition(db, id);
  if (found) {
    if (editions.size >= EDITION_CACHE_MAX) editions.delete(editions.keys().next().value as string);
    editions.set(id, found);
  }
  return found;
}

/** The claim view with the basis of its amount and of each task's deadline, as the claim read answers. */
export function withPolicyBasis<V extends { tasks: { id: string }[] }>(view: V, basis: Awaited<ReturnType<typeof claimPolicyBasis>>) {
  const tasks = view.tasks.map((t) => ({ ...t, policy: (basis.tasks.get(t.id) as PolicyBasis | undefined) ?? null }));
  return { ...view, tasks, policy: basis.policy };
}
