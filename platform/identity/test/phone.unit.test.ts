/**
 * Phone numbers shown to people who need not call them (docs/security.md, PIPL data minimisation): the first 3 and
 * the last 4 digits, as `139****5678`; nothing of a number too short to hide anything in.
 */
import fc from 'fast-check';
import { maskPhone } from '../phone';

test('a mobile number keeps its first 3 and last 4 digits', () => {
  expect(maskPhone('13912345678')).toBe('139****5678');
  expect(maskPhone('18657200001')).toBe('186****0001');
});

test('spaces typed into the number are not shown and do not shift the mask', () => {
  expect(maskPhone('139 1234 5678')).toBe('139****5678');
});

test('a longer number (a landline with its area code) hides everything but the same 3 + 4', () => {
  expect(maskPhone('057223012345')).toBe('057*****2345');
});

test('a number of 7 digits or fewer is hidden entirely', () => {
  expect(maskPhone('3012345')).toBe('*******');
  expect(maskPhone('12345')).toBe('*****');
});

test('no number: nothing to show', () => {
  expect(maskPhone(null)).toBeNull();
  expect(maskPhone(undefined)).toBeNull();
  expect(maskPhone('')).toBe('');
});

test('any mobile number: 11 characters, and the middle 4 digits never appear', () => {
  fc.assert(
    fc.property(fc.stringMatching(/^1[3-9]\d{9}$/), (phone) => {
      const masked = maskPhone(phone)!;
      expect(masked).toHaveLength(11);
      expect(masked.slice(3, 7)).toBe('****');
      expect(masked.slice(0, 3) + masked.slice(7)).toBe(phone.slice(0, 3) + phone.slice(7));
    }),
  );
});
