/**
 * Organisation administration: create, change (rename, move to another town/regulator, re-route the title review),
 * deactivate, and the CSV import. Every change is one transaction with its audit entry; a move notes on each open
 * claim of the employer that it stays with the body it was routed to, while new claims follow the move.
 */
import { sql, type Kysely, type Transaction } from 'kysely';
import type { Database } from '../../db/schema';
import { Problem } from '../http/problem';
import { iso } from '../http/views';
import { recordAudit } from '../admin/audit';
import { ADMIN_ORG_TYPES, checkOrgInput, newOrgCode, ORG_REASON_ZH, type Checked, type OrgInput, type OrgRecord, type OrgRefs } from './orgInput';
import { CREDIT_CODE_FAULT_ZH } from './creditCode';
import { findOrg, loadRefs, setOrgActive, setOrgNameAddress, toRecord, upsertOrgs, nextOrgNumbers, type OrgDetail } from './repository';
import { noteMoves } from './moves';

type Db = Kysely<Database>;

export function orgView(o: OrgDetail) {
  return {
    code: o.code,
    type: o.type,
    name: o.name,
    creditCode: o.credit_code,
    inDistrict: o.in_district,
    townCode: o.town_code,
    regulatorCode: o.regulator_code,
    certRereviewOrgCode: o.cert_rereview_org_code,
    certRereviewBy: o.cert_rereview_org_code ? (o.cert_rereview_org_code === o.town_code ? 'town' : 'regulator') : null,
    competentOrgCode: o.competent_org_code,
    lowerCommitteeOrgCode: o.lower_committee_org_code,
    address: o.address,
    active: o.active,
    createdAt: iso(o.created_at as unknown as Date),
    updatedAt: o.updated_at ? iso(o.updated_at) : null,
    updatedBy: o.updated_by,
  };
}
export type OrgView = ReturnType<typeof orgView>;

/** one admin write at a time: the credit-code and code checks read what the previous write committed */
async function lockOrgAdmin(trx: Transaction<Database>): Promise<void> {
  await sql`select pg_advisory_xact_lock(hashtext('org-admin'))`.execute(trx);
}

const isUniqueViolation = (e: unknown) => (e as { code?: string })?.code === '23505';

/** the first reason of a single-record check, as the API's problem */
function problemOf(checked: Checked): Problem {
  const r = checked.reasons[0]!;
  const all = checked.reasons.map((x) => ({ ...x, message: ORG_REASON_ZH[x.code] }));
  if (r.code === 'INVALID_CREDIT_CODE')
    return new Problem('INVALID_CREDIT_CODE', `${r.value} is not a valid unified social credit code (GB 32100-2015): ${r.fault}`, {
      fault: r.fault,
      message: CREDIT_CODE_FAULT_ZH[r.fault!],
      faults: all,
    });
  if (r.code === 'DUPLICATE_CREDIT_CODE')
    return new Problem('DUPLICATE_CREDIT_CODE', `this credit code is already registered as ${r.value}`, { existingCode: r.value, faults: all });
  if (r.code.startsWith('UNKNOWN_') && r.code !== 'UNKNOWN_TYPE')
    return new Problem('UNKNOWN_ORG', `${r.field}: no ${r.code.slice(8).toLowerCase().replace('_', ' ')} ${r.value} is registered`, {
      field: r.field,
      value: r.value,
      faults: all,
    });
  return new Problem('VALIDATION_FAILED', checked.reasons.map((x) => `${x.field}: ${x.code}`).join('; '), {
    faults: all,
    errors: all.map((x) => ({ path: x.field, message: x.message })),
  });
}

function uniqueCode(r: OrgRecord, refs: OrgRefs, taken: Set<string>, seq: () => number): string {
  const base = newOrgCode(r, seq);
  let code = base;
  for (let n = 2; refs.byCode.has(code) || taken.has(code); n++) code = `${base}-${n}`;
  taken.add(code);
  return code;
}

