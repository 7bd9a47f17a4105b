import fc from 'fast-check';
import { creditCodeCheckChar, creditCodeFault, isValidCreditCode, makeCreditCode, normalizeCreditCode } from '../creditCode';

/** Codes as published by the national enterprise credit information system (国家企业信用信息公示系统) and the registrants. */
const PUBLISHED = [
  ['91330100716105852F', '阿里巴巴（中国）有限公司'],
  ['91440300708461136T', '深圳市腾讯计算机系统有限公司'],
  ['914403001922038216', '华为技术有限公司'],
  ['91110000802100433B', '北京百度网讯科技有限公司'],
  ['91310000MA1FL1MMXL', 'a Shanghai enterprise registered after 2015 (MA… organisation code)'],
  ['12100000400010275N', 'a central public institution (事业单位: registration authority 1 机构编制, category 2)'],
] as const;

describe('统一社会信用代码 (GB 32100-2015)', () => {
  test.each(PUBLISHED)('published code %s (%s) is valid', (code) => {
    expect(isValidCreditCode(code)).toBe(true);
    expect(creditCodeCheckChar(code.slice(0, 17))).toBe(code.charAt(17));
  });

  test('a check character of 0 (31 − 0 → 0) and lower case input', () => {
    // Σ ≡ 0 (mod 31) gives 31, written 0
    const zeroCheck = fc.sample(fc.stringMatching(/^91330503[0-9A-HJ-NP-RTUW-Y]{9}$/), 2000).find((p) => creditCodeCheckChar(p) === '0');
    expect(zeroCheck).toBeDefined();
    expect(isValidCreditCode(`${zeroCheck}0`)).toBe(true);
    expect(isValidCreditCode(' 91330100716105852f ')).toBe(true);
    expect(normalizeCreditCode(' 91330100716105852f ')).toBe('91330100716105852F');
  });

  test('refusals name the fault', () => {
    expect(creditCodeFault('91330100716105852E')).toBe('CHECK_CHARACTER'); // last character changed
    expect(creditCodeFault('91330100716105825F')).toBe('CHECK_CHARACTER'); // two characters swapped
    expect(creditCodeFault('91330100716105852')).toBe('LENGTH');
    expect(creditCodeFault('91330100716105852FF')).toBe('LENGTH');
    expect(creditCodeFault('9133010071610585IF')).toBe('CHARACTERS'); // I is not in the set
    expect(creditCodeFault('91330100716105852Z')).toBe('CHARACTERS');
    expect(creditCodeFault('9133A100716105852F')).toBe('DIVISION');
    expect(creditCodeFault('')).toBe('LENGTH');
  });

  test('any single changed character is detected', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[0-9A-HJ-NP-RTUW-Y]{2}\d{6}[0-9A-HJ-NP-RTUW-Y]{9}$/), fc.nat(16), fc.nat(30), (body, pos, shift) => {
        const code = makeCreditCode(body);
        expect(isValidCreditCode(code)).toBe(true);
        const set = '0123456789ABCDEFGHJKLMNPQRTUWXY';
        const changed = set.charAt((set.indexOf(code.charAt(pos)) + 1 + (shift % 30)) % 31);
        const altered = code.slice(0, pos) + changed + code.slice(pos + 1);
        // a changed division digit may become a letter (shape fault) — either way it is refused
        expect(isValidCreditCode(altered)).toBe(false);
      }),
    );
  });
});
