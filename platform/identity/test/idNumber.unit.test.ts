import fc from 'fast-check';
import { birthDateOf, isValidIdNumber, makeIdNumber, maskIdNumber, normalizeIdNumber } from '../idNumber';

describe('ID number (GB 11643-1999)', () => {
  test('well-known valid literal examples', () => {
    // standard example from GB 11643-1999 (check char X)
    expect(isValidIdNumber('11010519491231002X')).toBe(true);
    expect(isValidIdNumber('440524188001010014')).toBe(true);
    expect(birthDateOf('11010519491231002X')).toBe('1949-12-31');
    expect(birthDateOf('440524188001010014')).toBe('1880-01-01');
  });

  test('makeIdNumber appends the MOD 11-2 check char', () => {
    expect(makeIdNumber('11010519491231002')).toBe('11010519491231002X');
    expect(makeIdNumber('44052418800101001')).toBe('440524188001010014');
    const id = makeIdNumber('33050319900307123');
    expect(id).toBe('330503199003071239');
    expect(isValidIdNumber(id)).toBe(true);
    expect(birthDateOf(id)).toBe('1990-03-07');
  });

  test('makeIdNumber rejects anything but 17 digits', () => {
    expect(() => makeIdNumber('1101051949123100')).toThrow(RangeError);
    expect(() => makeIdNumber('110105194912310023')).toThrow(RangeError);
    expect(() => makeIdNumber('1101051949123100X')).toThrow(RangeError);
  });

  test('wrong check char is rejected', () => {
    expect(isValidIdNumber('110105194912310021')).toBe(false);
    expect(isValidIdNumber('440524188001010015')).toBe(false);
    expect(isValidIdNumber('33050319900307123X')).toBe(false);
    // every other check char is wrong
    for (const c of '0123456789X') {
      const candidate = `33050319900307123${c}`;
      expect(isValidIdNumber(candidate)).toBe(c === '9');
    }
  });

  test('single-digit typos are always detected', () => {
    const id = '330503199003071239';
    for (let i = 0; i < 17; i++) {
      for (const d of '0123456789') {
        if (d === id[i]) continue;
        const typo = id.slice(0, i) + d + id.slice(i + 1);
        expect(isValidIdNumber(typo)).toBe(false);
      }
    }
  });

  test('invalid birth dates are rejected even with a correct check char', () => {
    expect(isValidIdNumber(makeIdNumber('33050319900230123'))).toBe(false); // Feb 30
    expect(isValidIdNumber(makeIdNumber('33050319901301123'))).toBe(false); // month 13
    expect(isValidIdNumber(makeIdNumber('33050319900000123'))).toBe(false); // month 00
    expect(isValidIdNumber(makeIdNumber('33050319010229123'))).toBe(false); // 1901 not a leap year
    expect(isValidIdNumber(makeIdNumber('33050320000229123'))).toBe(true); // 2000 leap year
    expect(() => birthDateOf(makeIdNumber('33050319900230123'))).toThrow(RangeError);
  });

  test('lowercase x and surrounding whitespace are normalised', () => {
    expect(normalizeIdNumber(' 11010519491231002x ')).toBe('11010519491231002X');
    expect(isValidIdNumber('11010519491231002x')).toBe(true);
    expect(isValidIdNumber('  11010519491231002X\n')).toBe(true);
    expect(birthDateOf('11010519491231002x')).toBe('1949-12-31');
  });

  test('malformed input is rejected', () => {
    for (const bad of [
      '',
      '11010519491231002',
      '11010519491231002XX',
      '1101051949123100-X',
      '110105 9491231002X',
      '11010519491231002Y',
      'X10105194912310021',
      '１１０１０５１９４９１２３１００２Ｘ', // full-width digits
    ]) {
      expect(isValidIdNumber(bad)).toBe(false);
    }
    expect(isValidIdNumber(undefined as unknown as string)).toBe(false);
    expect(isValidIdNumber(110105194912310020 as unknown as string)).toBe(false);
    expect(() => birthDateOf('11010519491231002')).toThrow(RangeError);
  });

  test('masking keeps first 6 and last 4', () => {
    expect(maskIdNumber('330503199003071234')).toBe('330503********1234');
    expect(maskIdNumber('11010519491231002x')).toBe('110105********002X');
    expect(maskIdNumber(' 440524188001010014 ')).toBe('440524********0014');
    expect(maskIdNumber('330503199003071234')).toHaveLength(18);
    // anything that is not 18 chars is masked completely (never leaks a partial number)
    expect(maskIdNumber('3305031990')).toBe('**********');
    expect(maskIdNumber('')).toBe('');
  });

  test('property: makeIdNumber always produces a valid ID for a valid birth date', () => {
    fc.assert(
      fc.property(
        fc.stringMatching(/^[1-9]\d{5}$/),
        fc.date({ min: new Date('1900-01-01T00:00:00Z'), max: new Date('2025-12-31T00:00:00Z'), noInvalidDate: true }),
        fc.stringMatching(/^\d{3}$/),
        (region, birth, seq) => {
          const ymd = birth.toISOString().slice(0, 10);
          const id = makeIdNumber(region + ymd.replace(/-/g, '') + seq);
          expect(isValidIdNumber(id)).toBe(true);
          expect(isValidIdNumber(id.toLowerCase())).toBe(true);
          expect(birthDateOf(id)).toBe(ymd);
          expect(maskIdNumber(id)).toBe(`${region}********${id.slice(14)}`);
        },
      ),
      { numRuns: 300 },
    );
  });
});
