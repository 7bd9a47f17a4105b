/** The claim form's values (附件2-1 / 附件2-2) and the request body the API takes for them. */
import type { Dayjs } from 'dayjs';
import { dayjs } from '../../lib/time';
import type { MaterialItem } from '../../materials';

export type ClaimKind = 'certificate' | 'shortage_talent';

export interface ClaimFormValues {
  employerOrgCode: string;
  position?: string;
  employerNature?: 'production' | 'government' | 'other';
  employerNatureOther?: string;
  employerAddress?: string;
  employerPhone?: string;
  idNumber: string;
  phone: string;
  certNumber: string;
  level: 'junior' | 'intermediate' | 'senior';
  issuedOn: Dayjs;
  receivedOn: Dayjs;
  previousAwards?: string[];
  since?: Dayjs;
  contractYears?: number;
  socialSecurityMonths?: number;
  firstIntroduction?: boolean;
  declaration: boolean;
}

export const d = (v?: Dayjs) => (v ? v.format('YYYY-MM-DD') : undefined);

/** Six calendar months after receipt, as the API counts it (end of that day). */
export function windowEnd(receivedOn: string): string {
  return dayjs(receivedOn).add(6, 'month').format('YYYY-MM-DD');
}

/** The body of POST /nanxun/claims: what the applicant filled in, trimmed, with the uploaded materials' ids. */
export function claimBody(kind: ClaimKind, v: ClaimFormValues, applicantName: string, files: MaterialItem[]): Record<string, unknown> {
  const body: Record<string, unknown> = {
    kind,
    employerOrgCode: v.employerOrgCode,
    applicant: { name: applicantName, idNumber: v.idNumber.trim().toUpperCase(), phone: v.phone.trim() },
    certificate: { number: v.certNumber.trim(), level: v.level, issuedOn: d(v.issuedOn), receivedOn: d(v.receivedOn) },
    declaration: true,
    materials: files.map((f) => f.id),
  };
  if (v.position?.trim()) body.position = v.position.trim();
  if (v.employerNature) body.employerNature = v.employerNature;
  if (v.employerNature === 'other' && v.employerNatureOther?.trim()) body.employerNatureOther = v.employerNatureOther.trim();
  if (v.employerAddress?.trim()) body.employerAddress = v.employerAddress.trim();
  if (v.employerPhone?.trim()) body.employerPhone = v.employerPhone.trim();
  if (v.previousAwards?.length) body.previousAwards = v.previousAwards;
  if (kind === 'shortage_talent') {
    body.employment = {
      since: d(v.since),
      contractYears: v.contractYears,
      socialSecurityMonths: v.socialSecurityMonths,
      firstIntroduction: !!v.firstIntroduction,
    };
  }
  return body;
}

/** The form field an API field error belongs to (certificate.number → certNumber, applicant.phone → phone, …). */
export function formFieldOf(apiPath: string): string {
  return apiPath
    .replace(/^certificate\.number$/, 'certNumber')
    .replace(/^certificate\./, '')
    .replace(/^employment\./, '')
    .replace(/^applicant\./, '');
}
