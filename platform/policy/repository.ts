/** All SQL of the policy_edition table (0065_policy_editions). Editions are inserted, never changed. */
import { sql, type Kysely, type Transaction } from 'kysely';
import type { Database } from '../../db/schema';
import type { PolicyEdition } from './edition';

type Exec = Kysely<Database> | Transaction<Database>;

function fromRow(r: {
  id: string;
  policy: string;
  title: string;
  document_no: string | null;
  issuer: string;
  effective_from: Date;
  effective_to: Date | null;
  based_on: string | null;
  parameters: unknown;
  published_by: string;
  published_at: Date;
  reason: string;
}): PolicyEdition {
  return {
    id: r.id,
    policy: r.policy,
    title: r.title,
    documentNo: r.document_no,
    issuer: r.issuer,
    effectiveFrom: new Date(r.effective_from).toISOString(),
    effectiveTo: r.effective_to ? new Date(r.effective_to).toISOString() : null,
    basedOn: r.based_on,
    parameters: (typeof r.parameters === 'string' ? JSON.parse(r.parameters) : r.parameters) as PolicyEdition['parameters'],
    publishedBy: r.published_by,
    publishedAt: new Date(r.published_at).toISOString(),
    reason: r.reason,
  };
}

export async function listEditions(db: Exec, policy?: string): Promise<PolicyEdition[]> {
  let q = db.selectFrom('policy_edition').selectAll();
  if (policy) q = q.where('policy', '=', policy);
  return (await q.orderBy('policy').orderBy('effective_from').execute()).map(fromRow);
}

export async function findEdition(db: Exec, id: string): Promise<PolicyEdition | null> {
  const r = await db.selectFrom('policy_edition').selectAll().where('id', '=', id).executeTakeFirst();
  return r ? fromRow(r) : null;
}

/** Serialises publications of one policy (the overlap check reads, then this writes). */
export async function lockPolicy(trx: Transaction<Database>, policy: string): Promise<void> {
  await sql`select pg_advisory_xact_lock(hashtext(${`policy_edition:${policy}`}))`.execute(trx);
}

/** Inserts an edition; an edition with this id already there (a migration run again) is left as it is. */
export async function insertEdition(exec: Exec, e: PolicyEdition): Promise<void> {
  await exec
    .insertInto('policy_edition')
    .values({
      id: e.id,
      policy: e.policy,
      title: e.title,
      document_no: e.documentNo,
      issuer: e.issuer,
      effective_from: e.effectiveFrom,
      effective_to: e.effectiveTo,
      based_on: e.basedOn,
      parameters: JSON.stringify(e.parameters),
      published_by: e.publishedBy,
      published_at: e.publishedAt,
      reason: e.reason,
    })
    .onConflict((oc) => oc.column('id').doNothing())
    .execute();
}
