/**
 * Reference and demo data. Organisations of seed 001 annex 1 and the calendar are reference data (always
 * loaded); the demo accounts (password "demo") are flagged is_demo and refused at login outside development mode.
 * Idempotent: a second run changes nothing that exists.
 */
import type { Kysely } from 'kysely';
import type { Database, OrgType } from './schema';
import { loadCalendarYear, officialYearInput } from '../platform/calendar/calendarTable';
import { officialYears } from '../platform/calendar/calendarSource';
import { makeIdNumber } from '../platform/identity/idNumber';
import { makeCreditCode } from '../platform/orgs/creditCode';
import { hashPassword } from '../platform/auth/passwords';
import { seedDemoFederatedIdentities } from '../platform/auth/federation/seed';
import { BUREAU_ORG_CODE } from '../nanxun/rules';
import { seedTitleReviewDemo, seedTitleReviewReference, titleReviewDemoAccounts } from '../titleReview/seed';

interface OrgSeed {
  code: string;
  name: string;
  type: OrgType;
  inDistrict?: boolean;
  town?: string;
  regulator?: string;
  certRereview?: 'town' | 'regulator';
}

export const TOWNS: OrgSeed[] = [
  ['NX-T-NXZ', '南浔镇'],
  ['NX-T-LSZ', '练市镇'],
  ['NX-T-SLZ', '双林镇'],
  ['NX-T-LHZ', '菱湖镇'],
  ['NX-T-HFZ', '和孚镇'],
  ['NX-T-SLN', '善琏镇'],
  ['NX-T-JGZ', '旧馆镇'],
  ['NX-T-QJZ', '千金镇'],
  ['NX-T-SCZ', '石淙镇'],
  ['NX-T-KFQ', '南浔经济开发区'],
].map(([code, name]) => ({ code: code!, name: name!, type: 'town' as const, inDistrict: true }));

export const REGULATORS: OrgSeed[] = [
  ['NX-FGJXJ', '南浔区发展改革和经济信息化局'],
  ['NX-ZJJ', '南浔区住房和城乡建设局'],
  ['NX-JTJ', '南浔区交通运输局'],
  ['NX-SCJGJ', '南浔区市场监督管理局'],
  ['NX-KJJ', '南浔区科学技术局'],
].map(([code, name]) => ({ code: code!, name: name!, type: 'regulator' as const, inDistrict: true }));

export const ENTERPRISES: OrgSeed[] = [
  { code: 'NX-E-JGJX', name: '浙江南浔精工机械有限公司', type: 'enterprise', inDistrict: true, town: 'NX-T-NXZ', regulator: 'NX-FGJXJ', certRereview: 'town' },
  {
    code: 'NX-E-LSXC',
    name: '湖州练市新材料股份有限公司',
    type: 'enterprise',
    inDistrict: true,
    town: 'NX-T-LSZ',
    regulator: 'NX-FGJXJ',
    certRereview: 'town',
  },
  {
    code: 'NX-E-SLJS',
    name: '湖州双林建设工程有限公司',
    type: 'enterprise',
    inDistrict: true,
    town: 'NX-T-SLZ',
    regulator: 'NX-ZJJ',
    certRereview: 'regulator',
  },
  { code: 'NX-E-LHWL', name: '湖州菱湖物流运输有限公司', type: 'enterprise', inDistrict: true, town: 'NX-T-LHZ', regulator: 'NX-JTJ', certRereview: 'town' },
  {
    code: 'NX-E-KFDT',
    name: '南浔开发区电梯制造有限公司',
    type: 'enterprise',
    inDistrict: true,
    town: 'NX-T-KFQ',
    regulator: 'NX-SCJGJ',
    certRereview: 'regulator',
  },
  { code: 'HZ-E-WXHG', name: '湖州吴兴化工有限公司（吴兴区）', type: 'enterprise', inDistrict: false },
];

export const OTHER_ORGS: OrgSeed[] = [
  { code: BUREAU_ORG_CODE, name: '南浔区应急管理局', type: 'bureau', inDistrict: true },
  { code: 'ZJ-YJT-RSC', name: '浙江省应急管理厅人事处（评审委员会办公室）', type: 'province_office' },
  { code: 'ZJ-RST', name: '浙江省人力资源和社会保障厅', type: 'hrss' },
  { code: 'HZ-YJJ', name: '湖州市应急管理局', type: 'competent_dept' },
  { code: 'HZ-ZJPW', name: '湖州市安全工程专业中级工程师评审委员会', type: 'lower_committee' },
];

/**
 * The demo enterprises' 统一社会信用代码: valid (GB 32100-2015 check character) and obviously fictitious — the
 * organisation-code part is ZZ + the enterprise's code letters, under the division of 南浔区 (330503) or 吴兴区 (330502).
 */
export function demoCreditCode(orgCode: string): string {
  const letters = orgCode
    .slice(5)
    .replace(/[IOSVZ]/g, 'X')
    .padEnd(7, '0')
    .slice(0, 7);
  return makeCreditCode(`91${orgCode.startsWith('NX-') ? '330503' : '330502'}YY${letters}`);
}

interface AccountSeed {
  username: string;
  displayName: string;
  roles: string[];
  orgCode: string | null;
  idNumber: string;
  phone: string;
}

/** Demo people get valid, obviously fictitious ID numbers (region 330503 南浔区, sequence 9xx). */
function demoId(n: number, birth = '19900101'): string {
  return makeIdNumber(`330503${birth}${String(900 + n).slice(-3)}`);
}

