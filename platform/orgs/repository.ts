/**
 * All SQL of the organisation administration: reading the reference data once, writing organisations in batches.
 * A process that keeps its own routing of an employer (the title review's competent department and lower
 * committee) reads and writes it through its OrgHooks.routing (platform/plugins).
 */
import { sql, type Kysely, type Transaction } from 'kysely';
import type { Database, Org } from '../../db/schema';
import { OrgRefs, type OrgRecord } from './orgInput';
import { domains } from '../plugins/registry';
import type { OrgRouting } from '../plugins/domainPlugin';

type Db = Kysely<Database> | Transaction<Database>;

export async function loadRefs(db: Db): Promise<OrgRefs> {
  const rows = await db.selectFrom('org').select(['code', 'name', 'type', 'credit_code', 'active']).execute();
  return new OrgRefs(rows.map((r) => ({ code: r.code, name: r.name, type: r.type, creditCode: r.credit_code, active: r.active })));
}

export interface OrgDetail extends Org {
  competent_org_code: string | null;
  lower_committee_org_code: string | null;
}

function detailQuery(db: Db) {
  return db.selectFrom('org').selectAll('org');
}

/** the organisations with the routing every installed process keeps of them */
export async function withRouting(db: Db, rows: Org[]): Promise<OrgDetail[]> {
  const routing = new Map<string, OrgRouting>();
  for (const d of domains()) {
    const m = rows.length
      ? await d.orgs?.routing?.read(
          db as Kysely<Database>,
          rows.map((r) => r.code),
        )
      : undefined;
    for (const [code, r] of m ?? []) routing.set(code, { ...routing.get(code), ...r });
  }
  return rows.map((r) => ({ competent_org_code: null, lower_committee_org_code: null, ...r, ...routing.get(r.code) }));
}

export async function findOrg(db: Db, code: string, opts: { forUpdate?: boolean } = {}): Promise<OrgDetail | undefined> {
  if (opts.forUpdate) await db.selectFrom('org').select('code').where('code', '=', code).forUpdate().execute();
  const row = await detailQuery(db).where('org.code', '=', code).executeTakeFirst();
  return row ? (await withRouting(db, [row]))[0] : undefined;
}

export function toRecord(o: OrgDetail): OrgRecord {
  return {
    type: o.type as OrgRecord['type'],
    name: o.name,
    creditCode: o.credit_code,
    townCode: o.town_code,
    regulatorCode: o.regulator_code,
    certRereviewOrgCode: o.cert_rereview_org_code,
    inDistrict: o.in_district,
    competentOrgCode: o.competent_org_code,
    lowerCommitteeOrgCode: o.lower_committee_org_code,
    address: o.address,
  };
}

export async function listOrgs(
  db: Db,
  f: { types?: string[]; q?: string; active?: boolean; page: number; pageSize: number },
): Promise<{ total: number; rows: OrgDetail[] }> {
  let q = detailQuery(db);
  if (f.types?.length) q = q.where('org.type', 'in', f.types as never[]);
  if (f.active !== undefined) q = q.where('org.active', '=', f.active);
  if (f.q) {
    const like = `%${f.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    q = q.where((eb) => eb.or([eb('org.name', 'ilike', like), eb('org.code', 'ilike', like), eb('org.credit_code', 'ilike', like)]));
  }
  const total = await q
    .clearSelect()
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .executeTakeFirstOrThrow();
  const rows = await q
    .orderBy('org.type')
    .orderBy('org.name')
    .orderBy('org.code')
    .limit(f.pageSize)
    .offset((f.page - 1) * f.pageSize)
    .execute();
  return { total: Number(total.n), rows: await withRouting(db, rows) };
}

export async function nextOrgNumbers(db: Db, n: number): Promise<number[]> {
  if (n === 0) return [];
  const r = await sql<{ v: string }>`select nextval('org_code_seq') as v from generate_series(1, ${n})`.execute(db);
  return r.rows.map((x) => Number(x.v));
}

const CHUNK = 1000;

/**
 * Writes organisations (new ones and changes to existing ones, by code) and their title-review routing, in chunks
 * of one statement each. Run inside the caller's transaction.
 */
export async function upsertOrgs(
  trx: Transaction<Database>,
  rows: { code: string; record: OrgRecord; active?: boolean }[],
  actor: string,
  at: Date,
): Promise<void> {
  for (let i = 0; i < rows.length; i += CHUNK) {
    const chunk = rows.slice(i, i + CHUNK);
    await trx
      .insertInto('org')
      .values(
        chunk.map(({ code, record: r, active }) => ({
          code,
          name: r.name,
          type: r.type,
          in_district: r.inDistrict,
          town_code: r.townCode,
          regulator_code: r.regulatorCode,
          cert_rereview_org_code: r.certRereviewOrgCode,
          credit_code: r.creditCode,
          address: r.address,
          active: active ?? true,
          updated_at: at,
          updated_by: actor,
        })),
      )
      .onConflict((oc) =>
        oc.column('code').doUpdateSet((eb) => ({
          name: eb.ref('excluded.name'),
          in_district: eb.ref('excluded.in_district'),
          town_code: eb.ref('excluded.town_code'),
          regulator_code: eb.ref('excluded.regulator_code'),
          cert_rereview_org_code: eb.ref('excluded.cert_rereview_org_code'),
          credit_code: eb.ref('excluded.credit_code'),
          address: eb.ref('excluded.address'),
          active: eb.ref('excluded.active'),
          updated_at: eb.ref('excluded.updated_at'),
          updated_by: eb.ref('excluded.updated_by'),
        })),
      )
      .execute();
    for (const d of domains()) await d.orgs?.routing?.write(trx as Kysely<Database>, chunk);
  }
}

export async function setOrgActive(trx: Transaction<Database>, code: string, active: boolean, actor: string, at: Date): Promise<void> {
  await trx.updateTable('org').set({ active, updated_at: at, updated_by: actor }).where('code', '=', code).execute();
}

/** Renames a seeded body (or changes its address). */
export async function setOrgNameAddress(
  trx: Transaction<Database>,
  code: string,
  name: string,
  address: string | null,
  actor: string,
  at: Date,
): Promise<void> {
  await trx.updateTable('org').set({ name, address, updated_at: at, updated_by: actor }).where('code', '=', code).execute();
}
