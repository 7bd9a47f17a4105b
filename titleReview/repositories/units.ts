/** The title review's routing of employers (zj_unit): competent department and lower committee. */
import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema';

/** An employer's title-review routing, inserted or replaced. */
export async function upsertUnitRouting(
  trx: Kysely<Database>,
  rows: readonly { orgCode: string; competentOrgCode: string; lowerCommitteeOrgCode: string }[],
): Promise<void> {
  await trx
    .insertInto('zj_unit')
    .values(rows.map((r) => ({ org_code: r.orgCode, competent_org_code: r.competentOrgCode, lower_committee_org_code: r.lowerCommitteeOrgCode })))
    .onConflict((oc) =>
      oc.column('org_code').doUpdateSet((eb) => ({
        competent_org_code: eb.ref('excluded.competent_org_code'),
        lower_committee_org_code: eb.ref('excluded.lower_committee_org_code'),
      })),
    )
    .execute();
}
