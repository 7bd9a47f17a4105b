/**
 * 统一社会信用代码 (unified social credit code), GB 32100-2015.
 *
 * 18 characters from the 31-character set 0-9 A-H J-N P-R T U W-Y (no I, O, S, V, Z):
 *   1      registration authority (登记管理部门代码), e.g. 9 = market regulation (工商), 1 = 机构编制, 5 = 民政
 *   2      organisation category (机构类别代码), e.g. 1 = enterprise, 2 = individual business
 *   3–8    administrative division of the registering authority (登记管理机关行政区划码, GB/T 2260), six digits
 *   9–17   the organisation code (主体标识码, GB 11714)
 *   18     check character: C18 = 31 − (Σ value(Ci) × Wi mod 31), Wi = 3^(i−1) mod 31, with 31 → 0
 */
const CHARSET = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28] as const;
const SHAPE_RE = /^[0-9A-HJ-NP-RTUW-Y]{2}\d{6}[0-9A-HJ-NP-RTUW-Y]{10}$/;

/** trims surrounding whitespace and uppercases (codes are printed in capitals; a lower-case copy is the same code) */
export function normalizeCreditCode(code: string): string {
  return String(code).trim().toUpperCase();
}

/** the check character for the first 17 characters, or null if one of them is outside the character set */
export function creditCodeCheckChar(first17: string): string | null {
  if (first17.length !== 17) return null;
  let sum = 0;
  for (let i = 0; i < 17; i++) {
    const v = CHARSET.indexOf(first17.charAt(i));
    if (v < 0) return null;
    sum += v * WEIGHTS[i]!;
  }
  const c = 31 - (sum % 31);
  return CHARSET.charAt(c === 31 ? 0 : c);
}

export type CreditCodeFault = 'LENGTH' | 'CHARACTERS' | 'DIVISION' | 'CHECK_CHARACTER';

/** why a code is not a valid unified social credit code, or null when it is */
export function creditCodeFault(code: string): CreditCodeFault | null {
  if (typeof code !== 'string') return 'LENGTH';
  const n = normalizeCreditCode(code);
  if (n.length !== 18) return 'LENGTH';
  if (![...n].every((ch) => CHARSET.includes(ch))) return 'CHARACTERS';
  if (!SHAPE_RE.test(n)) return 'DIVISION';
  return creditCodeCheckChar(n.slice(0, 17)) === n.charAt(17) ? null : 'CHECK_CHARACTER';
}

export function isValidCreditCode(code: string): boolean {
  return creditCodeFault(code) === null;
}

/** What each fault means, in the console's language. */
export const CREDIT_CODE_FAULT_ZH: Record<CreditCodeFault, string> = {
  LENGTH: '统一社会信用代码应为18位',
  CHARACTERS: '统一社会信用代码含有不允许的字符（不使用I、O、S、V、Z）',
  DIVISION: '统一社会信用代码第3至8位应为行政区划码（6位数字）',
  CHECK_CHARACTER: '统一社会信用代码校验位不正确',
};

/** appends the check character to 17 characters (fixtures and demo data) */
export function makeCreditCode(first17: string): string {
  const c = creditCodeCheckChar(normalizeCreditCode(first17));
  if (!c) throw new Error(`not 17 characters of the credit-code set: ${first17}`);
  return normalizeCreditCode(first17) + c;
}
