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
  'admin',
  'auditor',
  'legal_person',
] as const;
export type Role = (typeof ROLES)[number];

/** Who reads the statistical reports (统计报表): the reports API lets them in, the console shows them the menu. */
export const REPORT_ROLES: readonly Role[] = ['bureau_reviewer', 'admin', 'auditor', 'committee_office'];

/** Civil servants' roles: they sign in with 浙政钉; in production password login is off for them by default. */
export const CLERK_ROLES: readonly Role[] = ['bureau_reviewer', 'rereviewer', 'competent_dept', 'lower_committee', 'committee_office', 'hrss_approver'];
