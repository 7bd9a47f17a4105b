/**
 * What an organisation record the admin enters must satisfy (one form, one API call or one CSV row), checked
 * against the organisations already registered. Pure: the caller loads the reference data once (a 10,000-row import
 * checks every row in memory), so this also runs row by row in the import's dry run.
 */
import type { OrgType } from '../../db/schema';
import { creditCodeFault, normalizeCreditCode, type CreditCodeFault } from './creditCode';

/** The organisation types an admin adds; the seeded bodies (bureau, towns, regulators, office, HRSS) stay seeded. */
export const ADMIN_ORG_TYPES = ['enterprise', 'institution', 'competent_dept', 'lower_committee'] as const;
export type AdminOrgType = (typeof ADMIN_ORG_TYPES)[number];
/** employers: a claim's or a title application's unit */
export const EMPLOYER_TYPES: readonly OrgType[] = ['enterprise', 'institution'];

export const ORG_TYPE_ZH: Record<AdminOrgType, string> = {
  enterprise: '企业',
  institution: '事业单位',
  competent_dept: '主管部门',
  lower_committee: '下一级评审委员会',
};

/**
 * Title-review routing for Nanxun employers when none is given: Nanxun is a district of Huzhou, so its units'
 * applications go to 湖州市应急管理局 and the Huzhou intermediate committee (as the seeded enterprises' do).
 */
export const NANXUN_TITLE_ROUTING = { competentOrgCode: 'HZ-YJJ', lowerCommitteeOrgCode: 'HZ-ZJPW' } as const;

export interface OrgInput {
  type?: string;
  name?: string;
  creditCode?: string | null;
  townCode?: string | null;
  regulatorCode?: string | null;
  /** who re-reviews the employer's certificate claims: its town/zone (default) or its industry regulator */
  certRereviewBy?: string | null;
  competentOrgCode?: string | null;
  lowerCommitteeOrgCode?: string | null;
  address?: string | null;
}

export interface RefOrg {
  code: string;
  name: string;
  type: string;
  creditCode: string | null;
  active: boolean;
}

/** the registered organisations, indexed the ways a form or a CSV names them */
export class OrgRefs {
  readonly byCode = new Map<string, RefOrg>();
  readonly byName = new Map<string, RefOrg[]>();
  readonly byCreditCode = new Map<string, RefOrg>();
  constructor(rows: RefOrg[]) {
    for (const r of rows) {
      this.byCode.set(r.code, r);
      this.byName.set(r.name, [...(this.byName.get(r.name) ?? []), r]);
      if (r.creditCode) this.byCreditCode.set(r.creditCode, r);
    }
  }
  /** an organisation of this type named by its code or by its exact name */
  resolve(ref: string, type: OrgType): RefOrg | undefined {
    const byCode = this.byCode.get(ref) ?? this.byCode.get(ref.toUpperCase());
    if (byCode) return byCode.type === type ? byCode : undefined;
    const named = (this.byName.get(ref) ?? []).filter((o) => o.type === type);
    return named.length === 1 ? named[0] : undefined;
  }
}

export type OrgReason =
  | 'UNKNOWN_TYPE'
  | 'MISSING_NAME'
  | 'NAME_TOO_LONG'
  | 'MISSING_CREDIT_CODE'
  | 'INVALID_CREDIT_CODE'
  | 'DUPLICATE_CREDIT_CODE'
  | 'UNKNOWN_TOWN'
  | 'UNKNOWN_REGULATOR'
  | 'MISSING_ROUTING'
  | 'INVALID_CERT_REREVIEW'
  | 'UNKNOWN_COMPETENT_DEPT'
  | 'UNKNOWN_LOWER_COMMITTEE'
  | 'ROUTING_NOT_FOR_TYPE'
  | 'ADDRESS_TOO_LONG';

