/** The same ID check the API runs (platform/identity/idNumber.ts, GB 11643-1999), with a message in Chinese. */
import { isValidIdNumber, normalizeIdNumber } from '../../../platform/identity/idNumber';

export function idNumberProblem(raw: string): string | null {
  const id = normalizeIdNumber(raw);
  if (!/^\d{17}[\dX]$/.test(id)) return '身份证号应为18位，最后一位可以是数字或X';
  if (!isValidIdNumber(id)) return '身份证号校验位或出生日期不正确，请核对';
  return null;
}
