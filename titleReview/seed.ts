/**
 * Reference and demo data of the Zhejiang title review: units outside Nanxun, the competent departments and
 * lower committees applications are routed to, and demo expert pools (≥ 50 per level) with expert accounts.
 * Idempotent: a second run changes nothing that exists.
 */
import type { Kysely } from 'kysely';
import type { Database, OrgType } from '../db/schema';
import { makeIdNumber } from '../platform/identity/idNumber';
import { TITLE_CATEGORIES } from './rules';

const ZJ_ORGS: { code: string; name: string; type: OrgType }[] = [
  { code: 'HGZ-YJJ', name: '杭州市应急管理局', type: 'competent_dept' },
  { code: 'HGZ-ZJPW', name: '杭州市安全工程专业中级工程师评审委员会', type: 'lower_committee' },
  { code: 'ZJ-E-HZAK', name: '杭州安科安全技术服务有限公司', type: 'enterprise' },
  { code: 'ZJ-E-HZSJ', name: '杭州城建安全工程设计研究院有限公司', type: 'enterprise' },
];

/** units of Hangzhou; every other enterprise (Huzhou, incl. Nanxun) goes to 湖州市应急管理局 and the Huzhou lower committee */
const HANGZHOU_UNITS = ['ZJ-E-HZAK', 'ZJ-E-HZSJ'];

/** the organisations experts work for; some are applicants' employers, to exercise the conflict-of-interest rule */
const EXPERT_ORGS = [
  '浙江大学',
  '中国计量大学',
  '浙江省安全生产科学研究院',
  '浙江南浔精工机械有限公司',
  '杭州安科安全技术服务有限公司',
  '湖州师范学院',
  '浙江工业大学',
  '宁波市特种设备检验研究院',
  '温州市应急管理局技术中心',
  '浙江省化工研究院',
  '嘉兴学院',
  '绍兴市安全生产技术服务中心',
];

const SURNAMES =
  '王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤';
const GIVEN = ['建国', '明华', '志强', '海燕', '立新', '文博', '晓东', '秀英', '国平', '宏伟', '静怡', '振宇'];

export interface TitleReviewAccountSeed {
  username: string;
  displayName: string;
  roles: string[];
  orgCode: string | null;
  idNumber: string;
  phone: string;
}

interface ExpertSeed {
  id: string;
  username: string;
  pool: 'senior' | 'professor';
  name: string;
  specialty: string;
  title: 'senior' | 'professor';
  titleSince: string;
  orgName: string;
}

export const SENIOR_POOL_DEMO = 60;
export const PROFESSOR_POOL_DEMO = 55;

function experts(): ExpertSeed[] {
  const out: ExpertSeed[] = [];
  for (let i = 1; i <= SENIOR_POOL_DEMO; i++) {
    out.push({
      id: `EXP-S-${String(i).padStart(3, '0')}`,
      username: `expert${String(i).padStart(2, '0')}`,
      pool: 'senior',
      name: `${SURNAMES[i % SURNAMES.length]}${GIVEN[i % GIVEN.length]}`,
      specialty: TITLE_CATEGORIES[i % 3]!,
      title: i % 7 === 0 ? 'professor' : 'senior',
      titleSince: `${2005 + (i % 12)}-0${1 + (i % 9)}-15`,
      orgName: EXPERT_ORGS[i % EXPERT_ORGS.length]!,
    });
  }
  for (let i = 1; i <= PROFESSOR_POOL_DEMO; i++) {
    out.push({
      id: `EXP-P-${String(i).padStart(3, '0')}`,
      username: `prof${String(i).padStart(2, '0')}`,
      pool: 'professor',
      name: `${SURNAMES[(i * 7) % SURNAMES.length]}${GIVEN[(i + 5) % GIVEN.length]}教授`,
      specialty: TITLE_CATEGORIES[i % 3]!,
      title: 'professor',
      titleSince: `${2010 + (i % 10)}-0${1 + (i % 9)}-01`,
      orgName: EXPERT_ORGS[(i + 3) % EXPERT_ORGS.length]!,
    });
  }
  return out;
}

/** Demo accounts of the title review (password "demo"): Hangzhou clerks and the experts of both pools. */
export function titleReviewDemoAccounts(): TitleReviewAccountSeed[] {
  const a: TitleReviewAccountSeed[] = [];
  let n = 0;
  const id = (birth: string) => makeIdNumber(`330106${birth}${String(100 + (++n % 900)).padStart(3, '0')}`);
  const add = (username: string, displayName: string, roles: string[], orgCode: string | null, birth = '19850101') =>
    a.push({ username, displayName, roles, orgCode, idNumber: id(birth), phone: `1390000${String(n).padStart(4, '0')}` });
  add('unit.hzak', '杭州安科安全技术服务有限公司·人事经办', ['unit_verifier'], 'ZJ-E-HZAK');
  add('unit.hzsj', '杭州城建安全工程设计研究院·人事经办', ['unit_verifier'], 'ZJ-E-HZSJ');
  add('dept2', '杭州市应急管理局·审核人', ['competent_dept'], 'HGZ-YJJ');
  add('lower2', '杭州市中级评委会·经办人', ['lower_committee'], 'HGZ-ZJPW');
  for (const e of experts()) add(e.username, `评审专家·${e.name}`, ['expert'], null, e.pool === 'senior' ? '19700101' : '19650101');
  return a;
}

export async function seedTitleReviewReference(db: Kysely<Database>): Promise<void> {
  for (const o of ZJ_ORGS) {
    await db
      .insertInto('org')
      .values({ code: o.code, name: o.name, type: o.type, in_district: false, town_code: null, regulator_code: null, cert_rereview_org_code: null })
      .onConflict((oc) => oc.column('code').doNothing())
      .execute();
  }
  const routed = new Set((await db.selectFrom('zj_unit').select('org_code').execute()).map((r) => r.org_code));
  const enterprises = await db.selectFrom('org').select('code').where('type', '=', 'enterprise').execute();
  const rows = enterprises
    .filter((e) => !routed.has(e.code))
    .map((e) =>
      HANGZHOU_UNITS.includes(e.code)
        ? { org_code: e.code, competent_org_code: 'HGZ-YJJ', lower_committee_org_code: 'HGZ-ZJPW' }
        : { org_code: e.code, competent_org_code: 'HZ-YJJ', lower_committee_org_code: 'HZ-ZJPW' },
    );
  if (rows.length)
    await db
      .insertInto('zj_unit')
      .values(rows)
      .onConflict((oc) => oc.column('org_code').doNothing())
      .execute();
}

/** The demo expert pools, each expert linked to their account (run after the accounts exist). */
export async function seedTitleReviewDemo(db: Kysely<Database>): Promise<void> {
  const list = experts();
  const users = await db
    .selectFrom('app_user')
    .select(['id', 'username'])
    .where(
      'username',
      'in',
      list.map((e) => e.username),
    )
    .execute();
  const userId = new Map(users.map((u) => [u.username, u.id]));
  await db
    .insertInto('zj_expert')
    .values(
      list.map((e) => ({
        id: e.id,
        pool: e.pool,
        name: e.name,
        specialty: e.specialty,
        title: e.title,
        title_since: e.titleSince,
        org_name: e.orgName,
        user_id: userId.get(e.username) ?? null,
        added_by: 'seed',
      })),
    )
    .onConflict((oc) => oc.column('id').doNothing())
    .execute();
}
