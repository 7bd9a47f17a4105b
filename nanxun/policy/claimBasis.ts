/**
 * The basis the claim view shows: the edition the claim was submitted under with the clause of its amount, and for
 * each task with a policy period the edition its deadline came from (recorded on the task when it opened).
 */
import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema';
import { findEdition } from '../../platform/policy/repository';
import type { PolicyBasis } from '../../platform/http/views';
import { amountParameter, policyBasis } from './terms';

export async function claimPolicyBasis(db: Kysely<Database>, claimId: string) {
  const claim = await db.selectFrom('claim').select(['kind', 'level', 'policy_edition_id', 'workflow_id']).where('id', '=', claimId).executeTakeFirst();
  if (!claim) return { policy: null, tasks: new Map<string, unknown>() };
  const [edition, tasks] = await Promise.all([
    claim.policy_edition_id ? findEdition(db, claim.policy_edition_id) : null,
    db.selectFrom('task').select(['id', 'policy']).where('workflow_id', '=', claim.workflow_id).where('policy', 'is not', null).execute(),
  ]);
  return {
    policy: edition ? policyBasis(edition, amountParameter(claim.kind, claim.level)) : null,
    tasks: new Map(tasks.map((t) => [t.id, t.policy])),
  };
}

/** The claim view with the basis of its amount and of each task's deadline, as the claim read answers. */
export function withPolicyBasis<V extends { tasks: { id: string }[] }>(view: V, basis: Awaited<ReturnType<typeof claimPolicyBasis>>) {
  const tasks = view.tasks.map((t) => ({ ...t, policy: (basis.tasks.get(t.id) as PolicyBasis | undefined) ?? null }));
  return { ...view, tasks, policy: basis.policy };
}
