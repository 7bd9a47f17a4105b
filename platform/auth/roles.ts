/**
 * The roles an account can hold: the one list the API checks (authenticate.ts, the admin accounts API's schema),
 * the seeds are tested against and the console offers. No imports, so the console (web/) can import it as it is.
 */
export const ROLES = [
  'applicant',
  'unit_verifier',
  'bureau_reviewer',
  'rereviewer',
  'competent_dept',
  'lower_committee',
  'committee_office',
  'hrss_approver',
  'expert',
  // 三员分立 (GB/T 22239-2019 level 3): system administrator (organisations, calendar, funds, imports), security
  // administrator (accounts, roles, password resets, unlocks), audit administrator (reads the audit trails)
  'admin',
  'security_admin',
  'auditor',
] as const;
export type Role = (typeof ROLES)[number];

/** The three administrators' roles: an account holds at most one of them. */
export const DUTY_ROLES: readonly Role[] = ['admin', 'security_admin', 'auditor'];

/**
 * The organisation types a role may be held in (null: an account of no organisation). A bureau role only in the
 * district bureau (区应急管理局), unit roles only in enterprises; the administrators district-wide. `expert` is not
 * given here at all: an expert login is made from the expert pool (POST /zhejiang/experts/:id/account) only.
 */
export const ROLE_ORG_TYPES: Record<Role, readonly (string | null)[]> = {
  applicant: [null],
  unit_verifier: ['enterprise'],
  bureau_reviewer: ['bureau'],
  rereviewer: ['town', 'regulator'],
  competent_dept: ['competent_dept'],
  lower_committee: ['lower_committee'],
  committee_office: ['province_office'],
  hrss_approver: ['hrss'],
  expert: [],
  admin: [null, 'bureau'],
  security_admin: [null, 'bureau'],
  auditor: [null, 'bureau'],
};

/** Who reads the statistical reports (统计报表): the reports API lets them in, the console shows them the menu. */
export const REPORT_ROLES: readonly Role[] = ['bureau_reviewer', 'admin', 'auditor', 'committee_office'];