export function demoAccounts(): AccountSeed[] {
  const a: AccountSeed[] = [];
  let n = 0;
  const add = (username: string, displayName: string, roles: string[], orgCode: string | null) =>
    a.push({ username, displayName, roles, orgCode, idNumber: demoId(++n), phone: `1380000${String(n).padStart(4, '0')}` });
  add('applicant1', '张伟', ['applicant'], null);
  add('applicant2', '王芳', ['applicant'], null);
  add('applicant3', '李娜', ['applicant'], null);
  for (const e of ENTERPRISES) add(`unit.${e.code.slice(5).toLowerCase()}`, `${e.name}·审核员`, ['unit_verifier'], e.code);
  add('bureau1', '南浔区应急管理局·初审经办人', ['bureau_reviewer'], BUREAU_ORG_CODE);
  add('bureau2', '南浔区应急管理局·初审经办人二', ['bureau_reviewer'], BUREAU_ORG_CODE);
  for (const t of TOWNS) add(`rereview.${t.code.slice(5).toLowerCase()}`, `${t.name}·复审经办人`, ['rereviewer'], t.code);
  for (const r of REGULATORS) add(`rereview.${r.code.slice(3).toLowerCase()}`, `${r.name}·复审经办人`, ['rereviewer'], r.code);
  add('office1', '省应急管理厅人事处·经办人', ['committee_office'], 'ZJ-YJT-RSC');
  add('hrss1', '省人力社保厅·审批人', ['hrss_approver'], 'ZJ-RST');
  add('dept1', '湖州市应急管理局·审核人', ['competent_dept'], 'HZ-YJJ');
  add('lower1', '湖州市中级评委会·经办人', ['lower_committee'], 'HZ-ZJPW');
  add('expert1', '评审专家·陈明', ['expert'], null);
  // an enterprise's legal person (浙里办 法人 in production), who designates its unit verifiers
  add('legal.sljs', '湖州双林建设工程有限公司·法定代表人', ['legal_person'], 'NX-E-SLJS');
  // 三员分立: system, security and audit administrator, three people
  add('admin', '系统管理员', ['admin'], null);
  add('secadmin', '安全管理员', ['security_admin'], null);
  add('auditor', '审计管理员', ['auditor'], null);
  a.push(...titleReviewDemoAccounts());
  return a;
}

export async function seedReferenceData(db: Kysely<Database>): Promise<{ calendarYears: number[] }> {
  const orgs = [...OTHER_ORGS, ...TOWNS, ...REGULATORS, ...ENTERPRISES];
  for (const o of orgs) {
    await db
      .insertInto('org')
      .values({
        code: o.code,
        name: o.name,
        type: o.type,
        in_district: o.inDistrict ?? false,
        town_code: o.town ?? null,
        regulator_code: o.regulator ?? null,
        cert_rereview_org_code: o.certRereview === 'regulator' ? (o.regulator ?? null) : (o.town ?? null),
        credit_code: o.type === 'enterprise' ? demoCreditCode(o.code) : null,
      })
      .onConflict((oc) => oc.column('code').doNothing())
      .execute();
  }
  await seedTitleReviewReference(db);
  const have = new Set((await db.selectFrom('calendar_year').select('year').execute()).map((r) => r.year));
  const loaded: number[] = [];
  for (const year of officialYears()) {
    if (have.has(year)) continue; // never overwrite data an admin loaded
    const input = officialYearInput(year)!;
    await loadCalendarYear(db, { ...input, loadedBy: 'seed' });
    loaded.push(year);
  }
  return { calendarYears: loaded };
}

export async function seedDemoAccounts(db: Kysely<Database>): Promise<{ created: number }> {
  const accounts = demoAccounts();
  const existing = new Set((await db.selectFrom('app_user').select('username').execute()).map((r) => r.username));
  const missing = accounts.filter((a) => !existing.has(a.username));
  // one scrypt hash for every demo account of this run (each hash has its own salt anyway; 100+ hashes are slow)
  const demoHash = missing.length ? await hashPassword('demo') : '';
  for (const acc of missing) {
    await db
      .insertInto('app_user')
      .values({
        username: acc.username,
        password_hash: demoHash,
        display_name: acc.displayName,
        roles: acc.roles,
        org_code: acc.orgCode,
        id_number: acc.idNumber,
        phone: acc.phone,
        is_demo: true,
      })
      .onConflict((oc) => oc.doNothing())
      .execute();
  }
  await seedTitleReviewDemo(db);
  await seedDemoFederatedIdentities(db);
  return { created: missing.length };
}

/** Demo budgets: every town, zone and industry regulator gets 200,000 yuan for the given year (if none is set). */
export async function seedDemoBudgets(db: Kysely<Database>, year: number): Promise<{ created: number }> {
  const bodies = await db.selectFrom('org').select('code').where('type', 'in', ['town', 'regulator']).execute();
  if (!bodies.length) return { created: 0 };
  const r = await db
    .insertInto('fund_budget')
    .values(bodies.map((b) => ({ org_code: b.code, year, budget_yuan: 200_000, set_by: 'seed', updated_at: new Date() })))
    .onConflict((oc) => oc.columns(['org_code', 'year']).doNothing())
    .executeTakeFirst();
  return { created: Number(r.numInsertedOrUpdatedRows ?? 0) };
}