export async function createOrg(db: Db, actor: string, input: OrgInput, now = new Date()): Promise<OrgView> {
  if (!ADMIN_ORG_TYPES.includes(input.type as never)) throw new Problem('VALIDATION_FAILED', `type: one of ${ADMIN_ORG_TYPES.join(', ')}`);
  try {
    return await db.transaction().execute(async (trx) => {
      await lockOrgAdmin(trx);
      const refs = await loadRefs(trx);
      const checked = checkOrgInput(input, refs);
      if (!checked.record) throw problemOf(checked);
      const [seq] = checked.record.creditCode ? [0] : await nextOrgNumbers(trx, 1);
      const code = uniqueCode(checked.record, refs, new Set(), () => seq!);
      await upsertOrgs(trx, [{ code, record: checked.record }], actor, now);
      await recordAudit(trx, { actor, action: 'org.create', targetType: 'org', targetId: code, details: { ...checked.record } });
      return orgView((await findOrg(trx, code))!);
    });
  } catch (e) {
    if (isUniqueViolation(e)) throw new Problem('DUPLICATE_CREDIT_CODE', 'this credit code was registered a moment ago');
    throw e;
  }
}

export interface OrgPatch extends OrgInput {
  active?: boolean;
}

const ROUTING_FIELDS = ['type', 'creditCode', 'townCode', 'regulatorCode', 'certRereviewBy', 'competentOrgCode', 'lowerCommitteeOrgCode'] as const;

export async function updateOrg(db: Db, actor: string, code: string, patch: OrgPatch, now = new Date()): Promise<OrgView & { openClaimsNoted: number }> {
  try {
    return await db.transaction().execute(async (trx) => {
      await lockOrgAdmin(trx);
      const current = await findOrg(trx, code, { forUpdate: true });
      if (!current) throw new Problem('NOT_FOUND', `no organisation ${code}`);
      if (patch.type !== undefined && patch.type !== current.type)
        throw new Problem('VALIDATION_FAILED', 'the type of an organisation cannot be changed; create a new one');
      const { active, ...fields } = patch;
      const before = toRecord(current);
      let after = before;
      let openClaimsNoted = 0;
      const changes: Record<string, unknown> = {};
      if (!ADMIN_ORG_TYPES.includes(current.type as never)) {
        // seeded bodies (bureau, towns, regulators, the province's offices): name and address only
        const routing = [...ROUTING_FIELDS.filter((f) => f !== 'type' && fields[f] !== undefined), ...(active !== undefined ? ['active'] : [])];
        if (routing.length) throw new Problem('VALIDATION_FAILED', `${routing.join(', ')}: not for a ${current.type}`);
        if (fields.name !== undefined || fields.address !== undefined) {
          const name = fields.name === undefined ? current.name : String(fields.name).trim();
          if (!name || name.length > 100) throw new Problem('VALIDATION_FAILED', 'name: 1 to 100 characters');
          await setOrgNameAddress(trx, code, name, fields.address === undefined ? current.address : fields.address?.trim() || null, actor, now);
          Object.assign(changes, { name, address: fields.address });
        }
      } else if (Object.values(fields).some((v) => v !== undefined)) {
        const checked = checkOrgInput({ ...fields, type: current.type }, await loadRefs(trx), { self: code, existing: before });
        if (!checked.record) throw problemOf(checked);
        after = checked.record;
        await upsertOrgs(trx, [{ code, record: after, active: current.active }], actor, now);
        openClaimsNoted = await noteMoves(trx, [{ code, before, after }], actor, now);
        for (const k of Object.keys(after) as (keyof OrgRecord)[]) if (after[k] !== before[k]) changes[k] = { from: before[k], to: after[k] };
      }
      if (Object.keys(changes).length)
        await recordAudit(trx, { actor, action: 'org.update', targetType: 'org', targetId: code, details: { changes, openClaimsNoted } });
      if (active !== undefined && active !== current.active) {
        await setOrgActive(trx, code, active, actor, now);
        await recordAudit(trx, { actor, action: active ? 'org.activate' : 'org.deactivate', targetType: 'org', targetId: code, details: { name: after.name } });
      }
      return { ...orgView((await findOrg(trx, code))!), openClaimsNoted };
    });
  } catch (e) {
    if (isUniqueViolation(e)) throw new Problem('DUPLICATE_CREDIT_CODE', 'this credit code was registered a moment ago');
    throw e;
  }
}