export const ORG_REASON_ZH: Record<OrgReason | 'DUPLICATE_IN_FILE' | 'TYPE_MISMATCH', string> = {
  UNKNOWN_TYPE: '单位类型不正确（企业、事业单位、主管部门、下一级评审委员会）',
  MISSING_NAME: '缺少单位名称',
  NAME_TOO_LONG: '单位名称超过100个字符',
  MISSING_CREDIT_CODE: '缺少统一社会信用代码',
  INVALID_CREDIT_CODE: '统一社会信用代码不正确',
  DUPLICATE_CREDIT_CODE: '统一社会信用代码已登记为另一单位',
  UNKNOWN_TOWN: '所属镇（开发区）不存在',
  UNKNOWN_REGULATOR: '行业监管部门不存在',
  MISSING_ROUTING: '南浔区单位须填写所属镇（开发区）和行业监管部门；区外单位须填写主管部门和下一级评审委员会',
  INVALID_CERT_REREVIEW: '证书奖励复审单位只能是“镇”或“监管部门”',
  UNKNOWN_COMPETENT_DEPT: '主管部门不存在',
  UNKNOWN_LOWER_COMMITTEE: '下一级评审委员会不存在',
  ROUTING_NOT_FOR_TYPE: '只有企业和事业单位填写所属镇、监管部门、主管部门和评审委员会',
  ADDRESS_TOO_LONG: '地址超过200个字符',
  DUPLICATE_IN_FILE: '与文件中前面一行的统一社会信用代码重复',
  TYPE_MISMATCH: '该统一社会信用代码已登记为另一类型的单位',
};

/** a checked record, ready to be written */
export interface OrgRecord {
  type: AdminOrgType;
  name: string;
  creditCode: string | null;
  townCode: string | null;
  regulatorCode: string | null;
  certRereviewOrgCode: string | null;
  inDistrict: boolean;
  competentOrgCode: string | null;
  lowerCommitteeOrgCode: string | null;
  address: string | null;
}

export interface Checked {
  reasons: { code: OrgReason; field: string; value?: string; fault?: CreditCodeFault }[];
  record?: OrgRecord;
}

const blank = (v: string | null | undefined) => (v == null || String(v).trim() === '' ? null : String(v).trim());

const TYPE_ALIASES: Record<string, AdminOrgType> = {
  enterprise: 'enterprise',
  企业: 'enterprise',
  institution: 'institution',
  事业单位: 'institution',
  competent_dept: 'competent_dept',
  主管部门: 'competent_dept',
  lower_committee: 'lower_committee',
  下一级评审委员会: 'lower_committee',
  评审委员会: 'lower_committee',
};
const CERT_REREVIEW_ALIASES: Record<string, 'town' | 'regulator'> = {
  town: 'town',
  镇: 'town',
  镇街: 'town',
  开发区: 'town',
  regulator: 'regulator',
  监管部门: 'regulator',
  行业监管部门: 'regulator',
};

/**
 * Checks one organisation. `self` is the code of the organisation being changed (its own credit code is no
 * duplicate); `existing`, for a change, fills in what the input leaves out.
 */
export function normalizeOrgType(raw: string): AdminOrgType | undefined {
  const t = raw.trim();
  return TYPE_ALIASES[t] ?? TYPE_ALIASES[t.toLowerCase()];
}

