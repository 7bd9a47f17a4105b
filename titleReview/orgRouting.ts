/**
 * The title review's routing of an employer (zj_unit): its competent department (主管部门) and lower committee
 * (下一级评审委员会), read and written with the kernel's organisation records (OrgHooks.routing).
 */
import type { Db, OrgRouting } from '../platform/plugins/domainPlugin';
import type { OrgRecord } from '../platform/orgs/orgInput';
import { upsertUnitRouting } from './repositories/units';

export async function readUnitRouting(db: Db, codes: readonly string[]): Promise<Map<string, OrgRouting>> {
  const out = new Map<string, OrgRouting>();
  for (let i = 0; i < codes.length; i += 5000) {
    const rows = await db
      .selectFrom('zj_unit')
      .select(['org_code', 'competent_org_code', 'lower_committee_org_code'])
      .where('org_code', 'in', codes.slice(i, i + 5000))
      .execute();
    for (const r of rows) out.set(r.org_code, { competent_org_code: r.competent_org_code, lower_committee_org_code: r.lower_committee_org_code });
  }
  return out;
}

export async function writeUnitRouting(trx: Db, rows: readonly { code: string; record: OrgRecord }[]): Promise<void> {
  const routed = rows.filter((c) => c.record.competentOrgCode && c.record.lowerCommitteeOrgCode);
  if (routed.length)
    await upsertUnitRouting(
      trx,
      routed.map((c) => ({ orgCode: c.code, competentOrgCode: c.record.competentOrgCode!, lowerCommitteeOrgCode: c.record.lowerCommitteeOrgCode! })),
    );
}
