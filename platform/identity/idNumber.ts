/**
 * Chinese resident identity card number (公民身份号码), GB 11643-1999.
 *
 * 18 characters: 6-digit address code, 8-digit birth date (YYYYMMDD),
 * 3-digit sequence code, 1 check character (ISO 7064 MOD 11-2: 0-9 or X).
 */
import { isValidDate } from '../calendar/workdays';

const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2] as const;
const CHECK_CHARS = '10X98765432';
const SHAPE_RE = /^\d{17}[\dX]$/;

function checkChar(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += (first17.charCodeAt(i) - 48) * (WEIGHTS[i] ?? 0);
  return CHECK_CHARS.charAt(sum % 11);
}

function birthDateFrom17(first17: string): string {
  return `${first17.slice(6, 10)}-${first17.slice(10, 12)}-${first17.slice(12, 14)}`;
}

/** trims surrounding whitespace and uppercases a trailing x */
export function normalizeIdNumber(id: string): string {
  return String(id).trim().toUpperCase();
}

/** 17 digits + check char (digit or X; lowercase x accepted), real birth date, valid MOD 11-2 check char */
export function isValidIdNumber(id: string): boolean {
  if (typeof id !== 'string') return false;
  const n = normalizeIdNumber(id);
  if (!SHAPE_RE.test(n)) return false;
  const first17 = n.slice(0, 17);
  if (!isValidDate(birthDateFrom17(first17))) return false;
  return checkChar(first17) === n.charAt(17);
}

/** first 6 + 8 asterisks + last 4, e.g. 330503********1234; anything that is not 18 chars is fully masked */
export function maskIdNumber(id: string): string {
  const n = normalizeIdNumber(id);
  if (n.length !== 18) return '*'.repeat(n.length);
  return `${n.slice(0, 6)}********${n.slice(14)}`;
}

/** appends the correct check char to 17 digits (for demo/test data) */
export function makeIdNumber(first17: string): string {
  if (typeof first17 !== 'string' || !/^\d{17}$/.test(first17)) {
    throw new RangeError('makeIdNumber expects exactly 17 digits');
  }
  return first17 + checkChar(first17);
}

/** birth date (YYYY-MM-DD) of a valid ID number; throws RangeError for an invalid one */
export function birthDateOf(id: string): string {
  if (!isValidIdNumber(id)) throw new RangeError('invalid ID number');
  return birthDateFrom17(normalizeIdNumber(id).slice(0, 17));
}