export function checkOrgInput(input: OrgInput, refs: OrgRefs, opts: { self?: string; existing?: OrgRecord } = {}): Checked {
  const reasons: Checked['reasons'] = [];
  const base = opts.existing;
  const typeRaw = blank(input.type) ?? base?.type ?? 'enterprise';
  const type = TYPE_ALIASES[typeRaw] ?? TYPE_ALIASES[typeRaw.toLowerCase()];
  if (!type) reasons.push({ code: 'UNKNOWN_TYPE', field: 'type', value: typeRaw });
  const name = input.name === undefined ? (base?.name ?? null) : blank(input.name);
  if (!name) reasons.push({ code: 'MISSING_NAME', field: 'name' });
  else if (name.length > 100) reasons.push({ code: 'NAME_TOO_LONG', field: 'name' });
  const address = input.address === undefined ? (base?.address ?? null) : blank(input.address);
  if (address && address.length > 200) reasons.push({ code: 'ADDRESS_TOO_LONG', field: 'address' });

  const ccRaw = input.creditCode === undefined ? (base?.creditCode ?? null) : blank(input.creditCode);
  const creditCode = ccRaw ? normalizeCreditCode(ccRaw) : null;
  const employer = type === 'enterprise' || type === 'institution';
  if (!creditCode) {
    // required of every new employer; a seeded one without a code on file may still be renamed or moved
    if (employer && (!base || input.creditCode !== undefined)) reasons.push({ code: 'MISSING_CREDIT_CODE', field: 'creditCode' });
  } else {
    const fault = creditCodeFault(creditCode);
    if (fault) reasons.push({ code: 'INVALID_CREDIT_CODE', field: 'creditCode', value: creditCode, fault });
    else {
      const holder = refs.byCreditCode.get(creditCode);
      if (holder && holder.code !== opts.self) reasons.push({ code: 'DUPLICATE_CREDIT_CODE', field: 'creditCode', value: holder.code });
    }
  }

  const pick = (field: keyof OrgInput, current: string | null | undefined) =>
    input[field] === undefined ? (current ?? null) : blank(input[field] as string | null);
  const townRef = pick('townCode', base?.townCode);
  const regulatorRef = pick('regulatorCode', base?.regulatorCode);
  const competentRef = pick('competentOrgCode', base?.competentOrgCode);
  const lowerRef = pick('lowerCommitteeOrgCode', base?.lowerCommitteeOrgCode);
  const certRaw = blank(input.certRereviewBy);
  let certBy: 'town' | 'regulator' | null = null;
  if (certRaw) {
    certBy = CERT_REREVIEW_ALIASES[certRaw] ?? CERT_REREVIEW_ALIASES[certRaw.toLowerCase()] ?? null;
    if (!certBy) reasons.push({ code: 'INVALID_CERT_REREVIEW', field: 'certRereviewBy', value: certRaw });
  } else if (base?.certRereviewOrgCode) certBy = base.certRereviewOrgCode === base.regulatorCode && base.regulatorCode !== base.townCode ? 'regulator' : 'town';

  const town = townRef ? refs.resolve(townRef, 'town') : undefined;
  const regulator = regulatorRef ? refs.resolve(regulatorRef, 'regulator') : undefined;
  const competent = competentRef ? refs.resolve(competentRef, 'competent_dept') : undefined;
  const lower = lowerRef ? refs.resolve(lowerRef, 'lower_committee') : undefined;
  if (!employer && type && (townRef || regulatorRef || competentRef || lowerRef || certRaw)) {
    reasons.push({
      code: 'ROUTING_NOT_FOR_TYPE',
      field: townRef ? 'townCode' : regulatorRef ? 'regulatorCode' : competentRef ? 'competentOrgCode' : lowerRef ? 'lowerCommitteeOrgCode' : 'certRereviewBy',
    });
  }
  if (employer) {
    if (townRef && !town) reasons.push({ code: 'UNKNOWN_TOWN', field: 'townCode', value: townRef });
    if (regulatorRef && !regulator) reasons.push({ code: 'UNKNOWN_REGULATOR', field: 'regulatorCode', value: regulatorRef });
    if (competentRef && !competent) reasons.push({ code: 'UNKNOWN_COMPETENT_DEPT', field: 'competentOrgCode', value: competentRef });
    if (lowerRef && !lower) reasons.push({ code: 'UNKNOWN_LOWER_COMMITTEE', field: 'lowerCommitteeOrgCode', value: lowerRef });
    const nanxun = !!(townRef || regulatorRef);
    // a Nanxun employer needs both its town/zone and its regulator (certificate re-review, shortage-talent re-review);
    // a unit outside Nanxun is there for the title review, which needs its competent department and lower committee
    if (nanxun ? !townRef || !regulatorRef : !competentRef || !lowerRef) {
      reasons.push({
        code: 'MISSING_ROUTING',
        field: nanxun ? (!townRef ? 'townCode' : 'regulatorCode') : !competentRef ? 'competentOrgCode' : 'lowerCommitteeOrgCode',
      });
    }
  }
  if (reasons.length || !type || !name) return { reasons };

  const inDistrict = employer && !!town && !!regulator;
  let competentOrgCode = competent?.code ?? null;
  let lowerCommitteeOrgCode = lower?.code ?? null;
  if (
    inDistrict &&
    !competentOrgCode &&
    !lowerCommitteeOrgCode &&
    refs.byCode.has(NANXUN_TITLE_ROUTING.competentOrgCode) &&
    refs.byCode.has(NANXUN_TITLE_ROUTING.lowerCommitteeOrgCode)
  ) {
    ({ competentOrgCode, lowerCommitteeOrgCode } = NANXUN_TITLE_ROUTING);
  }
  return {
    reasons,
    record: {
      type,
      name,
      creditCode,
      townCode: town?.code ?? null,
      regulatorCode: regulator?.code ?? null,
      certRereviewOrgCode: inDistrict ? (certBy === 'regulator' ? regulator!.code : town!.code) : null,
      inDistrict,
      competentOrgCode,
      lowerCommitteeOrgCode,
      address,
    },
  };
}

/** The code a new organisation gets: its kind, inside or outside Nanxun, and its credit code (else a number). */
export function newOrgCode(r: OrgRecord, seq: () => number): string {
  const prefix = { enterprise: 'E', institution: 'I', competent_dept: 'CD', lower_committee: 'LC' }[r.type];
  return `${r.inDistrict ? 'NX' : 'ZJ'}-${prefix}-${r.creditCode ?? String(seq()).padStart(6, '0')}`;
}
